package dev.flagstep.aws.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Attribute values to DynamoDB's JSON ({@code {"S": "..."}}, ...) and back. */
final class AttributeValues {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AttributeValues() {}

    static ObjectNode json(Map<String, AttributeValue> item) {
        ObjectNode o = NODES.objectNode();
        item.forEach((name, value) -> o.set(name, json(value)));
        return o;
    }

    static ObjectNode json(AttributeValue value) {
        ObjectNode o = NODES.objectNode();
        switch (value) {
            case AttributeValue.S s -> o.put("S", s.value());
            case AttributeValue.N n -> o.put("N", n.value());
            case AttributeValue.Bool b -> o.put("BOOL", b.value());
            case AttributeValue.Null n -> o.put("NULL", true);
            case AttributeValue.M m -> o.set("M", json(m.value()));
            case AttributeValue.L l -> {
                ArrayNode a = o.putArray("L");
                l.value().forEach(v -> a.add(json(v)));
            }
            case AttributeValue.SS ss -> ss.value().forEach(o.putArray("SS")::add);
            case AttributeValue.NS ns -> ns.value().forEach(o.putArray("NS")::add);
        }
        return o;
    }

    /** An item (an empty map for a missing node). */
    static Map<String, AttributeValue> item(JsonNode node) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        node.properties().forEach(e -> item.put(e.getKey(), value(e.getValue())));
        return item;
    }

    static List<Map<String, AttributeValue>> items(JsonNode array) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        array.forEach(n -> items.add(item(n)));
        return items;
    }

    static AttributeValue value(JsonNode node) {
        var field = node.properties().iterator().next();
        JsonNode v = field.getValue();
        return switch (field.getKey()) {
            case "S" -> new AttributeValue.S(v.asText());
            case "N" -> new AttributeValue.N(v.asText());
            case "BOOL" -> new AttributeValue.Bool(v.asBoolean());
            case "NULL" -> new AttributeValue.Null();
            case "M" -> new AttributeValue.M(item(v));
            case "L" -> {
                List<AttributeValue> l = new ArrayList<>();
                v.forEach(x -> l.add(value(x)));
                yield new AttributeValue.L(l);
            }
            case "SS" -> new AttributeValue.SS(texts(v));
            case "NS" -> new AttributeValue.NS(texts(v));
            default -> throw new IllegalArgumentException("unsupported DynamoDB attribute type " + field.getKey());
        };
    }

    private static List<String> texts(JsonNode array) {
        List<String> l = new ArrayList<>();
        array.forEach(x -> l.add(x.asText()));
        return l;
    }
}
