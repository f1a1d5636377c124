package dev.flagstep.phases;

import dev.flagstep.analysis.Lifecycle;
import dev.flagstep.analysis.Step;
import dev.flagstep.phases.wiring.Services;

/**
 * confirm-rollout passed: "New revision detected! Scaling up ...", the canary is scaled up and the
 * run is Progressing with every counter at zero. The tick ends here, as in Flagger; a canary that
 * skips its analysis goes straight to promotion.
 */
public final class StartRolloutHandler extends PhaseHandler {

    public StartRolloutHandler() {}

    public StartRolloutHandler(Services services) {
        super(services);
    }

    @Override
    PhaseOutput tick(Tick t) {
        Step step = Lifecycle.startRollout(t.status(), t.phaseContext, t.messages, t.now);
        t.apply(step, () -> t.io.cluster().scaleCanaryUp());
        return t.finish(t.spec.skipsAnalysis() ? Decision.SKIP_ANALYSIS : Decision.STARTED);
    }
}
