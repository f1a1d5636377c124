package dev.flagstep.local.e2e;

import static dev.flagstep.local.e2e.FailureKit.replicas;
import static dev.flagstep.local.e2e.FailureKit.successRate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.Routes;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.crd.CanaryObjects;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.SpecOrigin;
import dev.flagstep.store.StoreException;
import dev.flagstep.sync.CanaryDeletion;
import dev.flagstep.workload.DeploymentController;
import dev.flagstep.workload.Readiness;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cluster canary whose {@code Canary} object is deleted ({@link CanaryDeletion}, called by the sync), on the
 * local runtime's real rollout executions, DynamoDB Local and the simulated cluster: the rollout stops, the store
 * forgets the canary, and with {@code revertOnDeletion} the target gets the traffic back as Flagger's finalizer
 * gives it; without it the cluster stays as it was.
 */
class CanaryDeletionE2ETest {

    static final FailureKit.FaultSwitch FAULTS = new FailureKit.FaultSwitch();
    static RolloutHarness h;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start(FAULTS);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    /** The Kubernetes side of the canary's object, recorded. */
    static final class RecordingObjects implements CanaryObjects {
        final List<CanaryStatus> statuses = new CopyOnWriteArrayList<>();
        final List<String> events = new CopyOnWriteArrayList<>();

        /** Writes the phase onto the object, as the cluster's implementation writes the whole status. */
        @Override
        public boolean writeStatus(CanaryId id, CanaryStatus status, Optional<String> invalid) {
            statuses.add(status);
            ObjectNode patch = JsonNodeFactory.instance.objectNode();
            patch.putObject("status").put("phase", status.phase().wireName());
            h.sim.client().mergePatchStatus(ResourceKind.CANARY.ref(id.namespace(), id.name()), patch);
            return true;
        }

        @Override
        public void record(CanaryId id, List<CanaryEvent> batch) {
            batch.forEach(e -> events.add(e.severity().wireName() + " " + e.message()));
        }
    }

    private static String yaml(String n, boolean revert) {
        CanaryYaml y = FailureKit.canary(h, n);
        if (revert) y.spec("revertOnDeletion: true");
        return y.analysis(FailureKit.analysis(h.hooksUrl(), n, 10, 50, "rollout"));
    }

    /** A canary as the sync stores it: from its Canary object. */
    private static CanaryDocument clusterCanary(String n, boolean revert) {
        successRate(h, n, 99.9);
        String text = yaml(n, revert);
        CanaryDocument doc = h.canary(text);
        h.runtime.store().putSpec(doc.canary().id(), text, SpecOrigin.CLUSTER);
        return doc;
    }

    private static CanaryDeletion deletion(CanaryStore store, CanaryObjects objects) {
        return new CanaryDeletion(h.sim.client(), store, h.runtime.executions(), objects, h.runtime.clock(), "gatewayapi:v1");
    }

    /**
     * Calls {@code deleted} as the sync does on every pass, with the object as it reads it then (while Flagger's
     * finalizer holds it), until the store has forgotten the canary.
     */
    private static void deleteUntilGone(CanaryDeletion deletion, CanaryId id) throws InterruptedException {
        RolloutHarness.await("canary " + id + " gone from the store", Duration.ofSeconds(30), () -> {
            deletion.deleted(id, held(id));
            return h.runtime.store().spec(id).isEmpty();
        });
    }

    private static Optional<ObjectNode> held(CanaryId id) {
        return h.sim.object(ResourceKind.CANARY, id.namespace(), id.name())
                .filter(o -> o.at("/metadata/finalizers").toString().contains(CanaryDeletion.FLAGGER_FINALIZER));
    }

    private static void assertForgotten(CanaryId id) {
        CanaryStore store = h.runtime.store();
        assertThat(store.spec(id)).as("document").isEmpty();
        assertThat(store.statusRecord(id)).as("status").isEmpty();
        assertThat(store.activeRun(id)).as("run claim").isEmpty();
        assertThat(store.list(Optional.of(id.namespace()), 100, Optional.empty()).items())
                .as("listed canaries").noneMatch(s -> s.canary().equals(id));
    }

