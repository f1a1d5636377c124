package dev.flagstep.analysis;

import dev.flagstep.gate.GateOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The other decisions of a Flagger tick, as pure functions: the confirm-rollout gate, the start and
 * restart of a run, the rollback, the promotion traffic shift, finalising, and a skipped analysis.
 * Where Flagger runs post-rollout hooks (finalise, rollback, skip), their events come before the
 * messages returned here except for the rollback's, which Flagger records first.
 */
public final class Lifecycle {

    private Lifecycle() {}

    /**
     * confirm-rollout: open means the run may start (each passing hook is reported, on every poll);
     * closed moves to Waiting with one warning and alert on the transition, and nothing on later polls.
     * Closed gates never count as failed checks and never time out in Flagger.
     */
    public static Step confirmRollout(CanaryStatus status, GateOutcome outcome, PhaseContext context,
            FlaggerMessages m, Instant now) {
        List<Message> messages = new ArrayList<>(outcome.passed().stream().map(m::confirmRolloutPassed).toList());
        if (outcome instanceof GateOutcome.Closed closed) {
            if (status.phase() == CanaryPhase.WAITING) {
                return new Step.Halted(status, Step.Notes.of(messages));
            }
            messages.add(m.waitingForApproval(closed.hook()));
            List<Alert> alerts = closed.muteAlert()
                    ? List.of()
                    : List.of(new Alert(Alert.Severity.WARN, FlaggerMessages.Alerts.WAITING_FOR_APPROVAL));
            return new Step.Halted(status.setPhase(CanaryPhase.WAITING, context, now), new Step.Notes(messages, alerts));
        }
        return new Step.Proceed(status, Optional.empty(), Step.Notes.of(messages));
    }

    /** The approved run starts: scale the canary up, Progressing with every counter at 0. */
    public static Step startRollout(CanaryStatus status, PhaseContext context, FlaggerMessages m, Instant now) {
        return new Step.Proceed(status.sync(CanaryPhase.PROGRESSING, 0, 0, 0, context, now), Optional.empty(),
                new Step.Notes(List.of(m.newRevisionScalingUp()),
                        List.of(new Alert(Alert.Severity.INFO, FlaggerMessages.Alerts.NEW_REVISION))));
    }

    /**
     * A new revision while Progressing or WaitingPromotion: all traffic back to the primary and the
     * counters to 0, without asking confirm-rollout again; pre-rollout runs again next tick.
     */
    public static Step restart(CanaryStatus status, PhaseContext context, FlaggerMessages m, Instant now) {
        return new Step.Proceed(status.sync(CanaryPhase.PROGRESSING, 0, 0, 0, context, now),
                Optional.of(Routes.allPrimary()), Step.Notes.of(List.of(m.newRevisionRestarting())));
    }

    /**
     * Flagger's {@code rollback()}: the threshold message and alert when failedChecks reached
     * {@code threshold} (see {@link Threshold#of}), all traffic to the primary, "Canary failed!", scale
     * the canary to zero, then status Failed with weight, failedChecks and iterations at 0. The
     * post-rollout hooks (phase Failed) follow.
     */
    public static Step rollback(CanaryStatus status, int threshold, PhaseContext context, FlaggerMessages m,
            Instant now) {
        List<Message> messages = new ArrayList<>();
        List<Alert> alerts = new ArrayList<>();
        if (status.failedChecks() >= threshold) {
            messages.add(m.rollingBackThresholdReached(status.failedChecks()));
            alerts.add(new Alert(Alert.Severity.ERROR,
                    FlaggerMessages.Alerts.thresholdReached(status.failedChecks())));
        }
        messages.add(m.canaryFailed());
        return new Step.Proceed(status.sync(CanaryPhase.FAILED, 0, 0, 0, context, now), Optional.of(Routes.allPrimary()),
                new Step.Notes(messages, alerts));
    }

