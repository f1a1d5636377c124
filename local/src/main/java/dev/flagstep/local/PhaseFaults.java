package dev.flagstep.local;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A hook in front of every phase invocation of the local runtime, so a test can make one phase
 * fail exactly as a crashing Lambda would (the state machine's Catch takes it from there).
 * Production wiring uses {@link #none()}.
 */
@FunctionalInterface
public interface PhaseFaults {

    /** Throw to fail this invocation of {@code function} (Initialize, Analysis, ...). */
    void beforeInvoke(String function, JsonNode payload);

    static PhaseFaults none() {
        return (function, payload) -> { };
    }
}
