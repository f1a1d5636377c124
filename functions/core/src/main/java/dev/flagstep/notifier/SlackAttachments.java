package dev.flagstep.notifier;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Flagger's {@code SlackPayload}, which its Slack, Discord and Rocket notifiers share: keys in its struct order,
 * {@code icon_url} always present and empty, one attachment with every field {@code short: false}. When the
 * alert carries gate links, the attachment also gets two link buttons ({@code actions}), which Slack shows under it.
 */
final class SlackAttachments {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SlackAttachments() {}

    static ObjectNode payload(Notification n, String channel, String username, String color) {
        ObjectNode payload = NODES.objectNode();
        payload.put("channel", channel);
        payload.put("username", username);
        payload.put("icon_url", "");
        payload.put("icon_emoji", ":rocket:");
        ObjectNode attachment = payload.putArray("attachments").addObject();
        attachment.put("color", color);
        attachment.put("author_name", n.subject());
        attachment.put("text", n.message());
        attachment.putArray("mrkdwn_in").add("text");
        ArrayNode fields = attachment.putArray("fields");
        for (Field f : n.fields()) {
            fields.addObject().put("title", f.name()).put("value", f.value()).put("short", false);
        }
        n.links().ifPresent(links -> {
            ArrayNode actions = attachment.putArray("actions");
            actions.addObject().put("type", "button").put("text", "Approve").put("url", links.approve().toString())
                    .put("style", "primary");
            actions.addObject().put("type", "button").put("text", "Roll back").put("url", links.rollback().toString())
                    .put("style", "danger");
        });
        return payload;
    }
}
