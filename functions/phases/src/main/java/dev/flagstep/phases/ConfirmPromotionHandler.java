package dev.flagstep.phases;

import dev.flagstep.analysis.CanaryStep;
import dev.flagstep.gate.GateOutcome;
import dev.flagstep.analysis.Routes;
import dev.flagstep.analysis.Step;
import dev.flagstep.analysis.TickContext;
import dev.flagstep.phases.wiring.Services;
import dev.flagstep.spec.HookType;
import java.util.Optional;

/**
 * The confirm-promotion gates. Closed: phase WaitingPromotion (once) and the analysis keeps running
 * every interval. Open: "Copying ... template spec", the primary gets the canary's template, phase
 * Promoting. Blue/green asks twice, as Flagger: the first approval switches all traffic to the
 * canary ({@code advanced}), the second promotes.
 */
public final class ConfirmPromotionHandler extends PhaseHandler {

    public ConfirmPromotionHandler() {}

    public ConfirmPromotionHandler(Services services) {
        super(services);
    }

    @Override
    protected Optional<HookType> parkedGate() {
        return Optional.of(HookType.CONFIRM_PROMOTION);
    }

    @Override
    PhaseOutput tick(Tick t) {
        if (Operated.aborted(t)) {
            return Operated.abort(t);
        }
        if (Operated.promoted(t)) {
            // an operator's promote is the approval (recorded on the run by the API): Promote promotes in one go
            return t.finish(Decision.OPEN);
        }
        if (t.spec.skipsAnalysis()) {
            // skipAnalysis set mid-run: Flagger's shouldSkipAnalysis promotes without asking (Promote does it)
            return t.finish(Decision.OPEN);
        }
        TickContext ctx = TickContext.of(t.spec, t.provider);
        GateOutcome outcome = Gates.confirm(t, HookType.CONFIRM_PROMOTION);
        Optional<Routes> routes = t.io.routes();
        if (routes.isEmpty()) {
            return t.finish(Decision.ADVANCED); // the router cannot be read yet: analyse again, then ask again
        }
        Step step = CanaryStep.afterGate(ctx, t.status(), routes.get(), HookType.CONFIRM_PROMOTION, outcome, t.now);
        if (step instanceof Step.NeedsGate g) {
            throw new IllegalStateException("confirm-promotion asked for another gate: " + g.gate());
        }
        if (step instanceof Step.Promote) {
            GateWait.opened(t, HookType.CONFIRM_PROMOTION);
            t.apply(step, () -> t.io.cluster().promote());
        } else {
            t.apply(step);
        }
        return switch (step) {
            case Step.Halted h -> GateWait.closed(t, HookType.CONFIRM_PROMOTION, outcome);
            case Step.Promote p -> t.finish(Decision.OPEN);
            case Step.Proceed p -> t.finish(Decision.ADVANCED);
            case Step.Hold h -> t.finish(Decision.ADVANCED);
            case Step.NeedsGate g -> throw new IllegalStateException("unreachable");
        };
    }
}
