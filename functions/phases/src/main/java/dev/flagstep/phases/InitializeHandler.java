package dev.flagstep.phases;

import dev.flagstep.analysis.Alert;
import dev.flagstep.analysis.FlaggerMessages;
import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.Lifecycle;
import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Step;
import dev.flagstep.observability.FlaggerMetrics;
import dev.flagstep.observability.RolloutFigures;
import dev.flagstep.phases.cluster.CanaryCluster;
import dev.flagstep.phases.wiring.EmfMetrics;
import dev.flagstep.phases.wiring.Services;
import dev.flagstep.store.ClaimResult;
import dev.flagstep.store.RunResult;
import dev.flagstep.workload.TargetRefused;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Flagger's initialisation and revision detection: claim the canary for this run, create what is
 * missing on the cluster, then decide whether there is a new revision to analyse.
 * <ul>
 *   <li>{@code initializing}: a canary being onboarded whose primary is not ready yet, or a target Flagger
 *       refuses (a DaemonSet without the RollingUpdate strategy): the target keeps serving, Initialize runs
 *       again after an interval;</li>
 *   <li>{@code failed}: the primary was not ready within the progress deadline: onboarding failed, the target
 *       untouched (PostRollout follows);</li>
 *   <li>{@code initialized}: a new revision, go ask confirm-rollout;</li>
 *   <li>{@code restarted}: a newer revision replaced one under analysis: traffic back to the primary,
 *       counters reset, pre-rollout again without a new confirm-rollout (as Flagger);</li>
 *   <li>{@code done}: onboarding completed (the primary, a copy of the target, serves: nothing to analyse), no
 *       new revision, or the canary is suspended;</li>
 *   <li>{@code superseded}: another execution holds this revision.</li>
 * </ul>
 */
public final class InitializeHandler extends PhaseHandler {

    private static final Set<CanaryPhase> IN_FLIGHT = Set.of(CanaryPhase.PROGRESSING, CanaryPhase.WAITING_PROMOTION, CanaryPhase.PROMOTING, CanaryPhase.FINALISING);
    private static final Set<CanaryPhase> SETTLED = Set.of(CanaryPhase.INITIALIZED, CanaryPhase.SUCCEEDED, CanaryPhase.FAILED);

    public InitializeHandler() {}

    public InitializeHandler(Services services) {
        super(services);
    }

    @Override
    boolean yieldsToNewerRun() {
        return false;
    }

    /**
     * Takes the canary's run claim before the tick's: once a new revision's run holds the canary,
     * the superseded run's phases step aside instead of writing after it.
     */
    @Override
    Optional<PhaseOutput> beforeClaim(Tick t) {
        if (t.spec.suspend()) {
            return Optional.empty();
        }
        switch (t.io.claimRun(t.input.revision(), t.now)) {
            case ClaimResult.Claimed c -> { }
            case ClaimResult.AlreadyActive a -> {
                if (!a.run().runId().equals(t.input.runId())) {
                    return Optional.of(t.output(Decision.SUPERSEDED));
                }
            }
            case ClaimResult.Superseding sup -> {
                t.io.supersede(t.input.revision(), t.now);
                t.supersededAnotherRun = true;
            }
        }
        return Optional.empty();
    }

