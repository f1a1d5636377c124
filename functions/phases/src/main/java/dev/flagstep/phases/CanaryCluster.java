package dev.flagstep.phases;

import dev.flagstep.analysis.Routes;

/**
 * One canary's workloads and traffic on the cluster, as the phases act on them: the router
 * ({@code getRoutes}/{@code setRoutes}) and the Deployment operations, behind one seam so a handler
 * reads like Flagger's scheduler.
 */
public interface CanaryCluster {

    /** Creates what is missing (primary, services, route); true when the primary did not exist before. */
    boolean bootstrap();

    /** A hash of the target's pod template: what changes when a new revision is applied. */
    String targetRevision();

    Routes routes();

    void setRoutes(Routes routes);

    void scaleCanaryUp();

    void scaleCanaryToZero();

    /** Copies the canary's pod template to the primary. */
    void promote();

    Readiness canaryReadiness();

    Readiness primaryReadiness();

    /** A workload's readiness, Flagger style: retriable "not yet", or failed for good (progress deadline). */
    sealed interface Readiness {
        record Ready() implements Readiness {}

        record NotYet(String reason) implements Readiness {}

        record Failed(String reason) implements Readiness {}
    }
}
