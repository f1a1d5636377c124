package dev.flagstep.phases;

/** One Flagger tick's checks (see {@link AnalysisTick}); Analysis is every later one. */
public final class AnalysisHandler extends PhaseHandler {

    public AnalysisHandler() {}

    public AnalysisHandler(Services services) {
        super(services);
    }

    @Override
    protected PhaseOutput run(Services s, PhaseInput in) {
        return AnalysisTick.run(s, in);
    }
}
