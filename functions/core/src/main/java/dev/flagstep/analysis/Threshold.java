package dev.flagstep.analysis;

import dev.flagstep.spec.Analysis;
import java.time.Instant;

/**
 * Flagger's failed-checks rule. A tick counts at most one failed check (the first failing hook or
 * metric ends the tick), the count is cumulative over the run and never reset by a later success,
 * and the rollback happens at the start of the tick after the count reached the threshold, before
 * that tick's hooks run. Only {@link CanaryStatus#sync} resets it (run start, restart, Failed).
 */
public final class Threshold {

    private Threshold() {}

    /** Flagger's {@code GetAnalysisThreshold()}: the spec's threshold, 1 when it is 0 or less. */
    public static int of(Analysis analysis) {
        return analysis.threshold() > 0 ? analysis.threshold() : 1;
    }

    /**
     * Whether this tick must roll back before running anything: only in Progressing or
     * WaitingPromotion (a closed confirm-rollout gate or a promotion in flight never rolls back on
     * the count), and only once {@code failedChecks >= threshold}.
     */
    public static boolean reached(CanaryStatus status, Analysis analysis) {
        return (status.phase() == CanaryPhase.PROGRESSING || status.phase() == CanaryPhase.WAITING_PROMOTION)
                && status.failedChecks() >= of(analysis);
    }

    /** The one failed check of a tick whose pre-rollout hooks, rollout hooks or metrics failed. */
    public static CanaryStatus countFailure(CanaryStatus status, Instant now) {
        return status.withFailedChecks(status.failedChecks() + 1, now);
    }
}
