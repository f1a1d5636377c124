package dev.flagstep.operation;

import java.util.Arrays;
import java.util.Optional;

/**
 * What an operator can do to a running rollout through the API ({@code POST /canaries/{ns}/{name}/{operation}}),
 * beyond the gates: Argo Rollouts' promote/abort/retry/pause/resume, which Flagger lacks (#1814, #1681).
 */
public enum Operation {
    /** Finish the analysis now and promote, as a runtime {@code skipAnalysis}; counts as the promotion's approval. */
    PROMOTE("promote", "Promotion"),
    /** Roll back now, as an opened rollback gate does. */
    ABORT("abort", "Abort"),
    /** Hold the current weight with no analysis until {@link #RESUME}. */
    PAUSE("pause", "Pause"),
    /** Continue a paused rollout at once. */
    RESUME("resume", "Resume"),
    /** Analyse the same revision again after its last run failed: a new run. */
    RETRY("retry", "Retry");

    private final String wire;
    private final String noun;

    Operation(String wire, String noun) {
        this.wire = wire;
        this.noun = noun;
    }

    /** The path segment and the name in answers, events and the run history. */
    public String wire() {
        return wire;
    }

    /** How the canary's events name it: "Promotion requested by ...". */
    public String noun() {
        return noun;
    }

    public static Optional<Operation> fromWire(String wire) {
        return Arrays.stream(values()).filter(o -> o.wire.equals(wire)).findFirst();
    }
}
