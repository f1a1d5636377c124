package dev.flagstep.workload;

/**
 * A workload's readiness as Flagger judges it ({@code pkg/canary/deployment_ready.go}): ready, not yet
 * (retry on the next tick), or failed for good (progress deadline exceeded: roll back).
 */
public sealed interface Readiness {

    /** False only for {@link Failed}: Flagger rolls back instead of waiting. */
    default boolean retriable() {
        return !(this instanceof Failed);
    }

    record Ready() implements Readiness {
    }

    /** Still rolling out; {@code reason} is Flagger's message, e.g. "waiting for rollout to finish: ...". */
    record NotYet(String reason) implements Readiness {
    }

    /** Will not become ready: progress deadline exceeded, or a primary scaled to zero. */
    record Failed(String reason) implements Readiness {
    }
}
