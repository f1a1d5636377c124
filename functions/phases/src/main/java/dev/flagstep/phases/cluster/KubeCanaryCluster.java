package dev.flagstep.phases.cluster;

import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.router.TrafficRouter;
import dev.flagstep.router.TrafficRouters;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.workload.Readiness;
import dev.flagstep.workload.TargetController;
import dev.flagstep.workload.TargetControllers;
import dev.flagstep.workload.autoscaler.AutoscalerController;
import dev.flagstep.phases.TransientFault;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** {@link CanaryCluster} on a real (or simulated) Kubernetes API: the provider's router plus the target kind's operations. */
public final class KubeCanaryCluster implements CanaryCluster {

    private final KubeClient kube;
    private final TrafficRouter router;
    private final TargetController workload;
    private final Optional<AutoscalerController> autoscaler;

    public KubeCanaryCluster(KubeClient kube, CanarySpec canary, String provider, Clock clock) {
        this.kube = kube;
        this.router = TrafficRouters.forProvider(provider, canary, kube);
        this.workload = TargetControllers.forKind(kube, canary, clock);
        this.autoscaler = AutoscalerController.of(kube, canary);
    }

    @Override
    public boolean initialize() {
        return workload.initialize().primaryCreated();
    }

    @Override
    public void reconcilePrimaryScaler() {
        autoscaler.ifPresent(a -> retried(() -> a.reconcilePrimary(true)));
    }

    @Override
    public void reconcileApex() {
        workload.reconcileApex();
    }

    @Override
    public void reconcileRouter() {
        router.reconcile();
    }

    @Override
    public Readiness primaryReadyToServe(Instant lastTransitionTime) {
        return workload.primaryReadyToServe(lastTransitionTime);
    }

    @Override
    public boolean removeUnservedPrimary() {
        return workload.removeUnservedPrimary();
    }

    @Override
    public void refreshUnservedPrimary() {
        workload.refreshUnservedPrimary();
    }

    @Override
    public String targetRevision() {
        return workload.revision(kube.require(workload.target()), workload.trackedConfigs().checksums());
    }

    @Override
    public Map<String, String> trackedConfigs() {
        return workload.trackedConfigs().checksums();
    }

    @Override
    public Routes routes() {
        return router.getRoutes();
    }

    @Override
    public void setRoutes(Routes routes) {
        router.setRoutes(routes);
    }

    @Override
    public void scaleCanaryUp() {
        autoscaler.ifPresent(AutoscalerController::resumeTarget);
        workload.scaleCanaryUp();
    }

    @Override
    public void scaleCanaryToZero() {
        autoscaler.ifPresent(AutoscalerController::pauseTarget);
        workload.scaleCanaryToZero();
    }

    /** Flagger updates the primary's autoscaler on the Promoting tick after the copy; here right after it. */
    @Override
    public void promote() {
        workload.promote();
        autoscaler.ifPresent(a -> retried(() -> a.reconcilePrimary(false)));
    }

    @Override
    public Readiness canaryReadiness(Instant lastTransitionTime) {
        return workload.canaryReadiness(lastTransitionTime);
    }

    @Override
    public Readiness primaryReadiness(Instant lastTransitionTime) {
        return workload.primaryReadiness(lastTransitionTime);
    }

    /** A missing user autoscaler may be applied any moment (GitOps order): the phase is retried, never rolled back for it. */
    private static void retried(Runnable change) {
        try {
            change.run();
        } catch (AutoscalerController.MissingAutoscaler e) {
            throw new TransientFault(e.getMessage(), e);
        }
    }
}
