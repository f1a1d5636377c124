package dev.flagstep.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.FlaggerMessages.NotReady;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.Analysis;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.workload.autoscaler.AutoscalerController;
import dev.flagstep.workload.autoscaler.CanaryReplicas;
import dev.flagstep.workload.config.ConfigRef;
import dev.flagstep.workload.config.ConfigTracker;
import dev.flagstep.workload.config.TrackedConfigs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Deployment operations of Flagger's {@code DeploymentController} for a {@code targetRef} of kind Deployment:
 * bootstrap {@code {name}-primary} and the ClusterIP services, scale the canary, promote, readiness.
 * Every write is a guarded JSON Patch of the difference, so running any of them twice changes nothing.
 */
public final class DeploymentController implements TargetController {

    private final KubeClient kube;
    private final CanarySpec canary;
    private final Clock clock;
    private final ConfigTracker configs;
    private final PrimaryServices services;
    private final Optional<AutoscalerController> autoscaler;

    public DeploymentController(KubeClient kube, CanarySpec canary, Clock clock) {
        if (!"Deployment".equals(canary.targetRef().kind())) {
            throw new IllegalArgumentException("targetRef kind " + canary.targetRef().kind() + " is not supported; use a Deployment");
        }
        this.kube = kube;
        this.canary = canary;
        this.clock = clock;
        this.configs = new ConfigTracker(kube, canary.id().namespace());
        this.services = new PrimaryServices(kube, canary);
        this.autoscaler = AutoscalerController.of(kube, canary);
    }

    @Override
    public KubeRef target() {
        return ResourceKind.DEPLOYMENT.ref(canary.id().namespace(), canary.targetRef().name());
    }

    @Override
    public KubeRef primary() {
        return ResourceKind.DEPLOYMENT.ref(canary.id().namespace(), canary.targetRef().name() + "-primary");
    }

    @Override
    public String apexName() {
        return canary.apexName();
    }

    /**
     * Flagger's {@code kubeRouter.Initialize} and {@code createPrimaryDeployment}: creates {@code {name}-primary}
     * (a copy of the target selecting {@code {label}: {name}-primary}) if absent, and the services
     * {@code {apex}-primary} (selecting the primary) and {@code {apex}-canary} (selecting the target). Nothing
     * here carries the apex's traffic, so it is safe before the primary is ready.
     */
    @Override
    public Bootstrap initialize() {
        ObjectNode target = kube.require(target());
        String label = selectorLabel(target);
        boolean primaryCreated = false;
        if (kube.get(primary()).isEmpty()) {
            // Flagger copies the tracked configs only when it creates the primary; later copies come with promote()
            TrackedConfigs tracked = trackedConfigs(target);
            configs.copyToPrimary(tracked);
            primaryCreated = kube.createIfAbsent(ResourceKind.DEPLOYMENT, primaryFrom(target, label, tracked.refs())).isPresent();
        }
        return new Bootstrap(primaryCreated, services.initialize(label, target));
    }

    /**
     * Flagger's {@code kubeRouter.Reconcile}: the service {@code {apex}} selects the primary, created if absent; an
     * existing one (the user's) only has its selector changed. True when it was created.
     */
    @Override
    public boolean reconcileApex() {
        ObjectNode target = kube.require(target());
        return services.reconcileApex(selectorLabel(target), target);
    }

    /**
     * Deletes the primary unless the apex service selects it: what an onboarding that gave up undoes, so pods
     * that never became ready stop holding the cluster's capacity and a later onboarding starts afresh.
     *
     * @return true when it was deleted
     */
    @Override
    public boolean removeUnservedPrimary() {
        return services.removeUnserved(primary());
    }

    /**
     * While the apex service does not select the primary (it never served), keeps the primary's template the
     * target's, as {@link #promote()} copies it: {@link #initialize()} only creates a missing primary, so one left
     * by an onboarding that broke, or a target changed while its primary was starting, is brought up to date
     * before it may serve. Changes nothing once the apex selects the primary.
     */
    @Override
    public void refreshUnservedPrimary() {
        services.refreshUnserved(primary(), this::promote);
    }

