package dev.flagstep.store;

import dev.flagstep.spec.CanaryId;
import java.time.Instant;
import java.util.Optional;

/** The canary's rollouts (runs), one at a time per canary: the claim, its end, its weight timeline. */
public interface RunStore {

    /**
     * Claims the canary for a new run of {@code revision}. Nothing is written unless the answer is
     * {@link ClaimResult.Claimed}.
     *
     * @throws NoSuchCanaryException if the canary has no document
     */
    ClaimResult claimRun(CanaryId id, String runId, String revision, Instant now);

    /**
     * Marks the active run of another revision {@link RunResult#SUPERSEDED} and claims the canary
     * for this one, atomically. Same answers as {@link #claimRun}, never {@link ClaimResult.Superseding}.
     */
    ClaimResult supersede(CanaryId id, String runId, String revision, Instant now);

    /**
     * Records how the run ended and releases the canary, only if the run still holds it.
     *
     * @return false if it did not (already finished, or superseded): nothing was written
     */
    boolean finishRun(CanaryId id, String runId, RunResult result, Instant now);

    Optional<Run> run(CanaryId id, String runId);

    Optional<ActiveRun> activeRun(CanaryId id);

    /** Adds a point to the run's weight timeline. */
    void appendWeight(CanaryId id, String runId, int weight, Instant now);
}