    /** A rollback hook answered 2xx: its warning, "manual webhook invoked" and its alert, then {@link #rollback}. */
    public static Step manualRollback(CanaryStatus status, String hook, int threshold, PhaseContext context,
            FlaggerMessages m, Instant now) {
        Step rollback = rollback(status, threshold, context, m, now);
        List<Message> messages = new ArrayList<>(List.of(m.rollbackCheckPassed(hook), m.rollingBackManualWebhook()));
        messages.addAll(rollback.messages());
        List<Alert> alerts = new ArrayList<>(
                List.of(new Alert(Alert.Severity.WARN, FlaggerMessages.Alerts.MANUAL_ROLLBACK)));
        alerts.addAll(rollback.alerts());
        return new Step.Proceed(rollback.status(), Optional.of(Routes.allPrimary()), new Step.Notes(messages, alerts));
    }

    /**
     * One Promoting tick (Flagger's {@code runPromotionTrafficShift}); the resulting phase is
     * Finalising once the primary has all the traffic, else still Promoting.
     */
    public static Step promotionTick(TickContext ctx, CanaryStatus status, Routes routes, Instant now) {
        PhaseContext pc = ctx.phaseContext();
        return switch (Weights.promotionShift(ctx.analysis(), ctx.provider(), routes)) {
            case Weights.PromotionShift.Finalise f -> new Step.Proceed(
                    status.setPhase(CanaryPhase.FINALISING, pc, now), Optional.empty(), Step.Notes.of(List.of()));
            case Weights.PromotionShift.RouteAllToPrimary r -> new Step.Proceed(
                    status.setPhase(CanaryPhase.FINALISING, pc, now), Optional.of(Routes.allPrimary()),
                    Step.Notes.of(List.of(ctx.messages().routingAllTrafficToPrimary())));
            case Weights.PromotionShift.Shift(Routes next, boolean finished) -> new Step.Proceed(
                    finished ? status.setPhase(CanaryPhase.FINALISING, pc, now) : status.withCanaryWeight(next.canary(), now),
                    Optional.of(next), Step.Notes.of(List.of(ctx.messages().advancePrimaryWeight(next.primary()))));
            case Weights.PromotionShift.NoChange n -> new Step.Hold(status, Step.Notes.of(List.of()));
        };
    }

    /**
     * Finalising: the canary is scaled to zero; Succeeded. "Promotion completed!" is recorded by
     * PostRollout, after the post-rollout hooks, as Flagger records it.
     */
    public static Step finalise(CanaryStatus status, PhaseContext context, FlaggerMessages m, Instant now) {
        return new Step.Proceed(status.setPhase(CanaryPhase.SUCCEEDED, context, now), Optional.empty(),
                new Step.Notes(List.of(), List.of(new Alert(Alert.Severity.INFO, FlaggerMessages.Alerts.SUCCEEDED))));
    }

    /**
     * skipAnalysis (or no analysis block), once confirm-rollout passed and the canary is ready: all
     * traffic to the primary, copy the template, scale the canary to zero, Succeeded. No pre-rollout,
     * rollout or rollback hooks; post-rollout(Succeeded) still runs.
     */
    public static Step skipAnalysis(CanaryStatus status, PhaseContext context, FlaggerMessages m, Instant now) {
        return new Step.Proceed(status.setPhase(CanaryPhase.SUCCEEDED, context, now), Optional.of(Routes.allPrimary()),
                // "Promotion completed!" is PostRollout's, after the post-rollout hooks, as Flagger records it
                new Step.Notes(List.of(m.copyingTemplate()),
                        List.of(new Alert(Alert.Severity.INFO, FlaggerMessages.Alerts.SKIPPED))));
    }

    /**
     * A skipped analysis whose canary is stuck (progress deadline): Flagger still rolls back, with
     * its own warning and error alert first.
     */
    public static Step progressDeadlineRollback(CanaryStatus status, String error, int threshold,
            PhaseContext context, FlaggerMessages m, Instant now) {
        Step rollback = rollback(status, threshold, context, m, now);
        List<Message> messages = new ArrayList<>(List.of(m.rollingBackProgressDeadline(error)));
        messages.addAll(rollback.messages());
        List<Alert> alerts = new ArrayList<>(List.of(
                new Alert(Alert.Severity.ERROR, FlaggerMessages.Alerts.progressDeadlineExceeded(error))));
        alerts.addAll(rollback.alerts());
        return new Step.Proceed(rollback.status(), Optional.of(Routes.allPrimary()), new Step.Notes(messages, alerts));
    }
}