    /** Flagger's {@code ScaleFromZero}: the canary keeps its replicas, else gets {@link CanaryReplicas#scaleUp}'s. */
    public void scaleCanaryUp() {
        if (kube.require(target()).path("spec").path("replicas").asInt(1) > 0) return;
        OptionalInt primary = kube.get(primary()).map(p -> p.path("spec").path("replicas"))
                .filter(JsonNode::isInt).map(n -> OptionalInt.of(n.intValue())).orElse(OptionalInt.empty());
        OptionalInt autoscalerMin = autoscaler.map(AutoscalerController::minReplicas).orElse(OptionalInt.empty());
        kube.edit(target(), d -> {
            int now = d.path("spec").path("replicas").asInt(1);
            int wanted = CanaryReplicas.scaleUp(now, autoscaler.isPresent(), primary, autoscalerMin);
            if (wanted != now) ((ObjectNode) d.path("spec")).put("replicas", wanted);
        });
    }

    @Override
    public void scaleCanaryToZero() {
        kube.edit(target(), d -> d.withObjectProperty("spec").put("replicas", 0));
    }

    /**
     * Copies the canary's pod template to the primary (spec, template annotations, labels with the selector
     * label kept as {@code {name}-primary}) plus minReadySeconds, revisionHistoryLimit and strategy, and the
     * replicas when no {@code autoscalerRef} scales the primary; the primary's selector and own metadata stay. The
     * tracked configs are copied to their {@code -primary} objects first, and the primary's template names those
     * copies (Flagger's {@code Promote}).
     */
    public void promote() {
        ObjectNode target = kube.require(target());
        String label = selectorLabel(target);
        String primaryName = canary.targetRef().name() + "-primary";
        TrackedConfigs tracked = trackedConfigs(target);
        configs.copyToPrimary(tracked);
        kube.edit(primary(), p -> {
            ObjectNode spec = p.withObjectProperty("spec");
            for (String f : List.of("minReadySeconds", "revisionHistoryLimit", "strategy")) {
                JsonNode v = target.path("spec").get(f);
                if (v != null) spec.set(f, v.deepCopy());
            }
            JsonNode replicas = target.path("spec").get("replicas");
            if (autoscaler.isEmpty() && replicas != null) spec.set("replicas", replicas.deepCopy());
            spec.set("template", primaryTemplate(target, label, primaryName, tracked.refs()));
        });
    }

    @Override
    public TrackedConfigs trackedConfigs() {
        return trackedConfigs(kube.require(target()));
    }

    private TrackedConfigs trackedConfigs(ObjectNode target) {
        return configs.tracked(target.path("spec").path("template").path("spec"));
    }

    /** The whole template: nothing flagstep changes on a Deployment's template scales it. */
    @Override
    public JsonNode revisionTemplate(JsonNode target) {
        return target.path("spec").path("template");
    }

    // --- revertOnDeletion: Flagger's finalizer (pkg/controller/finalizer.go) ---------------------------------

    /**
     * Flagger's {@code Finalize}: the target gets the primary's replicas back (1 when the primary sets none); with
     * no primary left it is scaled up from zero as {@link #scaleCanaryUp()} does. Wait for
     * {@link #canaryReadiness()} before {@link #revertApex()} points traffic at it.
     */
    @Override
    public void restoreTarget() {
        Optional<ObjectNode> primary = kube.get(primary());
        if (primary.isEmpty()) {
            scaleCanaryUp();
            return;
        }
        int replicas = primary.get().path("spec").path("replicas").asInt(1);
        kube.edit(target(), d -> d.withObjectProperty("spec").put("replicas", replicas));
    }

    /**
     * Flagger's {@code KubernetesDefaultRouter.Finalize}: the apex service selects the target's pods again, with
     * the selector its {@code kubectl.kubernetes.io/last-applied-configuration} holds when it has one (what the
     * user applied), else {@code {label}: {target's label value}}. The service is never deleted (Flagger's
     * garbage collector removes an apex Flagger created; flagstep sets no owner references).
     */
    @Override
    public void revertApex() {
        services.revertApex(target(), kube.require(target()));
    }

    /** A Deployment's progress deadline is its own ({@code Progressing} condition): the canary's status time is not used. */
    @Override
    public Readiness canaryReadiness(Instant lastTransitionTime) {
        return canaryReadiness();
    }

    @Override
    public Readiness primaryReadiness(Instant lastTransitionTime) {
        return primaryReadiness();
    }

    @Override
    public Readiness primaryReadyToServe(Instant lastTransitionTime) {
        return primaryReadyToServe();
    }

    public Readiness canaryReadiness() {
        return readiness(target(), canary.analysis().map(Analysis::canaryReadyThreshold).orElse(100), false, false);
    }

    public Readiness primaryReadiness() {
        return readiness(primary(), canary.analysis().map(Analysis::primaryReadyThreshold).orElse(100), true, false);
    }

