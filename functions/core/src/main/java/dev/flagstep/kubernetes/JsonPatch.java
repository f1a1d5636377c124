package dev.flagstep.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * RFC 6902 JSON Patch built as the difference between two versions of an object.
 *
 * <p>Why a diff and not merge patch: the test API server (and the spec) handle arrays in merge patch by
 * replacement, fabric8's mock by appending, and strategic merge is not available everywhere. A JSON Patch that
 * starts with {@code test /metadata/resourceVersion} is exact and also gives optimistic concurrency.
 * Arrays of different length are replaced whole; that is safe because the resourceVersion test guards the patch.
 */
public final class JsonPatch {

    private JsonPatch() {
    }

    /** The operations that turn {@code from} into {@code to}; empty when they are equal. */
    public static ArrayNode diff(JsonNode from, JsonNode to) {
        ArrayNode ops = JsonNodeFactory.instance.arrayNode();
        diff("", from, to, ops);
        return ops;
    }

    /** The same patch guarded by a {@code test} of {@code /metadata/resourceVersion}. */
    public static ArrayNode guarded(String resourceVersion, ArrayNode ops) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        out.add(op("test", "/metadata/resourceVersion").put("value", resourceVersion));
        out.addAll(ops);
        return out;
    }

    /** JSON Pointer escaping (RFC 6901): annotation keys like {@code alb.ingress.kubernetes.io/actions.x} contain '/'. */
    public static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static void diff(String path, JsonNode from, JsonNode to, ArrayNode ops) {
        if (from.equals(to)) return;
        if (from.isObject() && to.isObject()) {
            for (Map.Entry<String, JsonNode> e : from.properties()) {
                String child = path + "/" + escape(e.getKey());
                JsonNode target = to.get(e.getKey());
                if (target == null) {
                    ops.add(op("remove", child));
                } else {
                    diff(child, e.getValue(), target, ops);
                }
            }
            for (Map.Entry<String, JsonNode> e : to.properties()) {
                if (!from.has(e.getKey())) {
                    ops.add(op("add", path + "/" + escape(e.getKey())).set("value", e.getValue().deepCopy()));
                }
            }
            return;
        }
        if (from.isArray() && to.isArray() && from.size() == to.size()) {
            for (int i = 0; i < from.size(); i++) diff(path + "/" + i, from.get(i), to.get(i), ops);
            return;
        }
        ops.add(op("replace", path).set("value", to.deepCopy()));
    }

    private static ObjectNode op(String op, String path) {
        return JsonNodeFactory.instance.objectNode().put("op", op).put("path", path);
    }
}
