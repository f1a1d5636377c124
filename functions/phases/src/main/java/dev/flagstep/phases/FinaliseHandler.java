package dev.flagstep.phases;


import dev.flagstep.analysis.Lifecycle;
import dev.flagstep.analysis.Step;
import java.util.Optional;

/** Finalising: the canary is scaled to zero and the run Succeeded. */
public final class FinaliseHandler extends PhaseHandler {

    public FinaliseHandler() {}

    public FinaliseHandler(Services services) {
        super(services);
    }

    @Override
    PhaseOutput tick(Tick t) {
        Optional<PhaseOutput> notReady = Guards.primaryNotReady(t);
        if (notReady.isPresent()) {
            return notReady.get();
        }
        t.cluster().scaleCanaryToZero();
        Step step = Lifecycle.finalise(t.status(), t.phaseContext, t.messages, t.now);
        t.update(step.status());
        // "Promotion completed!" is recorded by PostRollout, after the post-rollout hooks, as Flagger does
        return t.finish(Decision.FINALISED);
    }
}
