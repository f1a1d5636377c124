package dev.flagstep.asl;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one ObjectMapper of the interpreter, and the small JSON helpers every class needs. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper()
            // a definition with a key twice is ambiguous; AWS refuses it too
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static JsonNode parse(String text) throws JsonProcessingException {
        return MAPPER.readTree(text);
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JsonNode always serialises", e);
        }
    }

    /** For messages: long documents are cut, they only need to be recognisable. */
    static String abbreviate(JsonNode node) {
        String text = write(node);
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    /** ASL number fields are JSON numbers with an integral value; 3.0 counts, 3.5 and "3" do not. */
    static boolean isIntegral(JsonNode node) {
        if (!node.isNumber()) {
            return false;
        }
        if (node.isIntegralNumber()) {
            return true;
        }
        return node.decimalValue().stripTrailingZeros().scale() <= 0;
    }
}
