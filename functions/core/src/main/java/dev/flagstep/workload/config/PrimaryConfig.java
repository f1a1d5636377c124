package dev.flagstep.workload.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Flagger's copy of a tracked config for the primary ({@code CreatePrimaryConfigs}): {@code {name}-primary} with the
 * source's {@code data} (and a Secret's {@code type}) only: no {@code binaryData}, no {@code immutable}, no
 * annotations (so the copy never carries the opt-out) and, with Flagger's default {@code -include-label-prefix},
 * no labels. Pure.
 */
public final class PrimaryConfig {

    private PrimaryConfig() {}

    public static ObjectNode of(ConfigRef ref, JsonNode source, String namespace) {
        ObjectNode copy = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1")
                .put("kind", ref.type() == ConfigRef.Type.SECRET ? "Secret" : "ConfigMap");
        copy.putObject("metadata").put("name", ref.primaryName()).put("namespace", namespace);
        if (ref.type() == ConfigRef.Type.SECRET) copy.put("type", source.path("type").asText("Opaque"));
        JsonNode data = source.get("data");
        if (data != null && data.isObject() && !data.isEmpty()) copy.set("data", data.deepCopy());
        return copy;
    }

    /** Makes {@code existing} (a copy already there) carry {@code desired}'s content, keeping its metadata. */
    static void overwrite(ObjectNode existing, ObjectNode desired) {
        if (desired.has("data")) existing.set("data", desired.get("data").deepCopy());
        else existing.remove("data");
        if (desired.has("type")) existing.set("type", desired.get("type"));
        existing.remove("binaryData");
    }
}
