package dev.flagstep.workload.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The ConfigMaps and Secrets a pod spec reads, found where Flagger's {@code GetTargetConfigs} looks: volumes
 * ({@code configMap}, {@code secret}, projected {@code configMap}/{@code secret} sources), then containers and
 * init containers ({@code env[].valueFrom.configMapKeyRef/secretKeyRef}, then {@code envFrom[].configMapRef/secretRef}).
 * Ephemeral containers and {@code imagePullSecrets} are not looked at, as in Flagger. Pure.
 */
public final class ConfigRefs {

    private ConfigRefs() {}

    /**
     * Each referenced config → whether it is mandatory ({@code optional} absent or false). A config named several
     * times takes the flag of its last reference in scan order, as Flagger's map assignment does.
     */
    public static SortedMap<ConfigRef, Boolean> scan(JsonNode podSpec) {
        SortedMap<ConfigRef, Boolean> found = new TreeMap<>();
        visit(podSpec, (ref, holder) -> found.put(ref, !holder.path("optional").asBoolean(false)));
        return Collections.unmodifiableSortedMap(found);
    }

    /**
     * Calls {@code visitor} with every reference and the object holding its name field (the same order as
     * {@link #scan}); {@link PrimaryPodSpec} rewrites through it, so discovery and rewriting never disagree.
     */
    static void visit(JsonNode podSpec, BiConsumer<ConfigRef, ObjectNode> visitor) {
        for (JsonNode v : podSpec.path("volumes")) {
            named(v.path("configMap"), "name", ConfigRef.Type.CONFIGMAP, visitor);
            named(v.path("secret"), "secretName", ConfigRef.Type.SECRET, visitor);
            for (JsonNode s : v.path("projected").path("sources")) {
                named(s.path("configMap"), "name", ConfigRef.Type.CONFIGMAP, visitor);
                named(s.path("secret"), "name", ConfigRef.Type.SECRET, visitor);
            }
        }
        for (String list : new String[] {"containers", "initContainers"}) {
            for (JsonNode c : podSpec.path(list)) {
                for (JsonNode e : c.path("env")) {
                    named(e.path("valueFrom").path("configMapKeyRef"), "name", ConfigRef.Type.CONFIGMAP, visitor);
                    named(e.path("valueFrom").path("secretKeyRef"), "name", ConfigRef.Type.SECRET, visitor);
                }
                for (JsonNode e : c.path("envFrom")) {
                    named(e.path("configMapRef"), "name", ConfigRef.Type.CONFIGMAP, visitor);
                    named(e.path("secretRef"), "name", ConfigRef.Type.SECRET, visitor);
                }
            }
        }
    }

    private static void named(JsonNode holder, String field, ConfigRef.Type type,
                              BiConsumer<ConfigRef, ObjectNode> visitor) {
        if (holder instanceof ObjectNode o && o.path(field).isTextual() && !o.path(field).asText().isBlank()) {
            visitor.accept(new ConfigRef(type, o.path(field).asText()), o);
        }
    }
}
