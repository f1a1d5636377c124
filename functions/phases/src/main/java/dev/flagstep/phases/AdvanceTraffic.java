package dev.flagstep.phases;

import dev.flagstep.analysis.CanaryStep;
import dev.flagstep.gate.GateOutcome;
import dev.flagstep.analysis.Routes;
import dev.flagstep.analysis.Step;
import dev.flagstep.analysis.Strategy;
import dev.flagstep.analysis.TickContext;
import dev.flagstep.spec.HookType;

/**
 * The strategy step of a tick whose checks passed, in the same delivery as the checks (as in
 * Flagger's tick): the next canary weight behind the confirm-traffic-increase gates (canary), or the
 * next iteration (A/B, blue/green); {@code advanced}, or {@code closed} behind a closed gate. At the
 * last step: {@code promote}, to the confirm-promotion gates.
 */
final class AdvanceTraffic {

    private AdvanceTraffic() {}

    /** @param reported the router's weights as this tick read them before its checks */
    static PhaseOutput run(Tick t, Routes reported) {
        TickContext ctx = TickContext.of(t.spec, t.provider);
        Routes routes = ctx.strategy() == Strategy.CANARY ? t.plannedFrom(reported) : reported;
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
            GateWait.opened(t, HookType.CONFIRM_TRAFFIC_INCREASE);
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
