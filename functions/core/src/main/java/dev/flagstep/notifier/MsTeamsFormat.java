package dev.flagstep.notifier;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Flagger's {@code MSTeams.Post}: a MessageCard, theme {@code 0076D7} ({@code FF0000} for errors), one section
 * titled with the message and the fields as facts. Gate links become {@code OpenUri} actions.
 */
final class MsTeamsFormat implements MessageFormat {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Override
    public ObjectNode body(Notification n, String channel, String username) {
        ObjectNode card = NODES.objectNode();
        card.put("@type", "MessageCard");
        card.put("@context", "http://schema.org/extensions");
        card.put("themeColor", n.isError() ? "FF0000" : "0076D7");
        card.put("summary", n.subject());
        ObjectNode section = card.putArray("sections").addObject();
        section.put("activityTitle", n.message());
        section.put("activitySubtitle", n.subject());
        ArrayNode facts = section.putArray("facts");
        n.fields().forEach(f -> facts.addObject().put("name", f.name()).put("value", f.value()));
        n.links().ifPresent(links -> {
            ArrayNode actions = card.putArray("potentialAction");
            openUri(actions, "Approve", links.approve().toString());
            openUri(actions, "Roll back", links.rollback().toString());
        });
        return card;
    }

    private static void openUri(ArrayNode actions, String name, String uri) {
        ObjectNode action = actions.addObject();
        action.put("@type", "OpenUri");
        action.put("name", name);
        action.putArray("targets").addObject().put("os", "default").put("uri", uri);
    }
}
