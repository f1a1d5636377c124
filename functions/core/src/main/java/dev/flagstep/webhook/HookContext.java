package dev.flagstep.webhook;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.spec.CanaryId;
import java.util.Optional;

/**
 * What a phase handler knows when it calls a canary's hooks.
 *
 * @param currentPhase the status phase now (for post-rollout: Succeeded or Failed)
 * @param checksum     the run's opaque checksum (contract §2.1), the same for every call of a run
 * @param secret       the canary's signing secret, if it has one (beyond Flagger)
 */
public record HookContext(CanaryId canary, CanaryPhase currentPhase, String checksum, Optional<SigningSecret> secret) {

    public static HookContext unsigned(CanaryId canary, CanaryPhase currentPhase, String checksum) {
        return new HookContext(canary, currentPhase, checksum, Optional.empty());
    }
}
