package dev.flagstep.phases;

import dev.flagstep.gate.GateOutcome;
import dev.flagstep.analysis.Lifecycle;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Step;
import dev.flagstep.phases.wiring.Services;
import dev.flagstep.spec.HookType;
import java.util.Optional;

/**
 * The confirm-rollout gates, asked with the current phase (Initialized/Succeeded/Failed first,
 * Waiting after). Beyond Flagger (#1432), the rollback hooks are asked too while waiting, so a
 * rollout stuck before it started can still be called off. Closed: {@code closed}, and the waiting
 * state parks on the gate for one interval; with {@code analysis.gateTimeout} the wait is bounded.
 */
public final class ConfirmRolloutHandler extends PhaseHandler {

    public ConfirmRolloutHandler() {}

    public ConfirmRolloutHandler(Services services) {
        super(services);
    }

    @Override
    protected Optional<HookType> parkedGate() {
        return Optional.of(HookType.CONFIRM_ROLLOUT);
    }

    @Override
    PhaseOutput tick(Tick t) {
        // #1432: while the rollout is held (Waiting) a rollback hook can call it off; Flagger asks
        // none on the first check, and none at all for a canary that skips its analysis
        if (Operated.aborted(t)) {
            return Operated.abort(t);
        }
        if (t.status().phase() == CanaryPhase.WAITING && !t.spec.skipsAnalysis() && Guards.rollbackSignaled(t)) {
            return t.finish(Decision.ROLLBACK);
        }
        GateOutcome outcome = Gates.confirm(t, HookType.CONFIRM_ROLLOUT);
        Step step = Lifecycle.confirmRollout(t.status(), outcome, t.phaseContext, t.messages, t.now);
        t.apply(step);
        if (step instanceof Step.Halted) {
            return GateWait.closed(t, HookType.CONFIRM_ROLLOUT, outcome);
        }
        GateWait.opened(t, HookType.CONFIRM_ROLLOUT);
        return t.finish(Decision.OPEN);
    }
}
