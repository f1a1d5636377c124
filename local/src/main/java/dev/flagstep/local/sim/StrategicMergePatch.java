package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Kubernetes' strategic merge patch, as much of it as {@code kubectl apply}, {@code kubectl set image} and
 * {@code kubectl edit} send for the kinds the simulated cluster holds (the mock answers 415): a merge patch whose
 * lists of containers, env, volumes, mounts, ports and conditions merge element by element on their merge key, with
 * {@code $patch: delete} removing one and {@code $patch: replace} replacing a map. Other directives
 * ({@code $setElementOrder/...}, {@code $retainKeys}, {@code $deleteFromPrimitiveList/...}) are ignored: order and
 * the pruning they ask for are not simulated. Lists without a merge key are replaced, as in a merge patch.
 */
final class StrategicMergePatch {

    private StrategicMergePatch() {
    }

    static JsonNode apply(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) return patch.deepCopy();
        if ("replace".equals(patch.path("$patch").asText())) return withoutDirectives(patch);
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (key.startsWith("$")) continue;
            if (value.isNull()) {
                result.remove(key);
            } else if (value.isArray() && result.get(key) instanceof ArrayNode current) {
                Optional<String> mergeKey = mergeKey(key, value);
                result.set(key, mergeKey.isPresent() ? mergeList(current, (ArrayNode) value, mergeKey.get())
                        : withoutDirectives(value));
            } else {
                result.set(key, apply(result.get(key), value));
            }
        }
        return result;
    }

    /** The merge key of list {@code field} (the Kubernetes API's {@code patchMergeKey}), for the lists simulated. */
    private static Optional<String> mergeKey(String field, JsonNode elements) {
        String key = switch (field) {
            case "containers", "initContainers", "ephemeralContainers", "env", "volumes", "imagePullSecrets" -> "name";
            case "volumeMounts" -> "mountPath";
            case "conditions" -> "type";
            case "ports" -> elements.size() > 0 && elements.get(0).has("containerPort") ? "containerPort" : "port";
            default -> null;
        };
        if (key == null) return Optional.empty();
        for (JsonNode e : elements) if (!e.isObject() || !e.has(key)) return Optional.empty();
        return Optional.of(key);
    }

    private static ArrayNode mergeList(ArrayNode current, ArrayNode patch, String key) {
        ArrayNode out = current.deepCopy();
        for (JsonNode p : patch) {
            int at = indexOf(out, key, p.get(key));
            if ("delete".equals(p.path("$patch").asText())) {
                if (at >= 0) out.remove(at);
            } else if (at >= 0) {
                out.set(at, apply(out.get(at), p));
            } else {
                out.add(withoutDirectives(p));
            }
        }
        return out;
    }

    private static int indexOf(ArrayNode list, String key, JsonNode value) {
        for (int i = 0; i < list.size(); i++) if (value.equals(list.get(i).get(key))) return i;
        return -1;
    }

    private static JsonNode withoutDirectives(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(e -> {
                if (!e.getKey().startsWith("$")) out.set(e.getKey(), withoutDirectives(e.getValue()));
            });
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(e -> out.add(withoutDirectives(e)));
            return out;
        }
        return node;
    }
}
