package dev.flagstep.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.store.CanaryStore;

/**
 * Hooks around every phase invocation of the local runtime, so a test can make a phase fail exactly as
 * a crashing Lambda would (the state machine's Retry and Catch take it from there), or stall or kill a
 * delivery in the middle of its work. Production wiring uses {@link #none()}.
 */
@FunctionalInterface
public interface PhaseFaults {

    /** Throw to fail this invocation of {@code function} (Initialize, Analysis, ...). */
    void beforeInvoke(String function, JsonNode payload);

    /**
     * The store the phases use: a test may wrap it to act on each call a delivery makes
     * ({@link Delivery#current()} says which), e.g. to kill the delivery right after it claimed its tick.
     */
    default CanaryStore store(CanaryStore store) {
        return store;
    }

    static PhaseFaults none() {
        return (function, payload) -> { };
    }
}
