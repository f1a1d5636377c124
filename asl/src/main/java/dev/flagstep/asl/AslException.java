package dev.flagstep.asl;

/**
 * A definition the interpreter refuses: invalid ASL, or valid ASL outside the supported subset.
 * Thrown by {@link AslInterpreter#load} only, so a bad definition never starts an execution.
 */
public final class AslException extends RuntimeException {

    public AslException(String message) {
        super(message);
    }

    /** The message always names where the problem is, because definitions are long. */
    static AslException at(String state, String field, String problem) {
        return new AslException("State '" + state + "', field '" + field + "': " + problem);
    }
}
