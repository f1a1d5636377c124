package dev.flagstep.store;

import dev.flagstep.gate.GateType;
import dev.flagstep.spec.CanaryId;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** The canary's gates (closed unless opened) and the task tokens of rollouts parked on them. */
public interface GateStore {

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
}
