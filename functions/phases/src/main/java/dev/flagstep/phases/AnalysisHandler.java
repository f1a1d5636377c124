package dev.flagstep.phases;

/** One Flagger tick's checks (see {@link AnalysisTick}); Analysis is every later one. */
public final class AnalysisHandler extends PhaseHandler {

    public AnalysisHandler() {}

    public AnalysisHandler(Services services) {
        super(services);
    }

    @Override
    PhaseOutput tick(Tick t) {
        return AnalysisTick.run(t);
    }
}
