package dev.flagstep.router;

/**
 * The router object exists but its weights cannot be used yet (e.g. a Gateway API parent has not accepted the
 * latest generation). Retriable: Flagger ends the tick and tries again on the next one.
 */
public final class RouterNotReady extends RuntimeException {
    public RouterNotReady(String message) {
        super(message);
    }
}
