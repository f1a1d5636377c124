package dev.flagstep.phases;

import dev.flagstep.analysis.CanaryStep;
import dev.flagstep.analysis.GateOutcome;
import dev.flagstep.analysis.Routes;
import dev.flagstep.analysis.Step;
import dev.flagstep.analysis.Strategy;
import dev.flagstep.analysis.TickContext;
import dev.flagstep.spec.HookType;
import java.util.Optional;

/**
 * The strategy step of a tick whose checks passed: the next canary weight behind the
 * confirm-traffic-increase gates (canary), or the next iteration (A/B, blue/green). At the last
 * step: {@code promote}, to the confirm-promotion gates.
 */
public final class AdvanceTrafficHandler extends PhaseHandler {

    public AdvanceTrafficHandler() {}

    public AdvanceTrafficHandler(Services services) {
        super(services);
    }

    @Override
    protected Optional<HookType> parkedGate() {
        return Optional.of(HookType.CONFIRM_TRAFFIC_INCREASE);
    }

    @Override
    PhaseOutput tick(Tick t) {
        PhaseInput in = t.input;
        TickContext ctx = TickContext.of(t.spec, t.provider);
        Optional<Routes> read = t.io.routes();
        if (read.isEmpty()) {
            return t.finish(Decision.ADVANCED); // nothing moved: analyse again after an interval
        }
        Routes routes = ctx.strategy() == Strategy.CANARY ? t.plannedFrom(read.get()) : read.get();
        Step step = CanaryStep.plan(ctx, t.status(), routes, t.now);
        GateOutcome trafficGate = null;
        if (step instanceof Step.NeedsGate g && g.gate() == HookType.CONFIRM_TRAFFIC_INCREASE) {
            t.io.publish(g.messages());
            trafficGate = Gates.confirm(t, HookType.CONFIRM_TRAFFIC_INCREASE);
            step = CanaryStep.afterGate(ctx, g.status(), routes, HookType.CONFIRM_TRAFFIC_INCREASE, trafficGate, t.now);
        }
        if (step instanceof Step.Promote) {
            throw new IllegalStateException("promotion is decided by ConfirmPromotion");
        }
        if (step instanceof Step.Proceed) {
            GateWait.opened(t);
        }
        t.apply(step);
        return switch (step) {
            // the last step: confirm-promotion decides, in its own state
            case Step.NeedsGate g -> t.finish(Decision.PROMOTE);
            case Step.Halted h -> GateWait.closed(t, HookType.CONFIRM_TRAFFIC_INCREASE, trafficGate);
            case Step.Proceed p -> t.finish(Decision.ADVANCED);
            case Step.Hold h -> t.finish(Decision.ADVANCED);
            case Step.Promote p -> throw new IllegalStateException("unreachable");
        };
    }
}
