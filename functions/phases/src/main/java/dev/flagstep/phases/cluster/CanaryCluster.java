package dev.flagstep.phases.cluster;

import dev.flagstep.analysis.Routes;
import dev.flagstep.workload.Readiness;
import java.time.Instant;
import java.util.Map;

/**
 * One canary's workloads and traffic on the cluster, as the phases act on them: the router
 * ({@code getRoutes}/{@code setRoutes}) and the target's operations (Deployment or DaemonSet), behind one seam so a handler
 * reads like Flagger's scheduler.
 */
public interface CanaryCluster {

    /**
     * Flagger's reconcile of an onboarded canary: {@link #initialize}, {@link #reconcilePrimaryScaler},
     * {@link #reconcileApex}, {@link #reconcileRouter}; true when the primary did not exist before.
     */
    default boolean bootstrap() {
        boolean created = initialize();
        reconcilePrimaryScaler();
        reconcileApex();
        reconcileRouter();
        return created;
    }

    /**
     * Creates the primary and the {@code {apex}-primary} and {@code {apex}-canary} services if missing: nothing
     * that carries the apex's traffic. True when the primary did not exist before.
     */
    boolean initialize();

    /**
     * Creates the primary's autoscaler ({@code {autoscalerRef.name}-primary}) when the canary has an
     * {@code autoscalerRef} and it is missing: Flagger's {@code ReconcilePrimaryScaler} on every tick once the
     * primary is ready. It changes only at {@link #promote()}.
     */
    default void reconcilePrimaryScaler() {
    }

    /** Points the apex service at the primary (creating it if missing). */
    void reconcileApex();

    /** Creates or reconciles the router's objects (route, virtual service, ingress...). */
    void reconcileRouter();

    /**
     * The primary's readiness, with at least one pod available: whether the apex may select it.
     *
     * @param lastTransitionTime the canary's {@code status.lastTransitionTime}, where a DaemonSet's progress deadline
     *                           counts from (a Deployment has its own)
     */
    Readiness primaryReadyToServe(Instant lastTransitionTime);

    /** Deletes the primary unless the apex service selects it; true when deleted. */
    boolean removeUnservedPrimary();

    /** Copies the target's template to the primary unless the apex service selects it (it never served). */
    void refreshUnservedPrimary();

    /** A hash of the target's pod template (and tracked configs): what changes when a new revision is applied. */
    String targetRevision();

    /**
     * Flagger's {@code status.trackedConfigs} for the target as it is now: {@code configmap/NAME} or
     * {@code secret/NAME} → checksum of the data (none by default: a cluster without config tracking).
     */
    default Map<String, String> trackedConfigs() {
        return Map.of();
    }

    Routes routes();

    void setRoutes(Routes routes);

    /** Resumes the target's autoscaler (KEDA), then scales the target up from zero (Flagger's ScaleFromZero). */
    void scaleCanaryUp();

    /** Pauses the target's autoscaler (KEDA), then scales the target to zero. */
    void scaleCanaryToZero();

    /** Copies the canary's pod template to the primary, then the user's autoscaler to the primary's. */
    void promote();

    /** Flagger's {@code IsCanaryReady}; {@code lastTransitionTime} as for {@link #primaryReadyToServe}. */
    Readiness canaryReadiness(Instant lastTransitionTime);

    /** Flagger's {@code IsPrimaryReady}; {@code lastTransitionTime} as for {@link #primaryReadyToServe}. */
    Readiness primaryReadiness(Instant lastTransitionTime);

}
