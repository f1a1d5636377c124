package dev.flagstep.phases;

/** A phase cannot go on (no document, invalid document, ...): the state machine catches it into Rollback. */
public final class PhaseException extends RuntimeException {
    public PhaseException(String message) {
        super(message);
    }
}
