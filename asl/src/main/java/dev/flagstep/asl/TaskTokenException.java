package dev.flagstep.asl;

/** A refused SendTaskSuccess/SendTaskFailure; {@link #errorCode()} is the Step Functions API error name. */
public final class TaskTokenException extends RuntimeException {

    private final String errorCode;

    public TaskTokenException(String errorCode, String message) {
        super(errorCode + ": " + message);
        this.errorCode = errorCode;
    }

    /** {@code TaskDoesNotExist} or {@code InvalidOutput}. */
    public String errorCode() {
        return errorCode;
    }
}
