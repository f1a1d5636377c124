package dev.flagstep.phases;

import dev.flagstep.phases.wiring.Services;

/** One Flagger tick of the analysis (see {@link AnalysisTick}); PreRollout is the first, at weight 0. */
public final class PreRolloutHandler extends PhaseHandler {

    public PreRolloutHandler() {}

    public PreRolloutHandler(Services services) {
        super(services);
    }

    @Override
    PhaseOutput tick(Tick t) {
        return AnalysisTick.run(t);
    }
}
