package dev.flagstep.api;

import dev.flagstep.spec.CanaryId;

/**
 * Start one rollout: this revision of this canary, ticking every {@code intervalSeconds}. With
 * {@code supersede} a running rollout of another revision is stopped first (Flagger restarts the
 * analysis when the target changes mid-rollout); without it, that is a conflict.
 */
public record RolloutRequest(CanaryId canary, String revision, int intervalSeconds, boolean supersede) {

    public RolloutRequest {
        if (revision.isBlank()) {
            throw new IllegalArgumentException("revision must not be blank");
        }
    }
}
