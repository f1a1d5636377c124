package dev.flagstep.phases;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.analysis.Strategy;
import dev.flagstep.observability.FlaggerMetrics;
import dev.flagstep.observability.RolloutFigures;
import dev.flagstep.phases.wiring.EmfMetrics;
import dev.flagstep.phases.wiring.Services;
import dev.flagstep.spec.HookType;
import dev.flagstep.store.RunResult;
import dev.flagstep.webhook.HookOutcome;
import dev.flagstep.webhook.HookRun;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The end of every rollout: the post-rollout hooks with phase Succeeded or Failed (a failure only
 * warns, as in Flagger), then, beyond the loadtester, every gate of the canary closes again so the
 * next rollout needs a fresh approval, and the run releases the canary. A run that reaches this
 * state without a settled phase (the rollback itself broke) is recorded as Failed.
 */
public final class PostRolloutHandler extends PhaseHandler {

    public PostRolloutHandler() {}

    public PostRolloutHandler(Services services) {
        super(services);
    }

    /** One more try to put traffic back on the primary; if the cluster still refuses, say so loudly. */
    private static void restoreTraffic(Tick t) {
        if (Onboarding.pending(t.status())) {
            return; // never onboarded: the target is what serves, and the router may not exist
        }
        try {
            t.io.setRoutes(Routes.allPrimary());
            t.io.cluster().scaleCanaryToZero();
        } catch (RuntimeException e) {
            t.io.publish(Message.warning("Traffic of " + t.spec.id().dotted()
                    + " could not be routed back to the primary: " + e.getMessage() + "; fix the cluster and re-run"));
        }
    }

    /**
     * Flagger's success or failure count, with its strategy and whether the analysis was skipped, and the
     * rollout figures: one more finished rollout, rolled back or not, and how long it took since its run began.
     */
    static List<ObjectNode> endLines(Tick t, boolean succeeded) {
        FlaggerMetrics.Canary canary = FlaggerMetrics.Canary.of(t.spec);
        Strategy strategy = t.spec.analysis().map(a -> Strategy.of(a, t.provider)).orElse(Strategy.CANARY);
        Optional<Duration> took = t.runStartedAt().map(start -> Duration.between(start, t.now));
        return List.of(FlaggerMetrics.outcome(canary, strategy, t.spec.skipsAnalysis(), succeeded, t.now),
                RolloutFigures.finished(canary, !succeeded, took, t.now));
    }

    @Override
    boolean yieldsToNewerRun() {
        return false;
    }

    @Override
    PhaseOutput tick(Tick t) {
        PhaseInput in = t.input;
        boolean succeeded = t.status().phase() == CanaryPhase.SUCCEEDED && in.error().isEmpty();
        if (!succeeded && t.status().phase() != CanaryPhase.FAILED) {
            t.update(t.status().sync(CanaryPhase.FAILED, t.status().canaryWeight(), t.status().failedChecks(), 0,
                    t.phaseContext, t.now));
        }
        in.errorText().ifPresent(e -> {
            t.io.publish(Message.warning("Rollback of " + t.spec.id().dotted() + " broke: " + e));
            restoreTraffic(t);
        });
        if (!succeeded) {
            // Flagger runs these hooks inside the tick that rolled back (or failed the promotion), and records their
            // events on the canary as that tick read it: they carry the phase that tick started with
            t.entered().flatMap(t.io::phaseOfLastTick).ifPresent(t::eventsCarry);
        }
        HookRun run = t.io.runHooks(HookType.POST_ROLLOUT);
        for (HookOutcome o : run.outcomes()) {
            switch (o) {
                case HookOutcome.Passed p -> t.io.publish(t.messages.postRolloutPassed(p.hook().name()));
                case HookOutcome.Failed f -> t.io.publish(t.messages.postRolloutFailed(f.hook().name(), f.message()));
            }
        }
        if (succeeded) {
            t.io.publish(t.spec.skipsAnalysis() || Operated.promoted(t) ? t.messages.promotionCompletedAnalysisSkipped() : t.messages.promotionCompleted());
        }
        // a throttle here must not cost another delivery (and another round of post-rollout hooks)
        t.io.persistently(t.io::closeGates);
        // release the canary before answering: a delivery that dies in between is re-run, not replayed
        t.io.persistently(() -> t.io.finishRun(succeeded ? RunResult.SUCCEEDED : RunResult.FAILED, t.now));
        EmfMetrics.write(endLines(t, succeeded));
        return t.finish(succeeded ? Decision.SUCCEEDED : Decision.FAILED);
    }
}
