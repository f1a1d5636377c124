package dev.flagstep.phases;

import dev.flagstep.analysis.Lifecycle;
import dev.flagstep.analysis.Step;
import java.util.Optional;

/** Finalising: the canary is scaled to zero and the run Succeeded ("Promotion completed! Scaling down ..."). */
public final class FinaliseHandler extends PhaseHandler {

    public FinaliseHandler() {}

    public FinaliseHandler(Services services) {
        super(services);
    }

    @Override
    protected PhaseOutput run(Services s, PhaseInput in) {
        Tick t = Tick.load(s, in);
        Optional<String> replay = t.replayed();
        if (replay.isPresent()) {
            return t.output(replay.get());
        }
        if (t.superseded()) {
            return t.output("superseded");
        }
        switch (t.cluster().primaryReadiness()) {
            case CanaryCluster.Readiness.Ready r -> { }
            case CanaryCluster.Readiness.NotYet n -> {
                return t.finish("notReady");
            }
            case CanaryCluster.Readiness.Failed f -> {
                return FailedPromotion.handle(t, f.reason());
            }
        }
        t.cluster().scaleCanaryToZero();
        Step step = Lifecycle.finalise(t.status(), t.phaseContext, t.messages, t.now);
        t.update(step.status());
        t.publish(step.messages());
        return t.finish("finalised");
    }
}
