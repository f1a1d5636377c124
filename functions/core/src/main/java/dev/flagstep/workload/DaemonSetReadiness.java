package dev.flagstep.workload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.analysis.FlaggerMessages.NotReady;
import java.time.Duration;
import java.time.Instant;

/**
 * Flagger's {@code isDaemonSetReady} ({@code pkg/canary/daemonset_ready.go}), pure: a DaemonSet is ready once its
 * controller observed the current generation, every node it should run on has a pod of the current template, and
 * enough of them are available. A DaemonSet scheduled on no node (the canary scaled to zero) is ready. DaemonSets
 * have no progress condition, so the deadline counts from the canary's {@code status.lastTransitionTime}.
 */
public final class DaemonSetReadiness {

    private DaemonSetReadiness() {}

    /**
     * @param daemonSet          the object with its {@code status}
     * @param threshold          {@code analysis.primaryReadyThreshold} or {@code canaryReadyThreshold} (percent)
     * @param mustServe          at least one pod available too: what the apex may be pointed at
     * @param lastTransitionTime the canary's {@code status.lastTransitionTime}
     * @param progressDeadline   the canary's {@code progressDeadlineSeconds}
     */
    public static Readiness judge(JsonNode daemonSet, int threshold, boolean mustServe, Instant lastTransitionTime,
            Duration progressDeadline, Instant now) {
        JsonNode status = daemonSet.path("status");
        long generation = daemonSet.path("metadata").path("generation").asLong(0);
        if (generation > status.path("observedGeneration").asLong(0)) {
            return new Readiness.NotYet(NotReady.daemonSetGenerationNotObserved());
        }
        int desired = status.path("desiredNumberScheduled").asInt(0);
        int updated = status.path("updatedNumberScheduled").asInt(0);
        int available = status.path("numberAvailable").asInt(0);
        int needed = (int) ((float) desired * ((float) threshold / 100f)); // Go's int32(float32(...)) truncation
        String reason;
        if (updated < desired) {
            reason = NotReady.podsNotUpdated(updated, desired);
        } else if (available < needed) {
            reason = NotReady.podsNotAvailable(available, needed, threshold);
        } else if (mustServe && available < 1) {
            reason = NotReady.podsNotAvailable(available, 1, threshold);
        } else {
            return new Readiness.Ready();
        }
        if (lastTransitionTime.plus(progressDeadline).isBefore(now)) {
            return new Readiness.Failed(NotReady.progressDeadlineSecondsExceeded((int) progressDeadline.toSeconds()));
        }
        return new Readiness.NotYet(reason);
    }
}
