package dev.flagstep.workload.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The configs a target's pod spec reads that Flagger tracks, each with the object as read: what the primary gets
 * copies of and what {@code status.trackedConfigs} records.
 */
public record TrackedConfigs(SortedMap<ConfigRef, ObjectNode> objects) {

    /** Flagger's opt-out annotation; any value starting with {@code disable} opts the object out. */
    public static final String OPT_OUT = "flagger.app/config-tracking";
    /** The Secret types Flagger tracks; the others (registry credentials, service-account tokens...) are skipped. */
    static final Set<String> SECRET_TYPES = Set.of("Opaque", "kubernetes.io/basic-auth", "kubernetes.io/ssh-auth",
            "kubernetes.io/tls");

    public TrackedConfigs {
        objects = Collections.unmodifiableSortedMap(new TreeMap<>(objects));
    }

    public static TrackedConfigs none() {
        return new TrackedConfigs(new TreeMap<>());
    }

    /**
     * Flagger's {@code getRefFromConfigMap}/{@code getRefFromSecret} filter on an object that exists: a Secret of a
     * type other than {@link #SECRET_TYPES} (checked first, as Flagger does), or any object whose
     * {@link #OPT_OUT} annotation starts with {@code disable}, is not tracked.
     */
    public static boolean tracks(ConfigRef ref, JsonNode object) {
        if (ref.type() == ConfigRef.Type.SECRET && !SECRET_TYPES.contains(object.path("type").asText("Opaque"))) {
            return false;
        }
        return !object.path("metadata").path("annotations").path(OPT_OUT).asText("").startsWith("disable");
    }

    public Set<ConfigRef> refs() {
        return objects.keySet();
    }

    public boolean isEmpty() {
        return objects.isEmpty();
    }

    /** {@code status.trackedConfigs}: key ({@code configmap/NAME}) → checksum of the data, sorted by key. */
    public SortedMap<String, String> checksums() {
        SortedMap<String, String> out = new TreeMap<>();
        objects.forEach((ref, o) -> out.put(ref.key(), ConfigChecksum.of(o.get("data"))));
        return Collections.unmodifiableSortedMap(out);
    }

    /**
     * The tracked objects' {@code metadata.resourceVersion}s joined in key order: changes with every write of one
     * of them, so it tells apart two edits that bring the data back to an earlier checksum (A, B, then A again).
     */
    public String versions() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<ConfigRef, ObjectNode> e : objects.entrySet()) {
            out.append(e.getKey().key()).append('=')
                    .append(e.getValue().path("metadata").path("resourceVersion").asText("")).append(';');
        }
        return out.toString();
    }

    public Optional<ObjectNode> object(ConfigRef ref) {
        return Optional.ofNullable(objects.get(ref));
    }
}
