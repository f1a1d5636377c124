package dev.flagstep.phases;

import dev.flagstep.phases.wiring.Services;
import dev.flagstep.workload.Readiness;
import java.util.Optional;
import dev.flagstep.analysis.Lifecycle;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.analysis.Step;
import dev.flagstep.analysis.TickContext;

/**
 * Promoting: once the primary runs the canary's template and is ready, traffic goes back to it, all
 * at once or {@code stepWeightPromotion} per interval ({@code stepped}); then Finalising
 * ({@code done}). A primary that fails for good here is Flagger's failed promotion: traffic stays on
 * the canary, which runs the new version, and the run fails ({@code failed}). A canary that skips its
 * analysis is promoted in one go ({@code skipped}).
 */
public final class PromoteHandler extends PhaseHandler {

    public PromoteHandler() {}

    public PromoteHandler(Services services) {
        super(services);
    }

    @Override
    PhaseOutput tick(Tick t) {
        Optional<PhaseOutput> held = Guards.suspended(t);
        if (held.isPresent()) {
            return held.get();
        }
        if (t.spec.skipsAnalysis() || Operated.promoted(t)) {
            return skipAnalysis(t);
        }
        Optional<PhaseOutput> notReady = Guards.primaryNotReady(t);
        if (notReady.isPresent()) {
            return notReady.get();
        }
        Optional<Routes> routes = t.io.routes();
        if (routes.isEmpty()) {
            return t.finish(Decision.NOT_READY);
        }
        Step step = Lifecycle.promotionTick(TickContext.of(t.spec, t.provider), t.status(), t.plannedFrom(routes.get()), t.now);
        t.apply(step);
        return t.finish(t.status().phase() == CanaryPhase.FINALISING ? Decision.DONE : Decision.STEPPED);
    }

    private static PhaseOutput skipAnalysis(Tick t) {
        if (t.io.cluster().canaryReadiness(t.status().lastTransitionTime()) instanceof Readiness.NotYet) {
            return t.finish(Decision.NOT_READY);
        }
        Step step = Lifecycle.skipAnalysis(t.status(), t.phaseContext, t.messages, t.now);
        t.apply(step, () -> {
            t.io.cluster().promote();
            t.io.cluster().scaleCanaryToZero();
        });
        return t.finish(Decision.SKIPPED);
    }
}
