package dev.flagstep.phases;

import dev.flagstep.analysis.Lifecycle;
import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Step;
import dev.flagstep.phases.wiring.Services;

/**
 * Flagger's rollback(): all traffic to the primary, "Canary failed! Scaling down ...", the canary
 * scaled to zero, phase Failed with the counters reset. Reached from a threshold, a rollback hook, a
 * gate timeout, a progress deadline, or a phase that crashed or kept hitting a transient fault past
 * its retries (its error is in the input and becomes a Warning event, so the cause is never lost). A canary
 * whose onboarding had not finished is only marked Failed: its target is left serving.
 */
public final class RollbackHandler extends PhaseHandler {

    public RollbackHandler() {}

    public RollbackHandler(Services services) {
        super(services);
    }

    @Override
    boolean yieldsToNewerRun() {
        return false;
    }

    @Override
    PhaseOutput tick(Tick t) {
        PhaseInput in = t.input;
        in.error().ifPresent(e -> t.io.publish(Message.warning(in.gaveUp()
                ? "Rollout of " + t.spec.id().dotted() + " gave up after retrying for its whole window: "
                        + e.path("Cause").asText("")
                : "Rollout of " + t.spec.id().dotted() + " broke: " + in.errorText().orElseThrow())));
        if (Onboarding.pending(t.status())) {
            // the onboarding broke before it finished: the target may still be all the apex serves, so neither
            // it nor the traffic is touched (Flagger's rollback would scale it to zero)
            t.update(t.status().sync(CanaryPhase.FAILED, 0, 0, 0, t.phaseContext, t.now));
            t.io.publish(t.messages.initializationFailed(in.errorText().orElse("rolled back before the primary served")));
            return t.finish(Decision.ROLLED_BACK);
        }
        Step step = Lifecycle.rollback(t.status(), Guards.threshold(t), t.phaseContext, t.messages, t.now);
        t.apply(step, () -> t.io.cluster().scaleCanaryToZero());
        return t.finish(Decision.ROLLED_BACK);
    }
}
