package dev.flagstep.phases;

/**
 * A phase could not finish for a reason that passes by itself (the Kubernetes API answered 5xx or
 * 429 or could not be reached, DynamoDB throttled, another delivery of the same tick still holds
 * it): the phase is tried again, it is not a failed release. Lambda reports an uncaught exception
 * by its class name, so the state machine's {@code Retry} matches
 * {@code dev.flagstep.phases.TransientFault} (see docs/retries.md for the window).
 */
public final class TransientFault extends RuntimeException {

    /** The errorType Lambda reports for this exception, which the state machine's Retry matches. */
    public static final String ERROR = TransientFault.class.getName();

    public TransientFault(String message) {
        super(message);
    }

    public TransientFault(String message, Throwable cause) {
        super(message, cause);
    }
}
