package dev.flagstep.workload.autoscaler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.AutoscalerRef;
import dev.flagstep.spec.CanarySpec;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Flagger's {@code ScalerReconciler} for a canary's {@code autoscalerRef} against the cluster: the primary's copy
 * of the user's autoscaler, and KEDA's pause of the user's ScaledObject while the target is at zero. An HPA needs
 * no pause: Kubernetes' HPA does not scale a target whose {@code spec.replicas} is 0 ({@code ScalingDisabled}),
 * which is what Flagger relies on too. Every write is a guarded edit of the difference (safe to repeat).
 */
public final class AutoscalerController {

    /** The user's autoscaler is needed and is not there. */
    public static final class MissingAutoscaler extends IllegalStateException {
        MissingAutoscaler(KubeRef ref) {
            super(ref.kind().kind() + " " + ref.name() + "." + ref.namespace()
                    + " get query error: not found (spec.autoscalerRef names it)");
        }
    }

    private final KubeClient kube;
    private final AutoscalerRef ref;
    private final String namespace;
    private final String target;

    public AutoscalerController(KubeClient kube, AutoscalerRef ref, String namespace, String target) {
        this.kube = kube;
        this.ref = ref;
        this.namespace = namespace;
        this.target = target;
    }

    /** The canary's autoscaler, or empty when it has no {@code autoscalerRef}. */
    public static Optional<AutoscalerController> of(KubeClient kube, CanarySpec canary) {
        return canary.autoscalerRef().map(r -> new AutoscalerController(kube, r, canary.id().namespace(),
                canary.targetRef().name()));
    }

    /** The user's HPA or ScaledObject. */
    public KubeRef user() {
        return kind().ref(namespace, ref.name());
    }

    /** {@code {autoscalerRef.name}-primary}. */
    public KubeRef primary() {
        return kind().ref(namespace, ref.primaryName());
    }

    /**
     * Flagger's {@code ReconcilePrimaryScaler}: creates the primary's autoscaler when absent; with
     * {@code createOnly} false (promotion), also brings an existing one up to the user's. Flagger makes it once the
     * primary is ready and updates it only when promoting, so a change to the user's autoscaler alone waits for the
     * next successful rollout.
     *
     * @throws MissingAutoscaler when the user's autoscaler does not exist
     */
    public void reconcilePrimary(boolean createOnly) {
        ObjectNode user = kube.get(user()).orElseThrow(() -> new MissingAutoscaler(user()));
        ObjectNode desired = PrimaryScaler.primaryObject(ref, user, target, namespace);
        if (kube.createIfAbsent(kind(), desired).isPresent() || createOnly) return;
        JsonNode spec = desired.get("spec");
        kube.edit(primary(), p -> {
            if (PrimaryScaler.needsUpdate(ref.kind(), spec, p.path("spec"))) p.set("spec", spec.deepCopy());
        });
    }

    /**
     * Flagger's {@code PauseTargetScaler}: KEDA holds the target at 0 ({@code paused-replicas: "0"}) until
     * {@link #resumeTarget()}. Nothing for an HPA, or for a ScaledObject that no longer exists (nothing scales the
     * target then, and a rollback must still scale it down).
     */
    public void pauseTarget() {
        if (ref.kind() != AutoscalerRef.Kind.SCALED_OBJECT || kube.get(user()).isEmpty()) return;
        kube.edit(user(), o -> o.withObjectProperty("metadata").withObjectProperty("annotations")
                .put(PrimaryScaler.PAUSED_REPLICAS, "0"));
    }

    /** Flagger's {@code ResumeTargetScaler}: removes the pause before the target is scaled up (nothing for an HPA). */
    public void resumeTarget() {
        if (ref.kind() != AutoscalerRef.Kind.SCALED_OBJECT || kube.get(user()).isEmpty()) return;
        kube.edit(user(), o -> {
            if (o.path("metadata").path("annotations") instanceof ObjectNode a) a.remove(PrimaryScaler.PAUSED_REPLICAS);
        });
    }

    /**
     * The user autoscaler's minimum ({@code minReplicas}, {@code minReplicaCount}), for {@link CanaryReplicas}; empty
     * when unset or when the autoscaler does not exist (Flagger's {@code ScaleFromZero} ignores it then).
     */
    public OptionalInt minReplicas() {
        String field = ref.kind() == AutoscalerRef.Kind.SCALED_OBJECT ? "minReplicaCount" : "minReplicas";
        return kube.get(user()).map(o -> o.path("spec").path(field))
                .filter(JsonNode::canConvertToInt).filter(JsonNode::isIntegralNumber)
                .map(n -> OptionalInt.of(n.intValue())).orElse(OptionalInt.empty());
    }

    private ResourceKind kind() {
        return switch (ref.kind()) {
            case HORIZONTAL_POD_AUTOSCALER -> ResourceKind.HORIZONTAL_POD_AUTOSCALER;
            case SCALED_OBJECT -> ResourceKind.SCALED_OBJECT;
        };
    }
}
