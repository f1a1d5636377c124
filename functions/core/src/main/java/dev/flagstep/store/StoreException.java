package dev.flagstep.store;

import dev.flagstep.spec.CanaryId;

/** A store operation failed; the message names the operation and the canary. */
public class StoreException extends RuntimeException {

    private final transient CanaryId canary;
    private final String operation;

    public StoreException(String operation, CanaryId canary, String detail) {
        this(operation, canary, detail, null);
    }

    public StoreException(String operation, CanaryId canary, String detail, Throwable cause) {
        super(operation + " " + canary + ": " + detail, cause);
        this.canary = canary;
        this.operation = operation;
    }

    public CanaryId canary() {
        return canary;
    }

    public String operation() {
        return operation;
    }
}