    @Override
    PhaseOutput tick(Tick t) {
        if (t.spec.suspend()) {
            t.io.publish(t.messages.suspended());
            return t.finish(Decision.DONE);
        }
        try {
            if (Onboarding.pending(t.status())) {
                return onboard(t);
            }
            t.io.cluster().bootstrap();
        } catch (TargetRefused refused) {
            // Flagger's failed Initialize: a warning, and the same again after an interval; nothing was changed
            t.io.publish(Message.warning(refused.getMessage()));
            return t.finish(Decision.INITIALIZING);
        }
        String revision = t.io.cluster().targetRevision();
        CanaryPhase phase = t.status().phase();
        if (IN_FLIGHT.contains(phase)) {
            // a newer revision replaced one under analysis (or a run died mid-flight): start it over
            // the new revision's checksum is recorded with the restart (sync keeps the checksum it is given)
            t.apply(Lifecycle.restart(t.status().withChecksum(revision)
                    .withTrackedConfigs(t.io.cluster().trackedConfigs()), t.phaseContext, t.messages, t.now));
            EmfMetrics.write(RolloutFigures.started(FlaggerMetrics.Canary.of(t.spec), t.now));
            return t.finish(Decision.RESTARTED);
        }
        // a run that replaced another is a new revision by definition: the replaced run may already have
        // recorded this very template (it read the target after the new revision was applied)
        // a retry (POST .../retry) analyses the revision whose run failed once more: it is new to this run
        boolean retry = t.run().flatMap(dev.flagstep.store.Run::retryOf).isPresent();
        if (SETTLED.contains(phase) && revision.equals(t.status().checksum()) && !t.supersededAnotherRun && !retry) {
            t.io.publish(t.messages.noNewRevision());
            t.io.finishRun(RunResult.SUCCEEDED, t.now);
            return t.finish(Decision.DONE);
        }
        t.update(t.status().withChecksum(revision).withTrackedConfigs(t.io.cluster().trackedConfigs()));
        EmfMetrics.write(RolloutFigures.started(FlaggerMetrics.Canary.of(t.spec), t.now));
        return t.finish(Decision.INITIALIZED);
    }

    /**
     * Flagger's first passes over a canary, in its order: the primary and its services, then, once the primary
     * is ready, the apex service onto it, the target to zero, the router, Initialized. While the primary is not
     * ready the target keeps serving through the apex, untouched; past the progress deadline (from the first
     * onboarding tick) the onboarding fails, where Flagger's rollback would scale that target to zero.
     */
    private PhaseOutput onboard(Tick t) {
        if (!t.spec.skipsAnalysis() && t.status().phase() == CanaryPhase.INITIALIZING) {
            // Flagger's checkMetricProviderAvailability, on every tick of a canary still Initializing
            t.io.publish(t.io.metricProvidersAvailable(t.document).map(t.messages::metricProvidersError)
                    .orElseGet(t.messages::metricProvidersAvailable));
        }
        CanaryCluster cluster = t.io.cluster();
        if (!cluster.initialize()) {
            // a primary from an attempt that broke, or a target changed meanwhile: it serves the target's template
            cluster.refreshUnservedPrimary();
        }
        CanaryStatus status = Onboarding.started(t.status(), t.phaseContext, t.now);
        t.update(status);
        Duration deadline = Duration.ofSeconds(t.spec.progressDeadlineSeconds());
        switch (Onboarding.decide(cluster.primaryReadyToServe(Onboarding.since(status)), Onboarding.since(status), deadline, t.now)) {
            case Onboarding.Action.Wait w -> {
                t.io.publish(t.messages.primaryNotReady(w.reason()));
                return t.finish(Decision.INITIALIZING);
            }
            case Onboarding.Action.GiveUp g -> {
                // a primary that never served goes: the target, its replicas and the apex stay as the user had them
                cluster.removeUnservedPrimary();
                t.update(status.sync(CanaryPhase.FAILED, 0, 0, 0, t.phaseContext, t.now));
                t.io.publish(t.messages.initializationFailed(
                        t.messages.primaryNotReadyWithin(t.spec.progressDeadlineSeconds(), g.reason())));
                return t.finish(Decision.FAILED); // PostRollout: post-rollout hooks (Failed), the run is released
            }
            case Onboarding.Action.TakeOver o -> {
                String revision = cluster.targetRevision();
                cluster.reconcilePrimaryScaler();
                cluster.reconcileApex();
                cluster.scaleCanaryToZero();
                cluster.reconcileRouter();
                t.update(status.withChecksum(revision).withTrackedConfigs(cluster.trackedConfigs())
                        .setPhase(CanaryPhase.INITIALIZED, t.phaseContext, t.now));
                t.io.publish(t.messages.initializationDone());
                t.alert(new Alert(Alert.Severity.INFO, FlaggerMessages.Alerts.initialized(t.spec.targetRef().kind())));
                t.io.finishRun(RunResult.SUCCEEDED, t.now);
                return t.finish(Decision.DONE);
            }
        }
    }
}
