package dev.flagstep.phases;

import dev.flagstep.analysis.CanaryStep;
import dev.flagstep.analysis.Routes;
import dev.flagstep.analysis.Threshold;
import dev.flagstep.metrics.MetricCheckResult;
import dev.flagstep.spec.HookType;
import dev.flagstep.webhook.HookOutcome;
import dev.flagstep.webhook.HookRun;
import java.util.Optional;

/**
 * The checks of one Flagger tick, shared by PreRollout and Analysis: readiness, rollback hooks,
 * threshold, then either "Starting canary analysis" + pre-rollout hooks (weight 0, no iteration yet)
 * or the rollout hooks followed by the metric checks. A failure counts one failed check and ends the
 * tick ({@code failed}); {@code passed} goes on to the strategy step in the same tick.
 */
final class AnalysisTick {

    private AnalysisTick() {}

    static PhaseOutput run(Tick t) {
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
        return switch (CanaryStep.checks(t.analysis(), t.status(), routes)) {
            case PRE_ROLLOUT -> preRollout(t);
            case ANALYSIS -> analysis(t);
        };
    }

    private static PhaseOutput preRollout(Tick t) {
        t.io.publish(t.messages.startingAnalysis());
        HookRun run = t.io.runHooks(HookType.PRE_ROLLOUT);
        passed(run).forEach(h -> t.io.publish(t.messages.preRolloutPassed(h)));
        Optional<HookOutcome.Failed> failed = run.failure();
        if (failed.isPresent()) {
            t.update(Threshold.countFailure(t.status(), t.now));
            t.io.publish(t.messages.preRolloutFailed(failed.get().hook().name(), failed.get().message()));
            return t.finish(Decision.FAILED);
        }
        return t.finish(Decision.PASSED);
    }

    private static PhaseOutput analysis(Tick t) {
        HookRun run = t.io.runHooks(HookType.ROLLOUT);
        Optional<HookOutcome.Failed> failed = run.failure();
        if (failed.isPresent()) {
            t.update(Threshold.countFailure(t.status(), t.now));
            t.io.publish(t.messages.externalCheckFailed(failed.get().hook().name(), failed.get().message()));
            return t.finish(Decision.FAILED);
        }
        MetricCheckResult metrics = t.io.checkMetrics(t.document);
        return switch (metrics) {
            case MetricCheckResult.AllPassed ok -> t.finish(Decision.PASSED);
            case MetricCheckResult.Failed f -> failedCheck(t, f.event());
            case MetricCheckResult.NoValues n -> failedCheck(t, n.event());
        };
    }

    private static PhaseOutput failedCheck(Tick t, String event) {
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
