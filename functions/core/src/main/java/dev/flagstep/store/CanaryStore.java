package dev.flagstep.store;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.spec.CanaryId;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Everything flagstep keeps about its canaries: the document, the status the phases advance, the
 * gates, the event history and the rollouts. Every write that races another (two ticks of one
 * rollout, two starts of one canary, an open against a park) is decided by the store atomically, so
 * callers read, decide, and write with the version or claim they read.
 */
public interface CanaryStore {

    // --- the canary document ---

    /** Stores the document text as submitted and returns its new version (1 for a new canary). */
    long putSpec(CanaryId id, String source);

    Optional<SpecRecord> spec(CanaryId id);

    /**
     * Removes the canary and everything kept about it (status, gates, runs, events).
     *
     * @return false if there was no such canary
     * @throws CanaryBusyException while a rollout holds the canary
     */
    boolean deleteCanary(CanaryId id);

    /**
     * Lists canaries in namespace/name order, optionally of one namespace.
     *
     * @param cursor the {@code next} of the previous page
     */
    Page<CanarySummary> list(Optional<String> namespace, int limit, Optional<String> cursor);

    // --- status (optimistic locking) ---

    Optional<Versioned<CanaryStatus>> status(CanaryId id);

    /**
     * Saves the status if it is still at {@code expectedVersion} (0: no status saved yet).
     *
     * @return the new version
     * @throws StaleStatusException if another writer saved in between
     */
    long saveStatus(CanaryId id, CanaryStatus status, long expectedVersion);

    /** The status with its version and the memo of the tick that saved it. */
    Optional<StatusRecord> statusRecord(CanaryId id);

    /**
     * {@link #saveStatus(CanaryId, CanaryStatus, long)} that also records the tick's decision, in the
     * same conditional write.
     */
    long saveStatus(CanaryId id, CanaryStatus status, long expectedVersion, TickMemo memo);

    // --- gates (closed unless opened) ---

    Gate gate(CanaryId id, GateType type);

    /** Every gate of the canary, closed ones included. */
    Map<GateType, Gate> gates(CanaryId id);

    /**
     * Opens the gate and takes the task token of a rollout parked on it, if any, atomically; the
     * caller completes that token (SendTaskSuccess) so the rollout moves on at once.
     */
    Optional<String> openGate(CanaryId id, GateType type, String who, String why);

    /** Closes the gate; a parked rollout stays parked. */
    void closeGate(CanaryId id, GateType type, String who, String why);

    /**
     * Stores the task token of a rollout about to wait on this gate, unless the gate is open: then
     * nothing is stored and the rollout must go on. Decided atomically against {@link #openGate}, so
     * an open is never lost between a check and a park.
     */
    ParkResult park(CanaryId id, GateType type, String taskToken, Instant now);

    /** Forgets a parked token if it is still this one (the wait ended some other way). */
    boolean clearToken(CanaryId id, GateType type, String taskToken);

    /**
     * Closes every gate of the canary and forgets parked tokens: called when a rollout ends, so the
     * next rollout needs a fresh approval (beyond the loadtester, whose gates stay open).
     */
    void closeAll(CanaryId id);

    // --- event history ---

    /** Records one event; events of the same millisecond are all kept. Expires after the retention. */
    void append(CanaryEvent event);

    /** The canary's events, newest first. */
    Page<CanaryEvent> events(CanaryId id, int limit, Optional<String> cursor);

    // --- rollouts (one at a time per canary) ---

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
