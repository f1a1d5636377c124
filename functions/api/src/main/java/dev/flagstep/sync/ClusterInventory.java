package dev.flagstep.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.spec.CanaryId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one pass read from the cluster: the three kinds in the watched namespaces, and which namespaces were read
 * completely. A namespace whose list failed (any of the three kinds) has no objects here and is not complete, so
 * the pass neither changes nor deletes its canaries: a failed or partial list never infers a deletion.
 *
 * @param everywhere the cluster-wide list succeeded (all namespaces complete)
 * @param complete   the namespaces listed completely, when the lists were per namespace
 * @param failures   one message per failed list
 */
public record ClusterInventory(List<ObjectNode> canaries, List<ObjectNode> templates, List<ObjectNode> providers,
                               boolean everywhere, Set<String> complete, List<String> failures) {

    public ClusterInventory {
        canaries = List.copyOf(canaries);
        templates = List.copyOf(templates);
        providers = List.copyOf(providers);
        complete = Set.copyOf(complete);
        failures = List.copyOf(failures);
    }

    /** Whether this namespace's objects were all read (so an absent canary is a deleted one). */
    public boolean complete(String namespace) {
        return everywhere || complete.contains(namespace);
    }

    /** MetricTemplates by namespace/name. */
    public Map<CanaryId, ObjectNode> templatesById() {
        return byId(templates);
    }

    /** AlertProviders by namespace/name. */
    public Map<CanaryId, ObjectNode> providersById() {
        return byId(providers);
    }

    /** The object's namespace and name (a {@link CanaryId} names any namespaced object here). */
    public static CanaryId idOf(JsonNode object) {
        JsonNode md = object.path("metadata");
        return new CanaryId(md.path("namespace").asText(""), md.path("name").asText(""));
    }

    /** The object's {@code metadata.uid}, when the server gave one. */
    public static Optional<String> uidOf(JsonNode object) {
        return Optional.of(object.path("metadata").path("uid").asText("")).filter(s -> !s.isEmpty());
    }

    private static Map<CanaryId, ObjectNode> byId(List<ObjectNode> objects) {
        Map<CanaryId, ObjectNode> m = new HashMap<>();
        objects.forEach(o -> m.put(idOf(o), o));
        return m;
    }
}
