package dev.flagstep.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.FlaggerMessages;
import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.PhaseContext;
import dev.flagstep.api.ExecutionRolloutStarter;
import dev.flagstep.api.RolloutExecutions;
import dev.flagstep.crd.CanaryObjects;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.execution.ExecutionNames;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeException;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.router.TrafficRouters;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import dev.flagstep.store.CanaryBusyException;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.RunResult;
import dev.flagstep.store.SpecRecord;
import dev.flagstep.store.StatusRecord;
import dev.flagstep.store.TickMemo;
import dev.flagstep.workload.TargetController;
import dev.flagstep.workload.TargetControllers;
import dev.flagstep.workload.Readiness;
import dev.flagstep.workload.autoscaler.AutoscalerController;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * What happens when a cluster canary's {@code Canary} object is deleted: Flagger's finalizer
 * ({@code pkg/controller/finalizer.go}), done by the sync from the copy of the spec flagstep stored, since
 * flagstep adds no finalizer of its own (docs/gitops.md, "Deleting a canary").
 *
 * <ol>
 *   <li>the canary's running rollouts are stopped ({@code flagstep.Deleted}) and its run claim released;</li>
 *   <li>while a phase of a stopped rollout still acts (StopExecution does not stop a running Lambda: its claim on
 *       the tick, leased until its deadline, is on the status), nothing else happens: the next call goes on, so
 *       the revert and the store delete cannot be overtaken by that phase's last writes;</li>
 *   <li>with {@code revertOnDeletion: true}: the target gets its replicas back, and once it is ready the apex
 *       service selects it and the router sends all traffic to the primary ({@link TargetController#restoreTarget},
 *       {@link TargetController#revertApex}, {@link dev.flagstep.router.TrafficRouter#revert}); a target not
 *       ready yet leaves the rest to the next call, as Flagger's finalizer retries;</li>
 *   <li>Flagger's {@code finalizer.flagger.app} is removed from an object that still exists, with the
 *       Terminating / Terminated events Flagger records;</li>
 *   <li>the canary is deleted from the store, last, so that every step before can be done again.</li>
 * </ol>
 * Every step is idempotent: a call after a failure (thrown) or an unfinished step (logged) completes the job.
 * Without {@code revertOnDeletion} the cluster is left as it is.
 */
public final class CanaryDeletion {

    /** Flagger's finalizer, on Canary objects it managed with {@code revertOnDeletion}. */
    public static final String FLAGGER_FINALIZER = "finalizer.flagger.app";
    /** The error a deleted canary's rollouts are stopped with. */
    public static final String DELETED = "flagstep.Deleted";

    private static final Logger LOG = Logger.getLogger(CanaryDeletion.class.getName());
    private static final SpecParser PARSER = new SpecParser();

    private final KubeClient kube;
    private final CanaryStore store;
    private final RolloutExecutions executions;
    private final CanaryObjects objects;
    private final Clock clock;
    private final String defaultProvider;

    /** @param defaultProvider the router of canaries that name none (the stack's {@code MeshProvider}) */
    public CanaryDeletion(KubeClient kube, CanaryStore store, RolloutExecutions executions, CanaryObjects objects, Clock clock,
            String defaultProvider) {
        this.kube = kube;
        this.store = store;
        this.executions = executions;
        this.objects = objects;
        this.clock = clock;
        this.defaultProvider = defaultProvider;
    }

    /**
     * The canary's object is gone ({@code terminatingObject} empty) or is being deleted and held by Flagger's
     * finalizer (the object, with its {@code deletionTimestamp}).
     *
     * @throws RuntimeException when a step failed (Kubernetes, the store, Step Functions): nothing after it was
     *                          done, and calling again goes on from there
     */
    public void deleted(CanaryId id, Optional<ObjectNode> terminatingObject) {
        Optional<SpecRecord> stored = store.spec(id);
        if (stored.isPresent() && !stored.get().fromCluster()) {
            // put through the API: the cluster's object of that name is not its owner
            LOG.warning("canary " + id + " was put through the API; its Canary object's deletion changes nothing");
            return;
        }
        Optional<CanarySpec> spec = stored.flatMap(s -> parse(s, id));
        Optional<FlaggerMessages> messages = spec.map(FlaggerMessages::of);
        if (stored.isPresent()) {
            if (!stopRollouts(id) || !revert(id, spec, terminatingObject, messages)) {
                return; // goes on at the next call
            }
        }
        terminatingObject.ifPresent(o -> {
            if (removeFinalizer(id, o)) {
                messages.ifPresent(m -> record(id, m.terminated()));
            }
        });
        if (stored.isPresent()) {
            try {
                store.deleteCanary(id);
                LOG.info("canary " + id + " deleted: its Canary object is gone");
            } catch (CanaryBusyException e) {
                // a rollout claimed the canary after it was released: stopped at the next call
                LOG.warning("canary " + id + " not deleted yet: " + e.getMessage());
            }
        }
    }

    /**
     * Stops the canary's rollouts and releases its claim.
     *
     * @return false while a stopped rollout's phase still holds its tick (its lease has not passed)
     */
    private boolean stopRollouts(CanaryId id) {
        String cause = "canary " + id + " was deleted from the cluster";
        executions.running(ExecutionNames.prefix(id)).stream()
                .filter(r -> ExecutionRolloutStarter.isRolloutOf(r.input(), id))
                .forEach(r -> executions.stop(r.executionArn(), DELETED, cause));
        Instant now = clock.instant();
        store.activeRun(id).ifPresent(run -> store.finishRun(id, run.runId(), RunResult.FAILED, now));
        Optional<Instant> lease = store.statusRecord(id).flatMap(StatusRecord::memo)
                .filter(TickMemo::inProgress).flatMap(TickMemo::leaseUntil).filter(now::isBefore);
        lease.ifPresent(until -> LOG.info("canary " + id + ": a phase of its stopped rollout acts until " + until
                + "; deleting it after that"));
        return lease.isEmpty();
    }

    /**
     * Flagger's finalizer steps, with {@code revertOnDeletion}; nothing without it.
     *
     * @return false while the target is not ready to take the traffic back
     */
    private boolean revert(CanaryId id, Optional<CanarySpec> spec, Optional<ObjectNode> object,
            Optional<FlaggerMessages> messages) {
        if (spec.isEmpty() || !spec.get().revertOnDeletion()) {
            return true;
        }
        CanarySpec canary = spec.get();
        if (object.isPresent() && !CanaryPhase.TERMINATING.wireName().equals(object.get().path("status").path("phase").asText())) {
            store.status(id).ifPresent(s -> objects.writeStatus(id,
                    s.value().setPhase(CanaryPhase.TERMINATING, PhaseContext.of(canary, provider(canary)), clock.instant()),
                    Optional.empty()));
            messages.ifPresent(m -> record(id, m.terminating()));
        }
        TargetController target = TargetControllers.forKind(kube, canary, clock);
        // Flagger's finalizer resumes the target's autoscaler (KEDA's pause) before giving the target replicas
        AutoscalerController.of(kube, canary).ifPresent(AutoscalerController::resumeTarget);
        target.restoreTarget();
        // a DaemonSet's progress deadline counts from the status' last transition (Terminating, written above)
        Instant since = store.status(id).map(s -> s.value().lastTransitionTime()).orElseGet(clock::instant);
        if (!(target.canaryReadiness(since) instanceof Readiness.Ready)) {
            LOG.info("canary " + id + ": reverting; waiting for " + target.target() + " to be ready before the apex "
                    + "service selects it");
            return false;
        }
        target.revertApex();
        TrafficRouters.forProvider(provider(canary), canary, kube).revert();
        LOG.info("canary " + id + " reverted: " + canary.apexName() + " selects " + target.target());
        return true;
    }

    /** @return true when this call removed Flagger's finalizer from the object (which then still exists) */
    private boolean removeFinalizer(CanaryId id, ObjectNode object) {
        var ref = ResourceKind.CANARY.ref(id.namespace(), id.name());
        if (!has(object.path("metadata").path("finalizers"))) {
            return false;
        }
        try {
            // the object as given may be stale: whether this call removed it is read from the one edited
            ObjectNode before = kube.get(ref).orElse(object);
            if (!has(before.path("metadata").path("finalizers"))) {
                return false;
            }
            kube.edit(ref, o -> {
                if (o.path("metadata").path("finalizers") instanceof ArrayNode list) {
                    for (int i = list.size() - 1; i >= 0; i--) {
                        if (FLAGGER_FINALIZER.equals(list.get(i).asText())) list.remove(i);
                    }
                }
            });
            return true;
        } catch (KubeException.NotFound gone) {
            return false; // removed meanwhile, and the object with it: no event to record on it
        }
    }

    private static boolean has(JsonNode finalizers) {
        for (JsonNode f : finalizers) {
            if (FLAGGER_FINALIZER.equals(f.asText())) return true;
        }
        return false;
    }

    private void record(CanaryId id, Message m) {
        CanaryPhase phase = m.recordedPhase().orElse(CanaryPhase.TERMINATING);
        objects.record(id, List.of(new CanaryEvent(id, m.severity(), m.text(), phase, clock.instant(), 0, 0, "", "")));
    }

    private String provider(CanarySpec canary) {
        return canary.provider().orElse(defaultProvider);
    }

    /** The stored spec, if it still parses: one that does not cannot be reverted, only deleted. */
    private static Optional<CanarySpec> parse(SpecRecord stored, CanaryId id) {
        return switch (PARSER.parse(stored.source(), id)) {
            case SpecResult.Valid v -> Optional.of(v.document().canary());
            case SpecResult.Invalid inv -> {
                LOG.warning("canary " + id + ": stored document invalid " + inv.errors() + "; deleting without revert");
                yield Optional.empty();
            }
        };
    }
}
