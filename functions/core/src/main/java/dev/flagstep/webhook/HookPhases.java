package dev.flagstep.webhook;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.spec.HookType;

/**
 * The {@code phase} Flagger puts in the body for each hook type (contract §1). Gates on receivers key
 * on it, e.g. a confirm-rollout gate sees Initialized/Succeeded/Failed first and Waiting after that,
 * while rollout hooks always say Progressing, even in WaitingPromotion.
 */
public final class HookPhases {

    private HookPhases() {
    }

    /**
     * @param current the canary's status phase at the call; for post-rollout the outcome of the run
     *                (Succeeded or Failed), for event hooks the event's phase
     * @throws IllegalArgumentException for post-rollout with a phase other than Succeeded or Failed,
     *                                  which would be a bug in the caller
     */
    public static CanaryPhase phaseSent(HookType type, CanaryPhase current) {
        return switch (type) {
            case CONFIRM_ROLLOUT, ROLLBACK, EVENT -> current;
            case PRE_ROLLOUT, ROLLOUT, CONFIRM_TRAFFIC_INCREASE, CONFIRM_PROMOTION -> CanaryPhase.PROGRESSING;
            case POST_ROLLOUT -> switch (current) {
                case SUCCEEDED, FAILED -> current;
                default -> throw new IllegalArgumentException(
                        "post-rollout hooks report Succeeded or Failed, not " + current);
            };
        };
    }
}