    private static void assertStoppedAsDeleted(Execution rollout) throws InterruptedException {
        assertThat(h.awaitEnd(rollout)).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(rollout.chain().latest().error()).contains(CanaryDeletion.DELETED);
    }

    /** Flagger's finalizer done: the target serves through the apex with the primary's replicas, the router all primary. */
    private static void assertReverted(CanaryDocument doc) {
        String n = doc.canary().id().name();
        assertThat(h.routes(doc)).as("routes").isEqualTo(Routes.allPrimary());
        assertThat(apexSelector(n)).as("apex selects the target").isEqualTo(n);
        assertThat(replicas(h, n)).as("target replicas = the primary's").isEqualTo(replicas(h, n + "-primary")).isPositive();
    }

    private static String apexSelector(String n) {
        return h.sim.object(ResourceKind.SERVICE, "e2e", n).orElseThrow().at("/spec/selector/app").asText();
    }

    /** The rollout's Analysis holds until its weight reaches {@code weight}; answers the latch it counts down. */
    private static void awaitWeight(CanaryDocument doc, int weight) throws InterruptedException {
        RolloutHarness.await("canary weight " + weight, Duration.ofSeconds(30), () -> h.status(doc).canaryWeight() >= weight);
    }

    @Test
    void deletedMidRolloutWithoutRevertStopsTheRolloutAndLeavesTheClusterAsItIs() throws Exception {
        String n = "del-keep";
        CanaryDocument doc = clusterCanary(n, false);
        Execution rollout = h.deployNewRevision(doc);
        awaitWeight(doc, 20);
        RecordingObjects objects = new RecordingObjects();

        deleteUntilGone(deletion(h.runtime.store(), objects), doc.canary().id());

        assertStoppedAsDeleted(rollout);
        assertForgotten(doc.canary().id());
        h.sim.awaitReconciled(Duration.ofSeconds(10));
        Routes left = h.routes(doc);
        assertThat(left.canary()).as("the canary keeps the weight it had").isGreaterThanOrEqualTo(20);
        assertThat(apexSelector(n)).as("apex still selects the primary").isEqualTo(n + "-primary");
        assertThat(replicas(h, n)).as("target replicas").isPositive();
        assertThat(h.sim.object(ResourceKind.DEPLOYMENT, "e2e", n + "-primary")).as("primary").isPresent();
        assertThat(objects.events).as("no object left to record on").isEmpty();
    }

    /**
     * Deleted while a phase of the rollout is in the middle of a tick (held in its load-test hook): StopExecution
     * does not stop it, so the deletion waits for its tick to end before the revert; a revert before would be
     * overtaken by the tick's weight step. Then Flagger's finalizer: target replicas back, the apex selects the
     * target, the router sends everything to the primary.
     */
    @Test
    void deletedMidTickWithRevertOnDeletionRevertsOnceThePhaseInFlightEnded() throws Exception {
        String n = "del-revert";
        CanaryDocument doc = clusterCanary(n, true);
        CanaryId id = doc.canary().id();
        String hook = "/" + n + "/rollout";
        AtomicBoolean armed = new AtomicBoolean(false);
        // the hook calls seen when the replies started being held: a call after that is a phase held in its tick
        // (not one of an Analysis already past its hook when the test armed the fault)
        java.util.concurrent.atomic.AtomicInteger heldAfter = new java.util.concurrent.atomic.AtomicInteger(Integer.MAX_VALUE);
        FAULTS.on(n, (function, payload) -> {
            if (function.equals("Analysis") && armed.getAndSet(false)) {
                h.hooks.holdRepliesUntil(Integer.MAX_VALUE); // its load-test hook waits for the test
                heldAfter.set(h.hooks.requests(hook).size());
            }
        });
        Execution rollout = h.deployNewRevision(doc);
        awaitWeight(doc, 10);
        // the target already runs the primary's replicas, ready: nothing delays the revert but the phase in flight
        DeploymentController target = new DeploymentController(h.sim.client(), doc.canary(), h.runtime.clock());
        target.restoreTarget();
        RolloutHarness.await("the target ready", Duration.ofSeconds(30), () -> target.canaryReadiness() instanceof Readiness.Ready);
        armed.set(true);
        RolloutHarness.await("the next tick in its load-test hook", Duration.ofSeconds(30),
                () -> h.hooks.requests(hook).size() > heldAfter.get());
        RecordingObjects objects = new RecordingObjects();
        CanaryDeletion deletion = deletion(h.runtime.store(), objects);

        deletion.deleted(id, Optional.empty());

        assertStoppedAsDeleted(rollout);
        assertThat(h.runtime.store().spec(id)).as("kept while the stopped rollout's phase holds its tick").isPresent();
        assertThat(h.runtime.store().activeRun(id)).as("claim released").isEmpty();
        releaseHeldReplies();
        deleteUntilGone(deletion, id);

        assertForgotten(id);
        assertReverted(doc);
        assertThat(objects.events).as("no object left to record on").isEmpty();
    }

