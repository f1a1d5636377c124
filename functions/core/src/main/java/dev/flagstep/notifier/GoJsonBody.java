package dev.flagstep.notifier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.webhook.GoJson;
import java.io.ByteArrayOutputStream;
import java.util.Iterator;
import java.util.Map;

/**
 * A message body as Go's {@code json.Marshal} writes Flagger's payload structs: keys in the order the format put
 * them (the structs' field order), no spaces, strings HTML-escaped ({@code <} as {@code \u003c}), so a receiver
 * gets Flagger's bytes.
 */
final class GoJsonBody {

    private GoJsonBody() {}

    static byte[] of(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, node);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, JsonNode node) {
        if (node.isObject()) {
            out.write('{');
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            boolean first = true;
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                if (!first) {
                    out.write(',');
                }
                first = false;
                GoJson.appendString(out, e.getKey());
                out.write(':');
                write(out, e.getValue());
            }
            out.write('}');
        } else if (node.isArray()) {
            out.write('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                write(out, node.get(i));
            }
            out.write(']');
        } else if (node.isTextual()) {
            GoJson.appendString(out, node.textValue());
        } else {
            // booleans and numbers are ASCII as Jackson writes them; formats use no others
            GoJson.appendRaw(out, node.toString());
        }
    }
}
