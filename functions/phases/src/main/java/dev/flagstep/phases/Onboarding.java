package dev.flagstep.phases;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.PhaseContext;
import dev.flagstep.workload.Readiness;
import java.time.Duration;
import java.time.Instant;

/**
 * Flagger's initialisation of a canary (phase Initializing), as pure decisions: the primary is created next to
 * the live target, and only once it is ready does the apex service select it and the target scale to zero, so
 * the apex never selects zero ready pods. Until then each Initialize tick waits one interval; a primary not
 * ready within the progress deadline, counted from the first onboarding tick, fails the onboarding with the
 * target untouched.
 */
final class Onboarding {

    private Onboarding() {}

    /** What an onboarding tick does with the primary's readiness (the tick then answers the ASL a {@link Decision}). */
    sealed interface Action {
        /** The primary is ready: point the apex at it, scale the target to zero, reconcile the router. */
        record TakeOver() implements Action {}

        /** Not ready yet: Flagger's "not ready" warning, and Initialize again after an interval. */
        record Wait(String reason) implements Action {}

        /** Not ready within the progress deadline (or never will be): fail, leaving the target as it is. */
        record GiveUp(String reason) implements Action {}
    }

    /**
     * True until the canary was first initialised: Flagger records {@code lastAppliedSpec} (flagstep's
     * checksum) first when it sets Initialized, so a canary without one has never had the apex pointed at a
     * ready primary by flagstep: a first sight, an onboarding under way, or one that failed (which the next run
     * starts again).
     */
    static boolean pending(CanaryStatus status) {
        return status.checksum().isEmpty();
    }

    /**
     * The status an onboarding tick works with: Initializing (Flagger's {@code setPhaseInitializing}, with its
     * Promoted condition) since the onboarding started. The start is {@code lastTransitionTime}, which the
     * waiting ticks never touch, so it survives retries and redeliveries; a status never written before is
     * stamped with the instant it was first read (the tick's claim stores it), one that failed before starts
     * again now.
     */
    static CanaryStatus started(CanaryStatus status, PhaseContext context, Instant now) {
        if (status.phase() != CanaryPhase.INITIALIZING) {
            return status.setPhase(CanaryPhase.INITIALIZING, context, now);
        }
        if (status.promotedCondition().isEmpty()) {
            return status.setPhase(CanaryPhase.INITIALIZING, context, status.lastTransitionTime());
        }
        return status;
    }

    /** When the onboarding of {@link #started} status began. */
    static Instant since(CanaryStatus started) {
        return started.lastTransitionTime();
    }

    /**
     * Flagger's {@code Initialize}: wait while the primary is not ready, give up when its readiness is not
     * retriable (a Deployment past its own progress deadline) or when {@code deadline} has passed since
     * {@code since} (Flagger's {@code !from.Add(delta).Before(now)}: the deadline instant itself still waits).
     */
    static Action decide(Readiness primary, Instant since, Duration deadline, Instant now) {
        return switch (primary) {
            case Readiness.Ready r -> new Action.TakeOver();
            case Readiness.Failed f -> new Action.GiveUp(f.reason());
            case Readiness.NotYet n -> since.plus(deadline).isBefore(now)
                    ? new Action.GiveUp(n.reason())
                    : new Action.Wait(n.reason());
        };
    }
}
