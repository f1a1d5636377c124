package dev.flagstep.operation;

import dev.flagstep.analysis.CanaryPhase;
import java.util.Optional;

/**
 * The operation × phase matrix (docs/api.md): which of promote, abort, pause and resume may act on a rollout now,
 * and what the run's control becomes. Pure; the API reads the status and the run, the store writes the answer
 * conditioned on the control it was decided from.
 */
public final class Operations {

    /** Retries of one revision after the original run: the retry's name keeps its canary prefix up to this many. */
    public static final int MAX_RETRIES = 99;

    private Operations() {}

    /**
     * @param op promote, abort, pause or resume (retry: {@link #decideRetry})
     * @param stage where the rollout is ({@link Stage#of})
     * @param phase the status phase, for the answer's detail
     * @param control what the active run was asked so far
     * @param last the run's latest operation (a resume after a resume is the same request again)
     */
    public static OperationVerdict decide(Operation op, Stage stage, CanaryPhase phase, Optional<RunControl> control,
            Optional<Operation> last) {
        if (op == Operation.RETRY) {
            throw new IllegalArgumentException("retry is decided by decideRetry");
        }
        if (stage == Stage.NO_RUN) {
            return refused("no rollout is running (phase " + phase + ")");
        }
        return switch (op) {
            case PROMOTE -> promote(stage, phase, control);
            case ABORT -> abort(stage, phase, control);
            case PAUSE -> pause(stage, phase, control);
            case RESUME -> resume(phase, control, last);
            case RETRY -> throw new IllegalStateException("unreachable");
        };
    }

    private static OperationVerdict promote(Stage stage, CanaryPhase phase, Optional<RunControl> control) {
        if (control.equals(Optional.of(RunControl.PROMOTE))) {
            return new OperationVerdict.AlreadyRequested();
        }
        if (control.equals(Optional.of(RunControl.ABORT))) {
            return refused("an abort was requested: the rollout is rolling back (phase " + phase + ")");
        }
        return switch (stage) {
            case PROGRESSING, WAITING_PROMOTION -> allowed(RunControl.PROMOTE);
            case WAITING -> refused("the rollout waits for confirm-rollout (phase " + phase
                    + "): open that gate to start it, then promote");
            default -> notNow(stage, phase);
        };
    }

    private static OperationVerdict abort(Stage stage, CanaryPhase phase, Optional<RunControl> control) {
        if (control.equals(Optional.of(RunControl.ABORT))) {
            return new OperationVerdict.AlreadyRequested();
        }
        return switch (stage) {
            case WAITING, PROGRESSING, WAITING_PROMOTION -> allowed(RunControl.ABORT);
            default -> notNow(stage, phase);
        };
    }

    private static OperationVerdict pause(Stage stage, CanaryPhase phase, Optional<RunControl> control) {
        if (control.equals(Optional.of(RunControl.PAUSED))) {
            return new OperationVerdict.AlreadyRequested();
        }
        if (control.isPresent()) {
            return refused(requested(control.get()) + " (phase " + phase + "): nothing to pause");
        }
        return switch (stage) {
            case PROGRESSING, WAITING_PROMOTION -> allowed(RunControl.PAUSED);
            case WAITING -> refused("the rollout waits for confirm-rollout (phase " + phase + "): nothing to pause");
            default -> notNow(stage, phase);
        };
    }

    private static OperationVerdict resume(CanaryPhase phase, Optional<RunControl> control, Optional<Operation> last) {
        if (control.equals(Optional.of(RunControl.PAUSED))) {
            return new OperationVerdict.Allowed(Optional.empty());
        }
        if (control.isEmpty() && last.equals(Optional.of(Operation.RESUME))) {
            return new OperationVerdict.AlreadyRequested();
        }
        return refused("the rollout is not paused (phase " + phase + ")"
                + control.map(c -> ": " + requested(c)).orElse(""));
    }

    /**
     * Whether the canary's latest run may be analysed again.
     *
     * @param active the run holding the canary, if any
     * @param last the canary's latest run and its result, if it ever had one
     * @param retries how many retries of that run's revision there were already
     */
    public static OperationVerdict decideRetry(Optional<String> active, Optional<LastRun> last, int retries) {
        if (active.isPresent()) {
            return refused("a rollout is running (run " + active.get() + "): abort it first, or wait for it to end");
        }
        if (last.isEmpty()) {
            return refused("the canary has no previous rollout to retry");
        }
        LastRun run = last.get();
        if (!run.failed()) {
            return refused("the last rollout (run " + run.runId() + ", revision " + run.revision() + ") ended "
                    + run.result() + ", not Failed: only a failed rollout is retried");
        }
        if (retries >= MAX_RETRIES) {
            return refused("revision " + run.revision() + " was retried " + retries + " times already; roll out a new revision");
        }
        return new OperationVerdict.Allowed(Optional.empty());
    }

    /** The canary's latest run, as a retry needs it. */
    public record LastRun(String runId, String revision, String result, boolean failed) {}

    private static OperationVerdict notNow(Stage stage, CanaryPhase phase) {
        return refused(switch (stage) {
            case ONBOARDING -> "the canary is being initialized (phase " + phase + "): no rollout to operate yet";
            case STARTING -> "the rollout is starting (phase " + phase + "): try again after its first check";
            case PROMOTING -> "the promotion has begun (phase " + phase + ")";
            case ENDING -> "the rollout is ending (phase " + phase + ")";
            default -> "not allowed in phase " + phase;
        });
    }

    private static String requested(RunControl c) {
        return switch (c) {
            case PAUSED -> "it is paused";
            case PROMOTE -> "a promotion was requested";
            case ABORT -> "an abort was requested";
        };
    }

    private static OperationVerdict allowed(RunControl next) {
        return new OperationVerdict.Allowed(Optional.of(next));
    }

    private static OperationVerdict refused(String why) {
        return new OperationVerdict.Refused(why);
    }
}
