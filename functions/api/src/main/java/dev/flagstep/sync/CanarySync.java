package dev.flagstep.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.Message.Severity;
import dev.flagstep.api.RolloutRequest;
import dev.flagstep.api.RolloutStart;
import dev.flagstep.api.RolloutStarter;
import dev.flagstep.crd.CanaryObjects;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.KnativeTarget;
import dev.flagstep.spec.ServiceTarget;
import dev.flagstep.knative.KnativeService;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.store.ActiveRun;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.CanarySummary;
import dev.flagstep.store.Page;
import dev.flagstep.store.SpecOrigin;
import dev.flagstep.store.SpecRecord;
import dev.flagstep.store.StatusRecord;
import dev.flagstep.workload.TargetControllers;
import dev.flagstep.workload.config.ConfigTracker;
import dev.flagstep.workload.config.TrackedConfigs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One pass of the cluster sync (docs/gitops.md): list the Canary, MetricTemplate and AlertProvider objects of the
 * watched namespaces; for each Canary render its document, validate it, store it when its text changed
 * ({@link SpecOrigin#CLUSTER}; a canary of the same name put through the API is taken over), adopt the status
 * Flagger left on it, detect a new revision of its target and start its rollout, and write the status back when
 * the object's differs from the store's. Canaries stored from the cluster whose object is gone from a complete
 * list, or terminating under Flagger's finalizer, go through {@link CanaryDeletion}.
 *
 * <p>An invalid object keeps the last valid document (no state is lost) and gets a Warning event and a
 * {@code Stalled} condition naming the field, once per problem. One canary's failure is counted and logged; the
 * pass goes on. A namespace whose lists failed is left as it is.
 */
public final class CanarySync {

    static final String FLAGGER_FINALIZER = "finalizer.flagger.app";
    private static final Logger LOG = Logger.getLogger(CanarySync.class.getName());
    private static final int STORE_PAGE = 100;

    private final KubeClient kube;
    private final ClusterLister lister;
    private final CanaryStore store;
    private final RolloutStarter rollouts;
    private final CanaryObjects objects;
    private final CanaryDeletion deletion;
    private final SpecParser parser;
    private final WatchNamespaces watch;
    private final Clock clock;

    public CanarySync(KubeClient kube, CanaryStore store, RolloutStarter rollouts, CanaryObjects objects,
                      CanaryDeletion deletion, SpecParser parser, WatchNamespaces watch, Clock clock) {
        this.kube = kube;
        this.lister = new ClusterLister(kube);
        this.store = store;
        this.rollouts = rollouts;
        this.objects = objects;
        this.deletion = deletion;
        this.parser = parser;
        this.watch = watch;
        this.clock = clock;
    }

    /** The counts of one pass, as it is logged. */
    private static final class Tally {
        int stored, adopted, started, statusWritten, invalid, deleted, errors;
        final List<String> failures = new ArrayList<>();

        void fail(String message) {
            errors++;
            failures.add(message);
        }
    }

    /** Runs one pass; never throws (a failure of the store's listing is an error of the pass, counted). */
    public SyncSummary runOnce() {
        long started = System.nanoTime();
        Tally tally = new Tally();
        ClusterInventory inventory = lister.list(watch);
        inventory.failures().forEach(tally::fail);
        Map<CanaryId, ObjectNode> templates = inventory.templatesById();
        Map<CanaryId, ObjectNode> providers = inventory.providersById();
        Set<CanaryId> present = new HashSet<>();
        for (ObjectNode canary : inventory.canaries()) {
            CanaryId id = ClusterInventory.idOf(canary);
            present.add(id);
            try {
                one(canary, id, inventory, templates, providers, tally);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cluster sync of canary " + id + " failed", e);
                tally.fail(id + ": " + e.getMessage());
            }
        }
        try {
            deleteAbsent(inventory, present, tally);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cluster sync: looking for deleted canaries failed", e);
            tally.fail("deleted canaries: " + e.getMessage());
        }
        SyncMetrics.emit(SyncMetrics.totals(inventory.canaries(), clock.instant()));
        SyncSummary summary = new SyncSummary(inventory.canaries().size(), tally.stored, tally.adopted, tally.started,
                tally.statusWritten, tally.invalid, tally.deleted, tally.errors,
                Duration.ofNanos(System.nanoTime() - started).toMillis(), tally.failures);
        // a quiet pass at FINE: flagstep serve runs one every few seconds at --speed 10
        LOG.log(summary.eventful() ? Level.INFO : Level.FINE, summary::toString);
        return summary;
    }

    private void one(ObjectNode canary, CanaryId id, ClusterInventory inventory, Map<CanaryId, ObjectNode> templates,
                     Map<CanaryId, ObjectNode> providers, Tally tally) {
        JsonNode md = canary.path("metadata");
        if (!md.path("deletionTimestamp").asText("").isEmpty()) {
            if (hasFlaggerFinalizer(md)) {
                deletion.deleted(id, Optional.of(canary));
                tally.deleted++;
            }
            return; // without Flagger's finalizer it is gone by the next pass
        }
        Optional<String> unread = referencedNamespaces(canary, id).stream()
                .filter(ns -> watch.watches(ns) && !inventory.complete(ns)).findFirst();
        if (unread.isPresent()) {
            tally.fail(id + ": the objects of namespace " + unread.get() + " could not be listed; left as it is");
            return;
        }
        CanaryRendering rendering = CanaryRenderer.render(canary, templates, providers);
        Optional<SpecRecord> stored = store.spec(id);
        switch (Validation.of(parser, id, rendering)) {
            case Validation.Invalid invalid -> {
                // the phases keep the problem on the status they write while a rollout goes on with the last valid spec
                if (stored.filter(r -> !r.problem().equals(Optional.of(invalid.message()))).isPresent()) {
                    store.recordProblem(id, Optional.of(invalid.message()));
                }
                invalid(canary, id, invalid, tally);
            }
            case Validation.Valid valid -> valid(canary, id, valid, stored, rendering.text(), tally);
        }
    }

    private void invalid(ObjectNode canary, CanaryId id, Validation.Invalid invalid, Tally tally) {
        tally.invalid++;
        String message = invalid.message();
        // once per problem: a Stalled condition already naming it means the event was recorded too
        if (StatusDiff.stalledMatches(canary.path("status"), Optional.of(message))) return;
        Instant now = clock.instant();
        CanaryStatus status = store.status(id).map(v -> v.value()).orElseGet(() -> CanaryStatus.initial(now));
        objects.writeStatus(id, status, Optional.of(message));
        warn(id, status, "Canary " + id.dotted() + " is invalid, keeping its last valid spec: " + message);
    }

    private void warn(CanaryId id, CanaryStatus status, String text) {
        objects.record(id, List.of(new CanaryEvent(id, Severity.WARNING, text, status.phase(), clock.instant(),
                status.canaryWeight(), status.failedChecks(), "", status.checksum())));
        LOG.warning(() -> text);
    }

    private void valid(ObjectNode canary, CanaryId id, Validation.Valid valid, Optional<SpecRecord> stored,
                       String text, Tally tally) {
        CanaryDocument document = valid.document();
        if (stored.isEmpty() || !stored.get().source().equals(text) || !stored.get().fromCluster()) {
            // a canary of the same name put through the API is taken over: the object is the source from now on
            store.putSpec(id, text, SpecOrigin.CLUSTER); // a new document has no problem
            tally.stored++;
            // once per document: fields Flagger accepts and ignores for this provider are said, never silent
            CanaryStatus current = store.status(id).map(v -> v.value()).orElseGet(() -> CanaryStatus.initial(clock.instant()));
            valid.warnings().forEach(w -> warn(id, current, "Canary " + id.dotted() + " " + w));
        } else if (stored.get().problem().isPresent()) {
            store.recordProblem(id, Optional.empty()); // fixed back to the document kept
        }
        CanarySpec spec = document.canary();
        String kind = spec.targetRef().kind();
        boolean knative = KnativeTarget.is(spec.targetRef());
        Optional<ObjectNode> target = kube.get(TargetControllers.resourceKind(spec.targetRef()).ref(id.namespace(), spec.targetRef().name()));
        Optional<StatusRecord> status = store.statusRecord(id);
        boolean service = ServiceTarget.is(spec.targetRef());
        // Flagger tracks no config of a Knative Service (its revisions are Knative's) nor of a Kubernetes Service
        Optional<TrackedConfigs> tracked = target.flatMap(t -> knative || service ? Optional.of(TrackedConfigs.none())
                : trackedConfigs(t, id, tally));
        if (target.isEmpty()) {
            tally.fail(id + ": target " + kind + " " + spec.targetRef().name() + " not found");
        } else if (knative && KnativeService.latestCreated(target.get()).isEmpty()) {
            tally.fail(id + ": Knative Service " + spec.targetRef().name() + " has no latest created revision yet");
        } else if (tracked.isPresent()) {
            // a DaemonSet's scale-to-zero node selector is flagstep's own change, never a new revision; a Knative
            // Service's revision is its latest created revision's name
            TrackedConfigs configs = tracked.get();
            String current = TargetControllers.revision(spec.targetRef(), target.get(), configs.checksums());
            long generation = target.get().path("metadata").path("generation").asLong(0);
            // a Service has no generation: its resourceVersion tells spec A, then B, then A again apart
            String versions = service ? "service@" + target.get().path("metadata").path("resourceVersion").asText()
                    : configs.versions();
            if (status.isEmpty()) {
                Optional<CanaryStatus> seed = Adoption.seed(canary.path("status"), current, clock.instant())
                        .map(adopted -> adopted.withTrackedConfigs(configs.checksums()));
                if (seed.isPresent()) {
                    store.saveStatus(id, seed.get(), 0);
                    tally.adopted++;
                    status = store.statusRecord(id);
                }
            }
            Detection detection = RevisionDetection.decide(spec.suspend(), current, generation, versions,
                    status.map(StatusRecord::status), store.activeRun(id).map(ActiveRun::revision));
            if (detection instanceof Detection.Start start) {
                RolloutStart result = rollouts.start(new RolloutRequest(id, start.revision(),
                        (int) spec.interval().toSeconds(), true));
                if (result instanceof RolloutStart.Started) {
                    tally.started++;
                    LOG.info(() -> "canary " + id + ": new revision " + start.revision() + ", rollout started");
                }
            }
        }
        if (status.isPresent() && StatusDiff.differs(canary, status.get().status(), Optional.empty())) {
            if (objects.writeStatus(id, status.get().status(), Optional.empty())) tally.statusWritten++;
        }
    }

    /** The target's tracked configs; empty (a failure counted) when a config it needs does not exist. */
    private Optional<TrackedConfigs> trackedConfigs(ObjectNode target, CanaryId id, Tally tally) {
        try {
            return Optional.of(new ConfigTracker(kube, id.namespace()).tracked(target.path("spec").path("template").path("spec")));
        } catch (IllegalStateException missing) {
            tally.fail(id + ": " + missing.getMessage()); // as Flagger: no new revision until it exists
            return Optional.empty();
        }
    }

    /** Stored cluster canaries whose namespace was listed completely and whose object is not in it. */
    private void deleteAbsent(ClusterInventory inventory, Set<CanaryId> present, Tally tally) {
        List<Optional<String>> scopes = inventory.everywhere() ? List.of(Optional.empty())
                : inventory.complete().stream().sorted().map(Optional::of).toList();
        for (Optional<String> scope : scopes) {
            Optional<String> cursor = Optional.empty();
            do {
                Page<CanarySummary> page = store.list(scope, STORE_PAGE, cursor);
                for (CanarySummary s : page.items()) {
                    CanaryId id = s.canary();
                    if (present.contains(id) || !watch.watches(id.namespace())) continue;
                    try {
                        if (store.spec(id).filter(SpecRecord::fromCluster).isPresent()) {
                            deletion.deleted(id, Optional.empty());
                            tally.deleted++;
                            LOG.info(() -> "canary " + id + ": its Canary object is gone, deleted");
                        }
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "cluster sync: deleting canary " + id + " failed", e);
                        tally.fail(id + ": " + e.getMessage());
                    }
                }
                cursor = page.next();
            } while (cursor.isPresent());
        }
    }

    private static boolean hasFlaggerFinalizer(JsonNode metadata) {
        for (JsonNode f : metadata.path("finalizers")) {
            if (FLAGGER_FINALIZER.equals(f.asText())) return true;
        }
        return false;
    }

    /** The namespaces of the canary and of the templates and providers it references. */
    private static Set<String> referencedNamespaces(JsonNode canary, CanaryId id) {
        Set<String> out = new HashSet<>();
        out.add(id.namespace());
        JsonNode analysis = canary.path("spec").path("analysis");
        for (JsonNode m : analysis.path("metrics")) {
            String ns = m.path("templateRef").path("namespace").asText("");
            if (!ns.isEmpty()) out.add(ns);
        }
        for (JsonNode a : analysis.path("alerts")) {
            String ns = a.path("providerRef").path("namespace").asText("");
            if (!ns.isEmpty()) out.add(ns);
        }
        return out;
    }
}
