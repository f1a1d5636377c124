package dev.flagstep.operation;

import dev.flagstep.analysis.CanaryPhase;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a canary's rollout is, as the operations see it: the status phase, read against the run that holds the
 * canary. A run that has just started still shows the phase its predecessor ended with (Succeeded, Failed) or
 * Initialized until its confirm-rollout check; the same phases set after the run started mean it is ending.
 */
public enum Stage {
    /** No rollout holds the canary. */
    NO_RUN,
    /** The canary is being onboarded (Initializing): there is nothing to promote, pause or roll back yet. */
    ONBOARDING,
    /** A run has started but not yet reached its confirm-rollout check. */
    STARTING,
    /** Waiting on confirm-rollout (Flagger's Waiting). */
    WAITING,
    /** The analysis runs (Progressing, pre-rollout hooks included). */
    PROGRESSING,
    /** The analysis is complete and waits on confirm-promotion (WaitingPromotion): it keeps running. */
    WAITING_PROMOTION,
    /** The primary is being promoted or finalised: past the point of no return. */
    PROMOTING,
    /** The run has settled (Succeeded or Failed) and is running its post-rollout hooks. */
    ENDING;

    /**
     * @param runStartedAt when the active run started; empty when no run holds the canary
     * @param phase the status phase
     * @param phaseSince the status's lastTransitionTime
     */
    public static Stage of(Optional<Instant> runStartedAt, CanaryPhase phase, Instant phaseSince) {
        if (runStartedAt.isEmpty()) {
            return NO_RUN;
        }
        boolean thisRun = !phaseSince.isBefore(runStartedAt.get());
        return switch (phase) {
            case INITIALIZING -> ONBOARDING;
            case INITIALIZED -> STARTING;
            case SUCCEEDED, FAILED -> thisRun ? ENDING : STARTING;
            case WAITING -> WAITING;
            case PROGRESSING -> PROGRESSING;
            case WAITING_PROMOTION -> WAITING_PROMOTION;
            case PROMOTING, FINALISING -> PROMOTING;
            case TERMINATING, TERMINATED -> ENDING;
        };
    }
}
