package dev.flagstep.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A revision of a target: the checksum of its pod template ({@code spec.template}), which webhook
 * receivers see and {@code status.lastAppliedSpec} holds. Like Flagger's ({@code ComputeHash}) it is
 * an FNV-32a hash written in Kubernetes' safe alphabet, so a change of the template (image, env,
 * annotations such as {@code kubectl rollout restart}'s) is a new revision and a change of replicas is
 * not. It is computed from the template's JSON with sorted keys, not from Go's struct dump, so it
 * differs in value from Flagger's for the same template (see docs/gitops.md, adopting a canary).
 */
public final class Revisions {

    private static final String SAFE = "bcdfghjklmnpqrstvwxz2456789";
    private static final ObjectMapper CANONICAL = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private Revisions() {}

    /** The revision of a workload whose {@code spec.template} is {@code podTemplate}. */
    public static String of(JsonNode podTemplate) {
        return checksum(canonical(podTemplate));
    }

    /**
     * The revision of a workload whose template is {@code podTemplate} and whose tracked configs have these
     * checksums ({@code status.trackedConfigs}): a change of a tracked ConfigMap or Secret is a new revision, as
     * in Flagger. With no tracked config it is {@link #of(JsonNode)}, so revisions recorded before configs were
     * tracked stay valid.
     */
    public static String of(JsonNode podTemplate, Map<String, String> trackedConfigs) {
        if (trackedConfigs.isEmpty()) return of(podTemplate);
        ObjectNode both = JsonNodeFactory.instance.objectNode();
        both.set("template", podTemplate);
        ObjectNode configs = both.putObject("trackedConfigs");
        trackedConfigs.forEach(configs::put);
        return checksum(canonical(both));
    }

    static String checksum(byte[] content) {
        int hash = 0x811c9dc5;
        for (byte b : content) {
            hash ^= (b & 0xff);
            hash *= 0x01000193;
        }
        String decimal = Integer.toUnsignedString(hash);
        StringBuilder out = new StringBuilder(decimal.length());
        for (char c : decimal.toCharArray()) {
            out.append(SAFE.charAt(c % SAFE.length()));
        }
        return out.toString();
    }

    private static byte[] canonical(JsonNode node) {
        try {
            Object tree = CANONICAL.treeToValue(node, Object.class);
            return CANONICAL.writeValueAsString(tree).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("pod template is not JSON", e);
        }
    }
}
