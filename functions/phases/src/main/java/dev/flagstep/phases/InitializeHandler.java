package dev.flagstep.phases;

import dev.flagstep.analysis.Lifecycle;
import dev.flagstep.analysis.Phase;
import dev.flagstep.analysis.Step;
import dev.flagstep.store.ClaimResult;
import dev.flagstep.store.RunResult;
import java.util.Optional;
import java.util.Set;

/**
 * Flagger's initialisation and revision detection: claim the canary for this run, create what is
 * missing on the cluster, then decide whether there is a new revision to analyse.
 * <ul>
 *   <li>{@code initialized}: a new revision, go ask confirm-rollout;</li>
 *   <li>{@code restarted}: a newer revision replaced one under analysis: traffic back to the primary,
 *       counters reset, pre-rollout again without a new confirm-rollout (as Flagger);</li>
 *   <li>{@code done}: first sight of the canary (primary created from the target, nothing to analyse), no new
 *       revision, or the canary is suspended;</li>
 *   <li>{@code superseded}: another execution holds this revision.</li>
 * </ul>
 */
public final class InitializeHandler extends PhaseHandler {

    private static final Set<Phase> IN_FLIGHT = Set.of(Phase.PROGRESSING, Phase.WAITING_PROMOTION, Phase.PROMOTING, Phase.FINALISING);
    private static final Set<Phase> SETTLED = Set.of(Phase.INITIALIZED, Phase.SUCCEEDED, Phase.FAILED);

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
        var store = t.services.store();
        switch (store.claimRun(t.spec.id(), t.input.runId(), t.input.revision(), t.now)) {
            case ClaimResult.Claimed c -> { }
            case ClaimResult.AlreadyActive a -> {
                if (!a.run().runId().equals(t.input.runId())) {
                    return Optional.of(t.output("superseded"));
                }
            }
            case ClaimResult.Superseding sup -> {
                store.supersede(t.spec.id(), t.input.runId(), t.input.revision(), t.now);
                t.supersededAnotherRun = true;
            }
        }
        return Optional.empty();
    }

    @Override
    PhaseOutput tick(Tick t) {
        Services s = t.services;
        PhaseInput in = t.input;
        if (t.spec.suspend()) {
            t.publish(t.messages.suspended());
            return t.finish("done");
        }
        boolean created = t.cluster().bootstrap();
        String revision = t.cluster().targetRevision();
        Phase phase = t.status().phase();
        if (created) {
            // Flagger's first pass: the primary is a copy of the target, so there is nothing to analyse
            t.cluster().scaleCanaryToZero();
            t.update(t.status().setPhase(Phase.INITIALIZED, t.phaseContext, t.now).withChecksum(revision));
            t.publish(t.messages.initializationDone());
            s.store().finishRun(t.spec.id(), in.runId(), RunResult.SUCCEEDED, t.now);
            return t.finish("done");
        }
        if (phase == Phase.INITIALIZING) {
            // the primary exists but flagstep has no status for it (a fresh table): treat the target as new
            t.update(t.status().setPhase(Phase.INITIALIZED, t.phaseContext, t.now));
            phase = Phase.INITIALIZED;
        }
        if (IN_FLIGHT.contains(phase)) {
            // a newer revision replaced one under analysis (or a run died mid-flight): start it over
            Step step = Lifecycle.restart(t.status(), t.phaseContext, t.messages, t.now);
            t.applyRoutes(step);
            t.update(step.status().withChecksum(revision));
            t.publish(step.messages());
            return t.finish("restarted");
        }
        // a run that replaced another is a new revision by definition: the replaced run may already have
        // recorded this very template (it read the target after the new revision was applied)
        if (SETTLED.contains(phase) && revision.equals(t.status().checksum()) && !t.supersededAnotherRun) {
            t.publish(t.messages.noNewRevision());
            s.store().finishRun(t.spec.id(), in.runId(), RunResult.SUCCEEDED, t.now);
            return t.finish("done");
        }
        t.update(t.status().withChecksum(revision));
        return t.finish("initialized");
    }
}
