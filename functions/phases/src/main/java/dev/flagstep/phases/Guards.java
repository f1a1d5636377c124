package dev.flagstep.phases;

import dev.flagstep.analysis.Alert;
import dev.flagstep.analysis.FlaggerMessages;
import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.Threshold;
import dev.flagstep.gate.RollbackCheck;
import dev.flagstep.spec.Analysis;
import dev.flagstep.workload.Readiness;
import java.util.List;
import java.util.Optional;

/**
 * The guards at the top of every analysis tick, in Flagger's order: primary readiness, canary
 * readiness, rollback hooks, failed-checks threshold. Each answers whether (or with which decision)
 * the tick ends early. Not {@link dev.flagstep.analysis.CanaryStep.Checks}, which picks the checks a
 * tick runs once these guards let it go on.
 */
final class Guards {

    private Guards() {}

    /**
     * Flagger's IsPrimaryReady and IsCanaryReady: the decision that ends the tick (not yet waits, a
     * blown deadline rolls back), or empty when both are ready. The canary is read only once the
     * primary is ready.
     */
    static Optional<Decision> readiness(Tick t) {
        return readiness(t, t.io.cluster().primaryReadiness(t.status().lastTransitionTime()), true)
                .or(() -> readiness(t, t.io.cluster().canaryReadiness(t.status().lastTransitionTime()), false));
    }

    /**
     * Flagger's first check on every tick (the spec is read afresh each tick): a suspended canary's rollout holds
     * where it is, reading and changing nothing, with Flagger's event, and the tick comes again after an interval.
     */
    static Optional<PhaseOutput> suspended(Tick t) {
        if (!t.spec.suspend()) {
            return Optional.empty();
        }
        t.io.publish(t.messages.suspended());
        return Optional.of(t.finish(Decision.NOT_READY));
    }

    /** The canary's readiness alone: Flagger skips the primary's when the analysis is skipped. */
    static Optional<Decision> canaryReadiness(Tick t) {
        return readiness(t, t.io.cluster().canaryReadiness(t.status().lastTransitionTime()), false);
    }

    private static Optional<Decision> readiness(Tick t, Readiness r, boolean primary) {
        return switch (r) {
            case Readiness.Ready ready -> Optional.empty();
            case Readiness.NotYet n -> {
                t.io.publish(notReady(t, primary, n.reason(), true));
                yield Optional.of(Decision.NOT_READY);
            }
            case Readiness.Failed f -> {
                // Flagger words it "Rolling back ... progress deadline exceeded " + the readiness error
                String error = notReady(t, primary, f.reason(), false).text();
                t.io.publish(t.messages.rollingBackProgressDeadline(error));
                t.alert(new Alert(Alert.Severity.ERROR, FlaggerMessages.Alerts.progressDeadlineExceeded(error)));
                yield Optional.of(Decision.ROLLBACK);
            }
        };
    }

    private static Message notReady(Tick t, boolean primary, String reason, boolean retriable) {
        return primary ? t.messages.primaryNotReady(reason) : t.messages.canaryNotReady(reason, retriable);
    }

    /**
     * Promoting and Finalising need a ready primary: not yet waits an interval; failed for good is
     * Flagger's failed promotion. Empty means ready.
     */
    static Optional<PhaseOutput> primaryNotReady(Tick t) {
        return switch (t.io.cluster().primaryReadiness(t.status().lastTransitionTime())) {
            case Readiness.Ready r -> Optional.empty();
            case Readiness.NotYet n -> Optional.of(t.finish(Decision.NOT_READY));
            case Readiness.Failed f -> Optional.of(FailedPromotion.handle(t, f.reason()));
        };
    }

    /** The rollback hooks (and the built-in rollback gate): true when one signals a rollback. */
    static boolean rollbackSignaled(Tick t) {
        RollbackCheck check = Gates.rollback(t);
        check.notSignaling().forEach(h -> t.io.publish(t.messages.rollbackHookNotSignaling(h)));
        check.signaledBy().ifPresent(h -> {
            t.io.publish(List.of(t.messages.rollbackCheckPassed(h), t.messages.rollingBackManualWebhook()));
            t.alert(new Alert(Alert.Severity.WARN, FlaggerMessages.Alerts.MANUAL_ROLLBACK));
        });
        return check.signaledBy().isPresent();
    }

    /** failedChecks reached the threshold on an earlier tick: this tick rolls back. */
    static boolean thresholdReached(Tick t) {
        Analysis a = t.analysis();
        return Threshold.reached(t.status(), a);
    }

    static int threshold(Tick t) {
        return t.spec.analysis().map(Threshold::of).orElse(1);
    }
}
