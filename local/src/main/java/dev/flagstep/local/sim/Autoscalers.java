package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeException;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntFunction;

/**
 * kube-controller-manager's HorizontalPodAutoscaler controller and KEDA's ScaledObject controller, as far as
 * flagstep meets them: they keep a Deployment's {@code spec.replicas} within their bounds (no metrics: the load
 * never asks for more than the minimum). An HPA leaves a Deployment at 0 replicas alone ({@code ScalingActive=False},
 * reason {@code ScalingDisabled}); KEDA scales one up to its {@code minReplicaCount} unless paused
 * ({@code autoscaling.keda.sh/paused-replicas: N} holds it at N). So a target flagstep forgot to pause does not stay
 * at zero, as on a real cluster.
 */
final class Autoscalers {

    static final String PAUSED_REPLICAS = "autoscaling.keda.sh/paused-replicas";
    /** KEDA's defaults. */
    private static final int KEDA_MIN = 0;
    private static final int KEDA_MAX = 100;

    private final KubeClient kube;
    private final ClusterWideApi api;
    private final Clock clock;

    Autoscalers(KubeClient kube, ClusterWideApi api, Clock clock) {
        this.kube = kube;
        this.api = api;
        this.clock = clock;
    }

    /** One pass over every HPA and ScaledObject. */
    void reconcile() {
        for (ObjectNode hpa : api.list(ResourceKind.HORIZONTAL_POD_AUTOSCALER)) hpa(hpa);
        for (ObjectNode so : api.list(ResourceKind.SCALED_OBJECT)) scaledObject(so);
    }

    /** The replicas an HPA wants for a target at {@code replicas}: none (leave it) at 0, else within its bounds. */
    static OptionalInt hpaReplicas(int replicas, int min, int max) {
        return replicas == 0 && min != 0 ? OptionalInt.empty() : OptionalInt.of(Math.max(min, Math.min(max, replicas)));
    }

    /** The replicas KEDA wants: the paused count when paused, else within its bounds (from zero too). */
    static int kedaReplicas(int replicas, OptionalInt paused, int min, int max) {
        return paused.isPresent() ? paused.getAsInt() : Math.max(min, Math.min(max, replicas));
    }

    private void hpa(ObjectNode hpa) {
        JsonNode spec = hpa.path("spec");
        Optional<KubeRef> target = target(hpa);
        Optional<ObjectNode> d = target.flatMap(kube::get);
        if (d.isEmpty()) return;
        int min = spec.path("minReplicas").asInt(1);
        int max = spec.path("maxReplicas").asInt(1);
        scale(target.get(), now -> hpaReplicas(now, min, max));
        int replicas = d.get().path("spec").path("replicas").asInt(1);
        OptionalInt wanted = hpaReplicas(replicas, min, max);
        ObjectNode status = JsonNodeFactory.instance.objectNode()
                .put("currentReplicas", replicas).put("desiredReplicas", wanted.orElse(0));
        var conditions = status.putArray("conditions");
        JsonNode previous = hpa.path("status").path("conditions");
        conditions.add(condition(previous, "AbleToScale", true, "SucceededGetScale",
                "the HPA controller was able to get the target's current scale"));
        conditions.add(wanted.isPresent()
                ? condition(previous, "ScalingActive", true, "ValidMetricFound", "the HPA was able to compute the replica count")
                : condition(previous, "ScalingActive", false, "ScalingDisabled",
                        "scaling is disabled since the replica count of the target is zero"));
        if (!status.equals(hpa.path("status"))) {
            write(ResourceKind.HORIZONTAL_POD_AUTOSCALER, hpa, o -> o.set("status", status));
        }
    }

    private void scaledObject(ObjectNode so) {
        JsonNode spec = so.path("spec");
        Optional<KubeRef> target = target(so);
        Optional<ObjectNode> d = target.flatMap(kube::get);
        if (d.isEmpty()) return;
        JsonNode pause = so.path("metadata").path("annotations").path(PAUSED_REPLICAS);
        OptionalInt paused = pause.isTextual() && pause.asText().matches("\\d+")
                ? OptionalInt.of(Integer.parseInt(pause.asText())) : OptionalInt.empty();
        int min = spec.path("minReplicaCount").asInt(KEDA_MIN);
        int max = spec.path("maxReplicaCount").asInt(KEDA_MAX);
        scale(target.get(), now -> OptionalInt.of(kedaReplicas(now, paused, min, max)));
    }

    private Optional<KubeRef> target(ObjectNode scaler) {
        JsonNode ref = scaler.path("spec").path("scaleTargetRef");
        if (!"Deployment".equals(ref.path("kind").asText("Deployment")) || ref.path("name").asText().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(ResourceKind.DEPLOYMENT.ref(scaler.path("metadata").path("namespace").asText(),
                ref.path("name").asText()));
    }

    /** Decided on the Deployment as the edit reads it: flagstep may have scaled it since this pass listed it. */
    private void scale(KubeRef deployment, IntFunction<OptionalInt> wanted) {
        try {
            kube.edit(deployment, o -> {
                int now = o.path("spec").path("replicas").asInt(1);
                wanted.apply(now).ifPresent(n -> {
                    if (n != now) o.withObjectProperty("spec").put("replicas", n);
                });
            });
        } catch (KubeException.NotFound | KubeException.Conflict raced) {
            // deleted, or flagstep kept writing it: the next pass looks again
        }
    }

    private void write(ResourceKind kind, ObjectNode listed, java.util.function.Consumer<ObjectNode> change) {
        KubeRef ref = kind.ref(listed.path("metadata").path("namespace").asText(), listed.path("metadata").path("name").asText());
        try {
            kube.edit(ref, change);
        } catch (KubeException.NotFound | KubeException.Conflict raced) {
            // the next pass looks again
        }
    }

    private ObjectNode condition(JsonNode previous, String type, boolean status, String reason, String message) {
        String s = status ? "True" : "False";
        Optional<JsonNode> old = Conditions.find(previous, type).filter(o -> s.equals(o.path("status").asText()));
        return JsonNodeFactory.instance.objectNode().put("type", type).put("status", s)
                .put("lastTransitionTime", old.map(o -> o.path("lastTransitionTime").asText()).orElse(Conditions.time(clock.instant())))
                .put("reason", reason).put("message", message);
    }
}
