package dev.flagstep.notifier;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Flagger's {@code GChat.Post}: one card headed "Flagger" with the subject and Flagger's icon, a first section
 * with the message in grey bold, then one section per field. No colour by severity, as in Flagger.
 */
final class GChatFormat implements MessageFormat {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Override
    public ObjectNode body(Notification n, String channel, String username) {
        ObjectNode payload = NODES.objectNode();
        ObjectNode card = payload.putArray("cards").addObject();
        ObjectNode header = card.putObject("header");
        header.put("title", "Flagger");
        header.put("subtitle", n.subject());
        header.put("imageUrl", "https://flagger.app/favicon.png");
        ArrayNode sections = card.putArray("sections");
        paragraph(sections, "<font color=#848484><strong>" + n.message() + "</strong></font>");
        n.fields().forEach(f -> paragraph(sections, f.name() + "<br><font color=#848484><strong>" + f.value() + "</strong></font>"));
        return payload;
    }

    private static void paragraph(ArrayNode sections, String text) {
        sections.addObject().putArray("widgets").addObject().putObject("textParagraph").put("text", text);
    }
}
