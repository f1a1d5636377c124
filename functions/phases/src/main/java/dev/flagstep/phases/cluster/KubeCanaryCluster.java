package dev.flagstep.phases.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.router.TrafficRouter;
import dev.flagstep.router.TrafficRouters;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.workload.Revisions;
import dev.flagstep.workload.Readiness;
import dev.flagstep.workload.TargetController;
import dev.flagstep.workload.TargetControllers;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/** {@link CanaryCluster} on a real (or simulated) Kubernetes API: the provider's router plus the target kind's operations. */
public final class KubeCanaryCluster implements CanaryCluster {

    private final KubeClient kube;
    private final TrafficRouter router;
    private final TargetController workload;

    public KubeCanaryCluster(KubeClient kube, CanarySpec canary, String provider, Clock clock) {
        this.kube = kube;
        this.router = TrafficRouters.forProvider(provider, canary, kube);
        this.workload = TargetControllers.forKind(kube, canary, clock);
    }

    @Override
    public boolean initialize() {
        return workload.initialize().primaryCreated();
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
        JsonNode template = workload.revisionTemplate(kube.require(workload.target()));
        return Revisions.of(template, workload.trackedConfigs().checksums());
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
        workload.scaleCanaryUp();
    }

    @Override
    public void scaleCanaryToZero() {
        workload.scaleCanaryToZero();
    }

    @Override
    public void promote() {
        workload.promote();
    }

    @Override
    public Readiness canaryReadiness(Instant lastTransitionTime) {
        return workload.canaryReadiness(lastTransitionTime);
    }

    @Override
    public Readiness primaryReadiness(Instant lastTransitionTime) {
        return workload.primaryReadiness(lastTransitionTime);
    }
}
