package dev.flagstep.phases;

import dev.flagstep.analysis.Alert;
import dev.flagstep.operation.Operation;
import dev.flagstep.operation.OperationMessages;
import dev.flagstep.operation.RunControl;
import dev.flagstep.operation.RunOperation;
import java.util.Optional;

/**
 * What an operator asked of the run (promote, abort, pause: {@link RunControl}), acted on at the top of a tick before
 * anything else, so none of it waits for a check, a hook or a metric. Suspend holds the canary; an operator's explicit
 * request overrides it.
 */
final class Operated {

    /**
     * How long WaitForResume parks before the state machine looks again: a paused run costs one tick an hour, so it can
     * stay paused for months within the history budget (docs/executions.md); resume wakes it at once.
     */
    static final int PAUSE_RECHECK_SECONDS = 3600;

    private Operated() {}

    /** At the top of an analysis tick (PreRollout, Analysis). */
    static Optional<PhaseOutput> analysis(Tick t) {
        return t.control().map(c -> switch (c) {
            case ABORT -> abort(t);
            case PROMOTE -> promote(t);
            case PAUSED -> pause(t);
        });
    }

    /** Roll back now, as an open rollback gate does: RollbackHandler and PostRollout do the rest. */
    static PhaseOutput abort(Tick t) {
        RunOperation op = last(t, Operation.ABORT);
        t.io.publish(OperationMessages.rollingBackAborted(t.spec.id(), op.who(), op.reason()));
        t.alert(new Alert(Alert.Severity.WARN, "Rolling back: abort requested by " + op.who()));
        return t.finish(Decision.ROLLBACK);
    }

    /**
     * Flagger's skipAnalysis at runtime: once the canary is ready, promote (ConfirmPromotion lets it through, Promote
     * promotes in one go as for a skipped analysis).
     */
    private static PhaseOutput promote(Tick t) {
        Optional<Decision> early = Guards.canaryReadiness(t);
        if (early.isPresent()) {
            return t.finish(early.get());
        }
        t.io.publish(OperationMessages.skippingAnalysis(t.spec.id(), last(t, Operation.PROMOTE).who()));
        return t.finish(Decision.PROMOTE);
    }

    /**
     * Hold: no checks, no failed check counted, no weight change. The gate clock of {@code analysis.gateTimeout}
     * restarts after the pause, so a long pause does not roll back the moment it ends.
     */
    private static PhaseOutput pause(Tick t) {
        t.gateClosedSince(Optional.empty());
        return t.finish(Decision.PAUSED, PAUSE_RECHECK_SECONDS);
    }

    /** Whether the run was promoted by an operator (Promote and PostRollout treat it as a skipped analysis). */
    static boolean promoted(Tick t) {
        return t.control().equals(Optional.of(RunControl.PROMOTE));
    }

    static boolean aborted(Tick t) {
        return t.control().equals(Optional.of(RunControl.ABORT));
    }

    private static RunOperation last(Tick t, Operation op) {
        return t.run().stream().flatMap(r -> r.operations().stream()).filter(o -> o.operation() == op)
                .reduce((a, b) -> b)
                .orElseGet(() -> new RunOperation(op, "an operator", "", t.now));
    }
}
