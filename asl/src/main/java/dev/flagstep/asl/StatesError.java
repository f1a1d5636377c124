package dev.flagstep.asl;

/**
 * An error raised while a state runs, with the error name and cause Step Functions would report.
 * Unchecked because it crosses the path/template/intrinsic code, which has no other failure mode.
 */
final class StatesError extends RuntimeException {

    static final String RUNTIME = "States.Runtime";
    static final String TIMEOUT = "States.Timeout";
    static final String TASK_FAILED = "States.TaskFailed";
    static final String ALL = "States.ALL";
    static final String NO_CHOICE_MATCHED = "States.NoChoiceMatched";

    private final String error;
    private final String errorCause;

    StatesError(String error, String cause) {
        super(error + ": " + cause, null, false, false);
        this.error = error;
        this.errorCause = cause;
    }

    /** Data errors (a path that matches nothing, a bad intrinsic argument): fail the execution. */
    static StatesError runtime(String cause) {
        return new StatesError(RUNTIME, cause);
    }

    String error() {
        return error;
    }

    String errorCause() {
        return errorCause;
    }

    /** AWS: "A retry or catch on States.ALL won't catch States.Runtime errors." */
    boolean retriableOrCatchable() {
        return !RUNTIME.equals(error);
    }

    /** The matching rules of Retry/Catch ErrorEquals, including the two wildcards. */
    static boolean matches(java.util.List<String> errorEquals, String error) {
        for (String name : errorEquals) {
            if (name.equals(error) || name.equals(ALL)
                    || (name.equals(TASK_FAILED) && !error.equals(TIMEOUT))) {
                return true;
            }
        }
        return false;
    }
}