    @Test
    void anIdleCanaryHeldByFlaggersFinalizerIsRevertedReleasedAndToldSo() throws Exception {
        String n = "del-final";
        CanaryDocument doc = clusterCanary(n, true);
        CanaryId id = doc.canary().id();
        h.assertEnded(h.runtime.startRollout(doc, h.cluster(doc).targetRevision()), ExecutionStatus.SUCCEEDED);
        assertThat(replicas(h, n)).as("target scaled to zero by the first run").isZero();
        terminatingCanary(n, "finalizer.flagger.app", "example.com/keep");
        RecordingObjects objects = new RecordingObjects();

        deleteUntilGone(deletion(h.runtime.store(), objects), id);

        assertForgotten(id);
        assertThat(h.sim.object(ResourceKind.CANARY, "e2e", n).orElseThrow().at("/metadata/finalizers"))
                .as("Flagger's finalizer removed, others kept").containsExactly(JsonNodeFactory.instance.textNode("example.com/keep"));
        assertThat(objects.events).containsExactly("Normal Terminating canary " + n + ".e2e", "Normal Terminated canary " + n + ".e2e");
        assertThat(objects.statuses).extracting(CanaryStatus::phase).first().isEqualTo(CanaryPhase.TERMINATING);
        assertReverted(doc);
    }

    /** A DaemonSet's revertOnDeletion is Flagger's ScaleFromZero: the scale-to-zero node selector goes. */
    @Test
    void anIdleDaemonSetCanaryIsRevertedByRemovingTheScaleToZeroSelector() throws Exception {
        String n = "del-ds";
        successRate(h, n, 99.9);
        String text = FailureKit.canary(h, n).kind("DaemonSet").spec("revertOnDeletion: true")
                .analysis(FailureKit.analysis(h.hooksUrl(), n, 10, 50, "rollout"));
        CanaryDocument doc = h.canary(text);
        h.runtime.store().putSpec(doc.canary().id(), text, SpecOrigin.CLUSTER);
        CanaryId id = doc.canary().id();
        h.assertEnded(h.runtime.startRollout(doc, h.cluster(doc).targetRevision()), ExecutionStatus.SUCCEEDED);
        var target = ResourceKind.DAEMON_SET.ref("e2e", n);
        assertThat(h.sim.client().require(target).at("/spec/template/spec/nodeSelector/flagger.app~1scale-to-zero").asText())
                .as("target scaled to zero by the first run").isEqualTo("true");
        terminatingCanary(n, "finalizer.flagger.app");

        deleteUntilGone(deletion(h.runtime.store(), new RecordingObjects()), id);

        assertForgotten(id);
        assertThat(h.sim.client().require(target).at("/spec/template/spec").has("nodeSelector")).isFalse();
        h.sim.awaitReconciled(Duration.ofSeconds(10));
        assertThat(h.sim.client().require(target).at("/status/numberAvailable").asInt()).as("on every node again").isEqualTo(3);
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(apexSelector(n)).as("apex selects the target").isEqualTo(n);
    }

