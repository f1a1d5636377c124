package dev.flagstep.store;

import dev.flagstep.operation.Approval;
import dev.flagstep.operation.RunControl;
import dev.flagstep.operation.RunOperation;
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

    /** The canary's runs, newest first (by start). */
    Page<Run> runs(CanaryId id, int limit, Optional<String> cursor);

    /**
     * Claims the canary for a retry of the failed run {@code retryOf}: only while no run holds the canary and that run
     * ended {@link RunResult#FAILED}. The new run records {@code retryOf} and the retry operation.
     *
     * @return false if that no longer holds (nothing was written)
     */
    boolean claimRetry(CanaryId id, String runId, String revision, String retryOf, RunOperation retry, Instant now);

    /**
     * Records an operation on a running run and moves its control from {@code expected} to {@code next}, atomically.
     *
     * @return empty if the run is not running or its control is no longer {@code expected} (nothing was written);
     *     else the task token of a paused run parked on its pause, which this change took (the caller completes it)
     */
    Optional<Optional<String>> control(CanaryId id, String runId, Optional<RunControl> expected,
            Optional<RunControl> next, RunOperation operation);

    /**
     * Parks the task token of a paused run, unless it is no longer paused: then nothing is stored and the run goes
     * on. Decided atomically against {@link #control}, so a resume is never lost between a check and a park.
     */
    boolean parkPaused(CanaryId id, String runId, String taskToken, Instant now);

    /** Adds a gate approval to the run's history. */
    void recordApproval(CanaryId id, String runId, Approval approval);
}
