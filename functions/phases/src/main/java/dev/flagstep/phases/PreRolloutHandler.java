package dev.flagstep.phases;

/** One Flagger tick's checks (see {@link AnalysisTick}); PreRollout is the first, at weight 0. */
public final class PreRolloutHandler extends PhaseHandler {

    public PreRolloutHandler() {}

    public PreRolloutHandler(Services services) {
        super(services);
    }

    @Override
    protected PhaseOutput run(Services s, PhaseInput in) {
        return AnalysisTick.run(s, in);
    }
}
