package dev.flagstep.phases;


import dev.flagstep.analysis.Lifecycle;
import dev.flagstep.analysis.Step;
import dev.flagstep.phases.wiring.Services;
import java.util.Optional;

/** Finalising: the canary is scaled to zero and the run Succeeded. */
public final class FinaliseHandler extends PhaseHandler {

    public FinaliseHandler() {}

    public FinaliseHandler(Services services) {
        super(services);
    }

    @Override
    PhaseOutput tick(Tick t) {
        Optional<PhaseOutput> held = Guards.suspended(t);
        if (held.isPresent()) {
            return held.get();
        }
        Optional<PhaseOutput> notReady = Guards.primaryNotReady(t);
        if (notReady.isPresent()) {
            return notReady.get();
        }
        Step step = Lifecycle.finalise(t.status(), t.phaseContext, t.messages, t.now);
        t.apply(step, () -> t.io.cluster().scaleCanaryToZero());
        return t.finish(Decision.FINALISED);
    }
}
