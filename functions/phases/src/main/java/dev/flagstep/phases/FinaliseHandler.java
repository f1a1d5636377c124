package dev.flagstep.phases;

import dev.flagstep.workload.Readiness;
import dev.flagstep.analysis.Lifecycle;
import dev.flagstep.analysis.Step;

/** Finalising: the canary is scaled to zero and the run Succeeded. */
public final class FinaliseHandler extends PhaseHandler {

    public FinaliseHandler() {}

    public FinaliseHandler(Services services) {
        super(services);
    }

    @Override
    PhaseOutput tick(Tick t) {
        switch (t.cluster().primaryReadiness()) {
            case Readiness.Ready r -> { }
            case Readiness.NotYet n -> {
                return t.finish("notReady");
            }
            case Readiness.Failed f -> {
                return FailedPromotion.handle(t, f.reason());
            }
        }
        t.cluster().scaleCanaryToZero();
        Step step = Lifecycle.finalise(t.status(), t.phaseContext, t.messages, t.now);
        t.update(step.status());
        // "Promotion completed!" is recorded by PostRollout, after the post-rollout hooks, as Flagger does
        return t.finish("finalised");
    }
}
