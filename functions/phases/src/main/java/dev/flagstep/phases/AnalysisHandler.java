package dev.flagstep.phases;

import dev.flagstep.phases.wiring.Services;
import dev.flagstep.spec.HookType;
import java.util.Optional;

/**
 * One Flagger tick of the analysis (see {@link AnalysisTick}): the checks, then the traffic step;
 * Analysis is every tick after the first. Its waiting state (WaitForTrafficIncrease) parks on the
 * confirm-traffic-increase gate.
 */
public final class AnalysisHandler extends PhaseHandler {

    public AnalysisHandler() {}

    public AnalysisHandler(Services services) {
        super(services);
    }

    @Override
    protected Optional<HookType> parkedGate() {
        return Optional.of(HookType.CONFIRM_TRAFFIC_INCREASE);
    }

    @Override
    PhaseOutput tick(Tick t) {
        return AnalysisTick.run(t);
    }
}