    @Test
    void aCallAfterAFailureCompletesTheJobOnce() throws Exception {
        String n = "del-again";
        CanaryDocument doc = clusterCanary(n, true);
        CanaryId id = doc.canary().id();
        h.assertEnded(h.runtime.startRollout(doc, h.cluster(doc).targetRevision()), ExecutionStatus.SUCCEEDED);
        terminatingCanary(n, "finalizer.flagger.app");
        RecordingObjects objects = new RecordingObjects();
        AtomicBoolean fail = new AtomicBoolean(true);
        CanaryDeletion failing = deletion(failingDelete(h.runtime.store(), fail), objects);
        RolloutHarness.await("the target ready to take the traffic back", Duration.ofSeconds(30), () -> {
            try {
                failing.deleted(id, held(id));
                return false;
            } catch (StoreException e) {
                return true; // the store delete failed: everything before it was done
            }
        });
        assertThat(h.runtime.store().spec(id)).as("still stored").isPresent();
        assertThat(apexSelector(n)).as("reverted before the failure").isEqualTo(n);

        fail.set(false);
        failing.deleted(id, held(id));

        assertForgotten(id);
        assertThat(objects.events).as("each event once").containsExactly(
                "Normal Terminating canary " + n + ".e2e", "Normal Terminated canary " + n + ".e2e");
        assertThat(held(id)).as("no longer held by Flagger's finalizer").isEmpty();
    }

    @Test
    void aCanaryPutThroughTheApiIsNotTheClustersToDelete() throws Exception {
        String n = "del-api";
        successRate(h, n, 99.9);
        CanaryDocument doc = h.canary(yaml(n, true)); // stored from the API
        deletion(h.runtime.store(), new RecordingObjects()).deleted(doc.canary().id(), Optional.empty());
        assertThat(h.runtime.store().spec(doc.canary().id())).isPresent();
    }

    /** The Canary object as a deletion leaves it while finalizers hold it. */
    private static void terminatingCanary(String n, String... finalizers) {
        ObjectNode o = JsonNodeFactory.instance.objectNode().put("apiVersion", "flagger.app/v1beta1").put("kind", "Canary");
        ObjectNode md = o.putObject("metadata").put("name", n).put("namespace", "e2e")
                .put("deletionTimestamp", "2026-01-01T00:00:00Z");
        var list = md.putArray("finalizers");
        for (String f : finalizers) list.add(f);
        h.sim.client().create(ResourceKind.CANARY, o);
        // a create leaves out the status of a kind with a status subresource, as a real API server does
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        status.putObject("status").put("phase", "Succeeded");
        h.sim.client().mergePatchStatus(ResourceKind.CANARY.ref("e2e", n), status);
    }

    /** The store, whose {@code deleteCanary} fails while {@code fail} is set. */
    private static CanaryStore failingDelete(CanaryStore real, AtomicBoolean fail) {
        return (CanaryStore) Proxy.newProxyInstance(CanaryStore.class.getClassLoader(), new Class<?>[] {CanaryStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("deleteCanary") && fail.get()) {
                        throw new StoreException("deleteCanary", (CanaryId) args[0], "simulated outage");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Lets the held replies go: the waiting request wakes when another arrives. */
    private static void releaseHeldReplies() throws Exception {
        h.hooks.holdRepliesUntil(0);
        try (HttpClient c = HttpClient.newHttpClient()) {
            c.send(HttpRequest.newBuilder(URI.create(h.hooks.url("/wake").toString())).build(), HttpResponse.BodyHandlers.discarding());
        }
    }
}
