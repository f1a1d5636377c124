package dev.flagstep.workload.autoscaler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.LastApplied;
import dev.flagstep.spec.AutoscalerRef;
import java.util.List;

/**
 * The primary's autoscaler, {@code {autoscalerRef.name}-primary}, as Flagger's {@code HPAReconciler} and
 * {@code ScaledObjectReconciler} derive it from the user's: the same scaling, aimed at {@code {target}-primary}.
 * Pure: objects in, objects out.
 */
public final class PrimaryScaler {

    /** KEDA holds a ScaledObject's target at this many replicas and stops scaling it while the annotation is set. */
    public static final String PAUSED_REPLICAS = "autoscaling.keda.sh/paused-replicas";
    /** Flux's keys: a copy carrying them would be claimed (and pruned) by the Kustomization that applied the original. */
    private static final String FLUX = "toolkit.fluxcd.io";
    private static final List<String> HPA_SPEC = List.of("minReplicas", "maxReplicas", "metrics", "behavior");

    private PrimaryScaler() {}

    /** The primary's spec for the user's autoscaler {@code user} (a whole object) of {@code ref}'s kind. */
    public static ObjectNode desiredSpec(AutoscalerRef ref, JsonNode user, String target) {
        return switch (ref.kind()) {
            case HORIZONTAL_POD_AUTOSCALER -> hpaSpec(ref, user, target);
            case SCALED_OBJECT -> scaledObjectSpec(ref, user, target);
        };
    }

    /**
     * Flagger's {@code reconcilePrimaryHpaV2}: the user's {@code scaleTargetRef} kind and apiVersion aimed at the
     * primary; min, max, metrics and behavior copied (metrics verbatim: only KEDA queries are rewritten); then
     * {@code primaryScalerReplicas} replaces min and max, each on its own.
     */
    static ObjectNode hpaSpec(AutoscalerRef ref, JsonNode user, String target) {
        JsonNode from = user.path("spec");
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        spec.set("scaleTargetRef", scaleTargetRef(from, target));
        for (String f : HPA_SPEC) {
            if (from.hasNonNull(f)) spec.set(f, from.get(f).deepCopy());
        }
        ref.primaryMinReplicas().ifPresent(n -> spec.put("minReplicas", n));
        ref.primaryMaxReplicas().ifPresent(n -> spec.put("maxReplicas", n));
        return spec;
    }

    /**
     * Flagger's {@code reconcilePrimaryScaler}, on the whole spec (Flagger's trimmed KEDA type drops the fields it
     * does not know; here nothing is dropped): {@code scaleTargetRef} aimed at the primary,
     * {@code primaryScalerReplicas} as {@code minReplicaCount}/{@code maxReplicaCount}, the trigger queries
     * ({@link PrimaryQueries}), and a named KEDA HPA ({@code advanced.horizontalPodAutoscalerConfig.name}) gets
     * {@code -primary} so the two ScaledObjects never share one.
     */
    static ObjectNode scaledObjectSpec(AutoscalerRef ref, JsonNode user, String target) {
        JsonNode from = user.path("spec");
        ObjectNode spec = from.isObject() ? ((ObjectNode) from).deepCopy() : JsonNodeFactory.instance.objectNode();
        spec.set("scaleTargetRef", scaleTargetRef(from, target));
        ref.primaryMinReplicas().ifPresent(n -> spec.put("minReplicaCount", n));
        ref.primaryMaxReplicas().ifPresent(n -> spec.put("maxReplicaCount", n));
        PrimaryQueries.rewrite(spec.path("triggers"), target, ref.primaryScalerQueries());
        JsonNode hpaConfig = spec.path("advanced").path("horizontalPodAutoscalerConfig");
        if (hpaConfig.path("name").isTextual() && !hpaConfig.path("name").asText().isEmpty()) {
            ((ObjectNode) hpaConfig).put("name", hpaConfig.path("name").asText() + "-primary");
        }
        return spec;
    }

    /** The user's {@code scaleTargetRef} (a ScaledObject's {@code envSourceContainerName} too) naming the primary. */
    private static ObjectNode scaleTargetRef(JsonNode from, String target) {
        JsonNode user = from.path("scaleTargetRef");
        ObjectNode ref = user.isObject() ? ((ObjectNode) user).deepCopy() : JsonNodeFactory.instance.objectNode();
        ref.put("name", target + "-primary");
        return ref;
    }

    /**
     * The object to create: {@code {name}-primary} with {@link #desiredSpec}, the user's labels minus Flux's, and
     * (ScaledObject only, so e.g. {@code scaledobject.keda.sh/transfer-hpa-ownership} carries over) its annotations
     * minus Flux's, the pause and kubectl's last-applied configuration. No owner reference: flagstep sets none
     * (docs/gitops.md, what stays in the cluster).
     */
    public static ObjectNode primaryObject(AutoscalerRef ref, JsonNode user, String target, String namespace) {
        ObjectNode o = JsonNodeFactory.instance.objectNode()
                .put("apiVersion", ref.kind().apiVersion()).put("kind", ref.kind().wireName());
        ObjectNode md = o.putObject("metadata").put("name", ref.primaryName()).put("namespace", namespace);
        ObjectNode labels = withoutFlux(user.path("metadata").path("labels"));
        if (!labels.isEmpty()) md.set("labels", labels);
        if (ref.kind() == AutoscalerRef.Kind.SCALED_OBJECT) {
            ObjectNode annotations = withoutFlux(user.path("metadata").path("annotations"));
            annotations.remove(List.of(PAUSED_REPLICAS, LastApplied.ANNOTATION));
            if (!annotations.isEmpty()) md.set("annotations", annotations);
        }
        o.set("spec", desiredSpec(ref, user, target));
        return o;
    }

    /**
     * Whether the primary's {@code current} spec differs from {@code desired}: for an HPA as Flagger compares
     * (min, where absent is 1, max, metrics, behavior) plus the scale target, for a ScaledObject the whole spec.
     * Metadata never counts: Flagger's metadata updates do not take effect (HPA) or strip it (ScaledObject).
     */
    public static boolean needsUpdate(AutoscalerRef.Kind kind, JsonNode desired, JsonNode current) {
        return switch (kind) {
            case HORIZONTAL_POD_AUTOSCALER -> !normalHpa(desired).equals(normalHpa(current));
            case SCALED_OBJECT -> !desired.equals(current);
        };
    }

    private static ObjectNode normalHpa(JsonNode spec) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.set("scaleTargetRef", spec.path("scaleTargetRef").deepCopy());
        n.put("minReplicas", spec.path("minReplicas").asInt(1));
        n.set("maxReplicas", spec.path("maxReplicas").deepCopy());
        n.set("metrics", spec.path("metrics").isArray() ? spec.get("metrics").deepCopy() : JsonNodeFactory.instance.arrayNode());
        n.set("behavior", spec.hasNonNull("behavior") ? spec.get("behavior").deepCopy() : JsonNodeFactory.instance.nullNode());
        return n;
    }

    private static ObjectNode withoutFlux(JsonNode map) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        map.properties().forEach(e -> {
            if (!e.getKey().contains(FLUX)) out.set(e.getKey(), e.getValue().deepCopy());
        });
        return out;
    }
}
