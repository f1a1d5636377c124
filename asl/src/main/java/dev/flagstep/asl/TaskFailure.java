package dev.flagstep.asl;

/**
 * A failed function invocation, as Lambda reports it: an error type (Lambda's {@code errorType})
 * and a cause (its {@code errorMessage}). The error type is what Retry and Catch match on.
 */
public final class TaskFailure extends Exception {

    private final String error;
    private final String errorCause;

    public TaskFailure(String error, String cause) {
        super(error + ": " + cause);
        this.error = error;
        this.errorCause = cause == null ? "" : cause;
    }

    /**
     * A handler's exception as Lambda's Java runtime names it: by its class's binary name
     * ({@code Class.getName()}, e.g. {@code dev.flagstep.phases.TransientFault}), with its message as cause.
     */
    public static TaskFailure of(Throwable thrown) {
        if (thrown instanceof TaskFailure failure) {
            return failure;
        }
        return new TaskFailure(thrown.getClass().getName(),
                thrown.getMessage() == null ? "" : thrown.getMessage());
    }

    public String error() {
        return error;
    }

    public String errorCause() {
        return errorCause;
    }
}
