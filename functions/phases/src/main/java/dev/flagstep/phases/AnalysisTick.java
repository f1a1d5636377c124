package dev.flagstep.phases;

import dev.flagstep.analysis.CanaryStep;
import dev.flagstep.analysis.Routes;
import dev.flagstep.analysis.Threshold;
import dev.flagstep.metrics.MetricCheckResult;
import dev.flagstep.observability.FlaggerMetrics;
import dev.flagstep.phases.wiring.EmfMetrics;
import dev.flagstep.spec.HookType;
import dev.flagstep.webhook.HookOutcome;
import dev.flagstep.webhook.HookRun;
import java.time.Duration;
import java.util.Optional;

/**
 * One Flagger tick of the analysis, shared by PreRollout and Analysis: readiness, rollback hooks,
 * threshold, then either "Starting canary analysis" + pre-rollout hooks (weight 0, no iteration yet)
 * or the rollout hooks followed by the metric checks. A failure counts one failed check and ends the
 * tick ({@code failed}); checks that pass go on to the strategy step in the same delivery
 * ({@link AdvanceTraffic}), as Flagger's tick does.
 */
final class AnalysisTick {

    private static final System.Logger LOG = System.getLogger("flagstep");

    private AnalysisTick() {}

    static PhaseOutput run(Tick t) {
        // an operator's promote, abort or pause acts first, before suspend and every check
        Optional<PhaseOutput> operated = Operated.analysis(t);
        if (operated.isPresent()) {
            return operated.get();
        }
        // the spec is read each tick: suspend and skipAnalysis set on a running canary act on its next tick
        Optional<PhaseOutput> held = Guards.suspended(t);
        if (held.isPresent()) {
            return held.get();
        }
        if (t.spec.skipsAnalysis()) {
            return skipAnalysis(t);
        }
        Optional<Decision> early = Guards.readiness(t);
        if (early.isPresent()) {
            return t.finish(early.get());
        }
        Optional<Routes> read = t.io.routes();
        if (read.isEmpty()) {
            return t.finish(Decision.NOT_READY);
        }
        Routes routes = read.get();
        if (Guards.rollbackSignaled(t)) {
            return t.finish(Decision.ROLLBACK);
        }
        if (Guards.thresholdReached(t)) {
            return t.finish(Decision.ROLLBACK);
        }
        // a delivery that takes over this tick from one killed after it moved traffic runs the checks
        // the tick started with (pre-rollout at weight 0), not those of the weight the router shows now
        PhaseOutput out = switch (CanaryStep.checks(t.analysis(), t.status(), t.plannedFrom(routes))) {
            case PRE_ROLLOUT -> preRollout(t, routes);
            case ANALYSIS -> analysis(t, routes);
        };
        // Flagger's flagger_canary_duration_seconds: the ticks that get past the threshold check, start to end
        EmfMetrics.write(FlaggerMetrics.duration(FlaggerMetrics.Canary.of(t.spec), Duration.between(t.now, t.io.clockNow()), t.now));
        return out;
    }

    /**
     * Flagger's {@code shouldSkipAnalysis} mid-run: once the canary is ready, promote at once (the confirm-promotion
     * gates are not asked, {@link ConfirmPromotionHandler}; Promote does it as for a run that skipped from the start).
     */
    private static PhaseOutput skipAnalysis(Tick t) {
        Optional<Decision> early = Guards.canaryReadiness(t);
        return t.finish(early.orElse(Decision.PROMOTE));
    }

    private static PhaseOutput preRollout(Tick t, Routes routes) {
        t.io.publish(t.messages.startingAnalysis());
        HookRun run = t.io.runHooks(HookType.PRE_ROLLOUT);
        passed(run).forEach(h -> t.io.publish(t.messages.preRolloutPassed(h)));
        Optional<HookOutcome.Failed> failed = run.failure();
        if (failed.isPresent()) {
            t.update(Threshold.countFailure(t.status(), t.now));
            t.io.publish(t.messages.preRolloutFailed(failed.get().hook().name(), failed.get().message()));
            return t.finish(Decision.FAILED);
        }
        return AdvanceTraffic.run(t, routes);
    }

    private static PhaseOutput analysis(Tick t, Routes routes) {
        HookRun run = t.io.runHooks(HookType.ROLLOUT);
        Optional<HookOutcome.Failed> failed = run.failure();
        if (failed.isPresent()) {
            t.update(Threshold.countFailure(t.status(), t.now));
            t.io.publish(t.messages.externalCheckFailed(failed.get().hook().name(), failed.get().message()));
            return t.finish(Decision.FAILED);
        }
        MetricCheckResult metrics = t.io.checkMetrics(t.document);
        EmfMetrics.write(FlaggerMetrics.analysis(FlaggerMetrics.Canary.of(t.spec),
                FlaggerMetrics.analysed(metrics, t.analysis().metrics()), t.now));
        return switch (metrics) {
            case MetricCheckResult.AllPassed ok -> AdvanceTraffic.run(t, routes);
            case MetricCheckResult.Failed f -> failedCheck(t, f.message(), f.event());
            case MetricCheckResult.NoValues n -> failedCheck(t, n.message(), n.event());
        };
    }

    /** The event is Flagger's text, for receivers that match it; what the backend answered goes to the log. */
    private static PhaseOutput failedCheck(Tick t, String detail, String event) {
        LOG.log(System.Logger.Level.INFO, "canary " + t.spec.id() + ": metric check failed: " + detail);
        t.update(Threshold.countFailure(t.status(), t.now));
        t.io.publish(dev.flagstep.analysis.Message.warning(event));
        return t.finish(Decision.FAILED);
    }

    private static java.util.List<String> passed(HookRun run) {
        return run.outcomes().stream()
                .filter(o -> o instanceof HookOutcome.Passed)
                .map(o -> ((HookOutcome.Passed) o).hook().name())
                .toList();
    }
}
