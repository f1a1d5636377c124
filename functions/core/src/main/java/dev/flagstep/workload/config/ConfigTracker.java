package dev.flagstep.workload.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Flagger's {@code ConfigTracker} against the cluster: reads the configs a pod spec names (GET by name, no list) and
 * writes their {@code -primary} copies. A mandatory config that does not exist fails the call naming it (Flagger
 * fails the tick the same way); an optional one that does not exist is not tracked.
 */
public final class ConfigTracker {

    private final KubeClient kube;
    private final String namespace;

    public ConfigTracker(KubeClient kube, String namespace) {
        this.kube = kube;
        this.namespace = namespace;
    }

    /** The tracked configs of a pod spec ({@code spec.template.spec}). */
    public TrackedConfigs tracked(JsonNode podSpec) {
        Map<ConfigRef, ObjectNode> found = new TreeMap<>();
        ConfigRefs.scan(podSpec).forEach((ref, mandatory) -> {
            Optional<ObjectNode> object = kube.get(kind(ref).ref(namespace, ref.name()));
            if (object.isEmpty()) {
                if (mandatory) {
                    throw new IllegalStateException(ref.type().word() + " " + ref.name() + "." + namespace
                            + " get query error: not found (the target's pod spec needs it)");
                }
                return;
            }
            if (TrackedConfigs.tracks(ref, object.get())) found.put(ref, object.get());
        });
        return new TrackedConfigs(new TreeMap<>(found));
    }

    /** Creates or updates {@code {name}-primary} for every tracked config: the primary reads those. */
    public void copyToPrimary(TrackedConfigs configs) {
        configs.objects().forEach((ref, source) -> {
            ObjectNode desired = PrimaryConfig.of(ref, source, namespace);
            if (kube.createIfAbsent(kind(ref), desired).isPresent()) return;
            KubeRef copy = kind(ref).ref(namespace, ref.primaryName());
            kube.edit(copy, existing -> PrimaryConfig.overwrite(existing, desired));
        });
    }

    static ResourceKind kind(ConfigRef ref) {
        return ref.type() == ConfigRef.Type.SECRET ? ResourceKind.SECRET : ResourceKind.CONFIG_MAP;
    }
}
