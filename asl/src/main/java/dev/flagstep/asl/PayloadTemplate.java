package dev.flagstep.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@code Parameters} or {@code ResultSelector} object: static JSON in which every key ending in
 * {@code .$} is replaced, at run time, by the value of its path or intrinsic function under the key
 * without the suffix. Applies at any depth, inside arrays too.
 */
final class PayloadTemplate {

    private sealed interface Node permits Static, Dynamic, Obj, Arr {
    }

    private record Static(JsonNode value) implements Node {
    }

    private record Dynamic(Expression expression, String field) implements Node {
    }

    private record Entry(String key, Node value) {
    }

    private record Obj(List<Entry> entries) implements Node {
    }

    private record Arr(List<Node> elements) implements Node {
    }

    private final Node root;

    private PayloadTemplate(Node root) {
        this.root = root;
    }

    /** @throws AslException naming the state, the field and the bad key */
    static PayloadTemplate compile(JsonNode template, String state, String field) {
        if (!template.isObject()) {
            throw AslException.at(state, field, "must be a JSON object");
        }
        return new PayloadTemplate(node(template, state, field));
    }

    private static Node node(JsonNode value, String state, String path) {
        if (value.isObject()) {
            List<Entry> entries = new ArrayList<>();
            java.util.Set<String> keys = new java.util.HashSet<>();
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                String key = e.getKey();
                String where = path + "." + key;
                Node child;
                if (key.endsWith(".$")) {
                    key = key.substring(0, key.length() - 2);
                    if (!e.getValue().isTextual()) {
                        throw AslException.at(state, where, "a '.$' field takes a path or an intrinsic function as a string");
                    }
                    try {
                        child = new Dynamic(Expression.dynamic(e.getValue().textValue()), e.getKey());
                    } catch (IllegalArgumentException bad) {
                        throw AslException.at(state, where, bad.getMessage());
                    }
                } else {
                    child = node(e.getValue(), state, where);
                }
                if (!keys.add(key)) {
                    throw AslException.at(state, where, "'" + key + "' is given both with and without '.$'");
                }
                entries.add(new Entry(key, child));
            }
            return new Obj(List.copyOf(entries));
        }
        if (value.isArray()) {
            List<Node> elements = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                elements.add(node(value.get(i), state, path + "[" + i + "]"));
            }
            return new Arr(List.copyOf(elements));
        }
        return new Static(value);
    }

    /** The keys at the top level after removing {@code .$}; the Task checks its resource's parameters. */
    List<String> topLevelKeys() {
        return ((Obj) root).entries().stream().map(Entry::key).toList();
    }

    JsonNode evaluate(JsonNode input, JsonNode context) {
        return evaluate(root, input, context);
    }

    private static JsonNode evaluate(Node node, JsonNode input, JsonNode context) {
        return switch (node) {
            case Static s -> s.value().deepCopy();
            case Dynamic d -> d.expression().evaluate(input, context, d.field()).deepCopy();
            case Obj o -> {
                ObjectNode out = Json.object();
                o.entries().forEach(e -> out.set(e.key(), evaluate(e.value(), input, context)));
                yield out;
            }
            case Arr a -> {
                ArrayNode out = Json.NODES.arrayNode();
                a.elements().forEach(e -> out.add(evaluate(e, input, context)));
                yield out;
            }
        };
    }
}