    /**
     * {@link #primaryReadiness()}, and at least one pod available: what the apex service may be pointed at.
     * Flagger's threshold alone lets a primary with no available pod pass (1 replica at a threshold under 100%
     * needs {@code int(0.5) = 0}); the apex must never select zero ready pods.
     */
    public Readiness primaryReadyToServe() {
        return readiness(primary(), canary.analysis().map(Analysis::primaryReadyThreshold).orElse(100), true, true);
    }

    // --- internals ---------------------------------------------------------------------------------------

    private Readiness readiness(KubeRef ref, int threshold, boolean isPrimary, boolean mustServe) {
        ObjectNode d = kube.status(ref);
        JsonNode spec = d.path("spec");
        JsonNode status = d.path("status");
        if (isPrimary && spec.has("replicas") && spec.get("replicas").asInt() == 0) {
            return new Readiness.Failed("halt advancement " + ref.name() + "." + ref.namespace() + " has 0 replicas");
        }
        long generation = d.path("metadata").path("generation").asLong(0);
        if (generation > status.path("observedGeneration").asLong(0)) {
            return new Readiness.NotYet(NotReady.generationNotObserved());
        }
        JsonNode progressing = condition(status, "Progressing");
        JsonNode available = condition(status, "Available");
        boolean pastDeadline = false;
        if (progressing != null && available != null && "False".equals(available.path("status").asText())
                && "MinimumReplicasUnavailable".equals(available.path("reason").asText())) {
            pastDeadline = parse(available.path("lastUpdateTime").asText())
                    .plus(Duration.ofSeconds(canary.progressDeadlineSeconds())).isBefore(clock.instant());
        }
        int updated = status.path("updatedReplicas").asInt(0);
        int replicas = status.path("replicas").asInt(0);
        int availableReplicas = status.path("availableReplicas").asInt(0);
        int needed = (int) ((float) updated * ((float) threshold / 100f)); // Go's int32(float32(...)) truncation
        String reason;
        if (progressing != null && "ProgressDeadlineExceeded".equals(progressing.path("reason").asText())) {
            return new Readiness.Failed(NotReady.progressDeadlineExceeded(ref.name()));
        } else if (spec.has("replicas") && updated < spec.get("replicas").asInt()) {
            reason = NotReady.replicasNotUpdated(updated, spec.get("replicas").asInt());
        } else if (replicas > updated) {
            reason = NotReady.oldReplicasPending(replicas - updated);
        } else if (availableReplicas < needed) {
            reason = NotReady.notEnoughAvailable(availableReplicas, updated, threshold);
        } else if (mustServe && availableReplicas < 1) {
            reason = NotReady.notEnoughAvailable(availableReplicas, 1, threshold);
        } else {
            return new Readiness.Ready();
        }
        // past the deadline the reason stays Flagger's; the event says "progress deadline exceeded"
        return pastDeadline ? new Readiness.Failed(reason) : new Readiness.NotYet(reason);
    }

    private static JsonNode condition(JsonNode status, String type) {
        for (JsonNode c : status.path("conditions")) if (type.equals(c.path("type").asText())) return c;
        return null;
    }

    private static Instant parse(String t) {
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            return Instant.MAX.minus(Duration.ofDays(365 * 100)); // unknown time: never past the deadline
        }
    }

    private String selectorLabel(ObjectNode target) {
        return SelectorLabels.of(target(), target);
    }

    private ObjectNode primaryFrom(ObjectNode target, String label, Set<ConfigRef> tracked) {
        String primaryName = canary.targetRef().name() + "-primary";
        ObjectNode p = PrimaryWorkload.object(ResourceKind.DEPLOYMENT, target, label, primaryName, canary.id().namespace());
        ObjectNode spec = p.putObject("spec");
        JsonNode ts = target.path("spec");
        spec.put("replicas", ts.path("replicas").asInt(1) < 1 ? 1 : ts.path("replicas").asInt(1));
        PrimaryWorkload.copySpecFields(target, spec, List.of("minReadySeconds", "revisionHistoryLimit", "strategy", "progressDeadlineSeconds"));
        spec.putObject("selector").putObject("matchLabels").put(label, primaryName);
        spec.set("template", primaryTemplate(target, label, primaryName, tracked));
        return p;
    }

    private static ObjectNode primaryTemplate(ObjectNode target, String label, String primaryName, Set<ConfigRef> tracked) {
        return PrimaryWorkload.template(target, label, primaryName, tracked);
    }
}
