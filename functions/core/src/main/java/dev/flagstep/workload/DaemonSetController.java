package dev.flagstep.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.Analysis;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.workload.config.ConfigRef;
import dev.flagstep.workload.config.ConfigTracker;
import dev.flagstep.workload.config.TrackedConfigs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Flagger's {@code DaemonSetController} for a {@code targetRef} of kind DaemonSet. A DaemonSet has no replica count:
 * the canary is "scaled to zero" by a node selector no node matches ({@link #SCALE_TO_ZERO}), so its controller
 * removes every canary pod, and scaled up by removing it. The primary never carries that selector, and it is not
 * part of the target's revision ({@link RevisionTemplate}). Only the RollingUpdate strategy is supported (with
 * OnDelete, a promotion would change nothing until pods are deleted by hand).
 */
public final class DaemonSetController implements TargetController {

    /** Flagger's {@code daemonSetScaleDownNodeSelector}: a node label no node has. */
    public static final String SCALE_TO_ZERO = "flagger.app/scale-to-zero";
    private static final List<String> COPIED_SPEC_FIELDS = List.of("minReadySeconds", "revisionHistoryLimit", "updateStrategy");

    private final KubeClient kube;
    private final CanarySpec canary;
    private final Clock clock;
    private final ConfigTracker configs;
    private final PrimaryServices services;

    public DaemonSetController(KubeClient kube, CanarySpec canary, Clock clock) {
        if (!"DaemonSet".equals(canary.targetRef().kind())) {
            throw new IllegalArgumentException("targetRef kind " + canary.targetRef().kind() + " is not a DaemonSet");
        }
        this.kube = kube;
        this.canary = canary;
        this.clock = clock;
        this.configs = new ConfigTracker(kube, canary.id().namespace());
        this.services = new PrimaryServices(kube, canary);
    }

    @Override
    public KubeRef target() {
        return ResourceKind.DAEMON_SET.ref(canary.id().namespace(), canary.targetRef().name());
    }

    @Override
    public KubeRef primary() {
        return ResourceKind.DAEMON_SET.ref(canary.id().namespace(), primaryName());
    }

    @Override
    public String apexName() {
        return canary.apexName();
    }

    /**
     * Flagger's {@code Initialize}: refuses a target whose update strategy is not RollingUpdate, then creates
     * {@code {name}-primary} if absent (without the scale-to-zero selector, which would schedule it nowhere) and the
     * {@code {apex}-primary} and {@code {apex}-canary} services.
     */
    @Override
    public Bootstrap initialize() {
        ObjectNode target = kube.require(target());
        String strategy = target.path("spec").path("updateStrategy").path("type").asText("");
        if (!strategy.isEmpty() && !"RollingUpdate".equals(strategy)) {
            throw new TargetRefused("daemonset " + canary.targetRef().name() + "." + canary.id().namespace()
                    + " must have RollingUpdate strategy but have " + strategy);
        }
        String label = SelectorLabels.of(target(), target);
        boolean primaryCreated = false;
        if (kube.get(primary()).isEmpty()) {
            // as for Deployments, the tracked configs are copied when the primary is created and at promotion
            TrackedConfigs tracked = trackedConfigs(target);
            configs.copyToPrimary(tracked);
            primaryCreated = kube.createIfAbsent(ResourceKind.DAEMON_SET, primaryFrom(target, label, tracked.refs())).isPresent();
        }
        return new Bootstrap(primaryCreated, services.initialize(label, target));
    }

    @Override
    public boolean reconcileApex() {
        ObjectNode target = kube.require(target());
        return services.reconcileApex(SelectorLabels.of(target(), target), target);
    }

    @Override
    public boolean removeUnservedPrimary() {
        return services.removeUnserved(primary());
    }

    @Override
    public void refreshUnservedPrimary() {
        services.refreshUnserved(primary(), this::promote);
    }

    /** Flagger's {@code ScaleFromZero}: the scale-to-zero node selector goes; the user's own node selector stays. */
    @Override
    public void scaleCanaryUp() {
        kube.edit(target(), d -> {
            if (d.path("spec").path("template").path("spec").path("nodeSelector") instanceof ObjectNode selector) {
                selector.remove(SCALE_TO_ZERO);
                if (selector.isEmpty()) ((ObjectNode) d.path("spec").path("template").path("spec")).remove("nodeSelector");
            }
        });
    }

    /** Flagger's {@code ScaleToZero}: a node selector no node matches, so the DaemonSet controller removes every pod. */
    @Override
    public void scaleCanaryToZero() {
        kube.edit(target(), d -> d.withObjectProperty("spec").withObjectProperty("template").withObjectProperty("spec")
                .withObjectProperty("nodeSelector").put(SCALE_TO_ZERO, "true"));
    }

    /**
     * Flagger's {@code Promote}: the tracked configs' copies, then the target's pod template (naming those copies,
     * without the scale-to-zero selector), minReadySeconds, revisionHistoryLimit and updateStrategy onto the primary;
     * its selector and own metadata stay.
     */
    @Override
    public void promote() {
        ObjectNode target = kube.require(target());
        String label = SelectorLabels.of(target(), target);
        TrackedConfigs tracked = trackedConfigs(target);
        configs.copyToPrimary(tracked);
        kube.edit(primary(), p -> {
            ObjectNode spec = p.withObjectProperty("spec");
            PrimaryWorkload.copySpecFields(target, spec, COPIED_SPEC_FIELDS);
            spec.set("template", primaryTemplate(target, label, tracked.refs()));
        });
    }

    @Override
    public TrackedConfigs trackedConfigs() {
        return trackedConfigs(kube.require(target()));
    }

    @Override
    public JsonNode revisionTemplate(JsonNode target) {
        return RevisionTemplate.of("DaemonSet", target.path("spec").path("template"));
    }

    /** Flagger's {@code Finalize}: {@link #scaleCanaryUp()}. */
    @Override
    public void restoreTarget() {
        scaleCanaryUp();
    }

    @Override
    public void revertApex() {
        services.revertApex(target(), kube.require(target()));
    }

    @Override
    public Readiness canaryReadiness(Instant lastTransitionTime) {
        return readiness(target(), canary.analysis().map(Analysis::canaryReadyThreshold).orElse(100), false, lastTransitionTime);
    }

    @Override
    public Readiness primaryReadiness(Instant lastTransitionTime) {
        return readiness(primary(), canary.analysis().map(Analysis::primaryReadyThreshold).orElse(100), false, lastTransitionTime);
    }

    @Override
    public Readiness primaryReadyToServe(Instant lastTransitionTime) {
        return readiness(primary(), canary.analysis().map(Analysis::primaryReadyThreshold).orElse(100), true, lastTransitionTime);
    }

    // --- internals ---------------------------------------------------------------------------------------

    private Readiness readiness(KubeRef ref, int threshold, boolean mustServe, Instant lastTransitionTime) {
        return DaemonSetReadiness.judge(kube.status(ref), threshold, mustServe, lastTransitionTime,
                Duration.ofSeconds(canary.progressDeadlineSeconds()), clock.instant());
    }

    private TrackedConfigs trackedConfigs(ObjectNode target) {
        return configs.tracked(target.path("spec").path("template").path("spec"));
    }

    private String primaryName() {
        return canary.targetRef().name() + "-primary";
    }

    private ObjectNode primaryFrom(ObjectNode target, String label, Set<ConfigRef> tracked) {
        ObjectNode p = PrimaryWorkload.object(ResourceKind.DAEMON_SET, target, label, primaryName(), canary.id().namespace());
        ObjectNode spec = p.putObject("spec");
        PrimaryWorkload.copySpecFields(target, spec, COPIED_SPEC_FIELDS);
        spec.putObject("selector").putObject("matchLabels").put(label, primaryName());
        spec.set("template", primaryTemplate(target, label, tracked));
        return p;
    }

    /** The target's template for the primary, never with the scale-to-zero selector (it would run nowhere). */
    private ObjectNode primaryTemplate(ObjectNode target, String label, Set<ConfigRef> tracked) {
        ObjectNode template = PrimaryWorkload.template(target, label, primaryName(), tracked);
        return (ObjectNode) RevisionTemplate.of("DaemonSet", template);
    }
}
