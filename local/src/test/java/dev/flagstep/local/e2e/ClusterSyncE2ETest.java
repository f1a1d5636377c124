package dev.flagstep.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.Message.Severity;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.crd.CanaryObjects;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.execution.ExecutionNames;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import dev.flagstep.store.SpecOrigin;
import dev.flagstep.store.SpecRecord;
import dev.flagstep.sync.CanarySync;
import dev.flagstep.sync.RevisionDetection;
import dev.flagstep.sync.SyncSummary;
import dev.flagstep.sync.WatchNamespaces;
import dev.flagstep.workload.RevisionTemplate;
import dev.flagstep.workload.Revisions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cluster sync end to end: Canary objects created on the simulated cluster (over real HTTP), DynamoDB Local,
 * and the local runtime's rollouts. Each test watches a namespace of its own, so passes of one test never see
 * another's canaries; passes are run by the test ({@link CanarySync#runOnce}), never by a timer.
 */
class ClusterSyncE2ETest {

    static final YAMLMapper YAML = new YAMLMapper();
    static RolloutHarness h;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    /** What the sync wrote onto Canary objects (the Kubernetes writer is another class's). */
    static final class RecordingObjects implements CanaryObjects {
        final Map<CanaryId, List<Optional<String>>> invalid = new ConcurrentHashMap<>();
        final Map<CanaryId, List<CanaryStatus>> statuses = new ConcurrentHashMap<>();
        final Map<CanaryId, List<CanaryEvent>> events = new ConcurrentHashMap<>();

        @Override
        public boolean writeStatus(CanaryId id, CanaryStatus status, Optional<String> problem) {
            statuses.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(status);
            invalid.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(problem);
            return true;
        }

        @Override
        public void record(CanaryId id, List<CanaryEvent> list) {
            events.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).addAll(list);
        }
    }

    /** A canary whose rollouts wait at confirm-promotion for good (flagstep's built-in halt gate) when {@code held}. */
    static String canaryYaml(String ns, String name, boolean held) {
        return CanaryYaml.named(name).namespace(ns).analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 50
                    maxWeight: 50
                """ + (held ? """
                    webhooks:
                      - name: promote
                        type: confirm-promotion
                        url: %s/gate/halt
                """.formatted(RolloutHarness.API_URL) : ""));
    }

    /** kubectl apply: the Deployment seeded, the Canary object created. */
    static CanaryId apply(String yaml) throws Exception {
        return apply(yaml, yaml);
    }

    /** As {@link #apply(String)}, the object being {@code object} (which may be invalid) and its target seeded from {@code yaml}. */
    static CanaryId apply(String yaml, String object) throws Exception {
        var spec = switch (new SpecParser().parse(yaml)) {
            case SpecResult.Valid v -> v.document().canary();
            case SpecResult.Invalid i -> throw new IllegalArgumentException(i.errors().toString());
        };
        h.sim.seed(spec, RolloutHarness.IMAGE);
        ObjectNode o = (ObjectNode) YAML.readTree(object);
        h.sim.client().create(ResourceKind.CANARY, o);
        if (o.has("status")) {
            // a create leaves out the status of a kind with a status subresource, as a real API server does
            ObjectNode status = YAML.createObjectNode();
            status.set("status", o.get("status"));
            h.sim.client().mergePatchStatus(ResourceKind.CANARY.ref(spec.id().namespace(), spec.id().name()), status);
        }
        return spec.id();
    }

    static void editCanary(CanaryId id, java.util.function.Consumer<ObjectNode> change) {
        h.sim.client().edit(ResourceKind.CANARY.ref(id.namespace(), id.name()), change);
    }

    /** The rollout the sync started for the target as it is now. */
    static Execution rolloutOfCurrentTarget(CanaryId id) {
        JsonNode d = h.sim.client().require(ResourceKind.DEPLOYMENT.ref(id.namespace(), id.name()));
        String revision = RevisionDetection.revision(Revisions.of(d.path("spec").path("template")),
                d.path("metadata").path("generation").asLong(0));
        return h.runtime.rollout(ExecutionNames.of(id, revision))
                .orElseThrow(() -> new AssertionError("no rollout of " + id + " revision " + revision));
    }

    static CanaryStatus status(CanaryId id) {
        return h.runtime.store().statusRecord(id).orElseThrow().status();
    }

    static CanarySync sync(String namespace, RecordingObjects objects) {
        return h.runtime.clusterSync(WatchNamespaces.parse(namespace), objects);
    }

    @Test
    void aCanaryObjectIsStoredInitialisedAndANewImageIsRolledOutByItself() throws Exception {
        RecordingObjects objects = new RecordingObjects();
        CanarySync sync = sync("sync-flow", objects);
        CanaryId id = apply(canaryYaml("sync-flow", "podinfo", false));

        SyncSummary first = sync.runOnce();
        assertThat(first.listed()).isEqualTo(1);
        assertThat(first.stored()).isEqualTo(1);
        assertThat(first.started()).isEqualTo(1);
        assertThat(first.errors()).isZero();
        SpecRecord stored = h.runtime.store().spec(id).orElseThrow();
        assertThat(stored.origin()).isEqualTo(SpecOrigin.CLUSTER);
        assertThat(stored.source()).contains("kind: \"Canary\"");
        h.assertEnded(rolloutOfCurrentTarget(id), ExecutionStatus.SUCCEEDED);
        assertThat(status(id).phase()).isEqualTo(CanaryPhase.INITIALIZED);

        // the phases wrote the status onto the object as they went: the next pass finds nothing to do
        assertThat(h.sim.object(ResourceKind.CANARY.ref(id.namespace(), id.name())).orElseThrow().at("/status/phase").asText())
                .isEqualTo("Initialized");
        SyncSummary quiet = sync.runOnce();
        assertThat(quiet.stored()).isZero();
        assertThat(quiet.started()).isZero();
        assertThat(quiet.statusWritten()).isZero();

        h.sim.newRevision("sync-flow", "podinfo", RolloutHarness.NEW_IMAGE);
        SyncSummary bumped = sync.runOnce();
        assertThat(bumped.started()).isEqualTo(1);
        assertThat(bumped.stored()).isZero();
        Execution rollout = rolloutOfCurrentTarget(id);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);
        assertThat(status(id).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(status(id).checksum()).isEqualTo(rollout.input().path("revision").asText().replaceFirst("-g\\d+$", ""));

        SyncSummary after = sync.runOnce();
        assertThat(after.started()).as("no change starts nothing").isZero();
        assertThat(after.stored()).isZero();
    }

    /**
     * The sync reads a DaemonSet target as such, and the scale-to-zero node selector flagstep adds and removes (which
     * moves the DaemonSet's generation) is never a new revision.
     */
    @Test
    void aDaemonSetTargetIsRolledOutByItselfAndItsScalingIsNoRevision() throws Exception {
        RecordingObjects objects = new RecordingObjects();
        CanarySync sync = sync("sync-ds", objects);
        String yaml = CanaryYaml.named("agent").namespace("sync-ds").kind("DaemonSet").analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 50
                    maxWeight: 50
                """);
        CanaryId id = apply(yaml);
        KubeRef target = ResourceKind.DAEMON_SET.ref(id.namespace(), id.name());

        assertThat(sync.runOnce().started()).isEqualTo(1);
        h.assertEnded(rolloutOfDaemonSet(target), ExecutionStatus.SUCCEEDED);
        assertThat(status(id).phase()).isEqualTo(CanaryPhase.INITIALIZED);
        assertThat(h.sim.client().require(target).at("/spec/template/spec/nodeSelector/flagger.app~1scale-to-zero").asText())
                .isEqualTo("true");
        assertThat(sync.runOnce().started()).as("scaled to zero: no new revision").isZero();

        h.sim.newRevision(id.namespace(), id.name(), RolloutHarness.NEW_IMAGE);
        assertThat(sync.runOnce().started()).isEqualTo(1);
        Execution rollout = rolloutOfDaemonSet(target);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);
        assertThat(status(id).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(sync.runOnce().started()).as("scaled up and down again: no new revision").isZero();
    }

    /** The rollout the sync started for a DaemonSet target as it is now (its template without the scale-to-zero key). */
    static Execution rolloutOfDaemonSet(KubeRef target) {
        JsonNode d = h.sim.client().require(target);
        String revision = RevisionDetection.revision(
                Revisions.of(RevisionTemplate.of("DaemonSet", d.path("spec").path("template"))),
                d.path("metadata").path("generation").asLong(0));
        CanaryId id = new CanaryId(target.namespace(), target.name());
        return h.runtime.rollout(ExecutionNames.of(id, revision))
                .orElseThrow(() -> new AssertionError("no rollout of " + id + " revision " + revision));
    }

    @Test
    void aNewRevisionDuringARolloutSupersedesItAndSuspendStartsNothing() throws Exception {
        RecordingObjects objects = new RecordingObjects();
        CanarySync sync = sync("sync-race", objects);
        CanaryId id = apply(canaryYaml("sync-race", "held", true));
        sync.runOnce();
        h.assertEnded(rolloutOfCurrentTarget(id), ExecutionStatus.SUCCEEDED); // onboarding needs no promotion

        h.sim.newRevision("sync-race", "held", RolloutHarness.NEW_IMAGE);
        assertThat(sync.runOnce().started()).isEqualTo(1);
        Execution first = rolloutOfCurrentTarget(id);
        RolloutHarness.await("the rollout waiting for promotion", RolloutHarness.PATIENCE,
                () -> status(id).phase() == CanaryPhase.WAITING_PROMOTION);
        assertThat(sync.runOnce().started()).as("the same revision is the same rollout").isZero();

        h.sim.newRevision("sync-race", "held", "ghcr.io/stefanprodan/podinfo:6.7.2");
        assertThat(sync.runOnce().started()).isEqualTo(1);
        assertThat(h.awaitEnd(first)).isEqualTo(ExecutionStatus.ABORTED);
        Execution second = rolloutOfCurrentTarget(id);
        assertThat(second.status()).isEqualTo(ExecutionStatus.RUNNING);

        // suspended: a newer image starts nothing
        editCanary(id, c -> ((ObjectNode) c.get("spec")).put("suspend", true));
        h.sim.newRevision("sync-race", "held", "ghcr.io/stefanprodan/podinfo:6.7.3");
        SyncSummary suspended = sync.runOnce();
        assertThat(suspended.stored()).as("suspend reaches the store").isEqualTo(1);
        assertThat(suspended.started()).isZero();
        assertThat(second.status()).isEqualTo(ExecutionStatus.RUNNING);

        // deleted: its rollout stops and it leaves the store
        h.sim.client().delete(ResourceKind.CANARY.ref(id.namespace(), id.name()));
        SyncSummary deleted = sync.runOnce();
        assertThat(deleted.deleted()).isEqualTo(1);
        assertThat(h.awaitEnd(second)).isEqualTo(ExecutionStatus.ABORTED);
        // a phase the stop caught mid-tick holds the canary until it returns: the next passes finish the job
        RolloutHarness.await("canary " + id + " gone from the store", java.time.Duration.ofSeconds(30), () -> {
            sync.runOnce();
            return h.runtime.store().spec(id).isEmpty();
        });
    }

    @Test
    void anInvalidObjectGetsAWarningAndStalledKeepsItsLastValidDocumentAndThePassGoesOn() throws Exception {
        RecordingObjects objects = new RecordingObjects();
        CanarySync sync = sync("sync-bad", objects);
        CanaryId good = apply(canaryYaml("sync-bad", "good", false));
        CanaryId broken = apply(canaryYaml("sync-bad", "broken", false));
        sync.runOnce();
        String lastValid = h.runtime.store().spec(broken).orElseThrow().source();

        editCanary(broken, c -> ((ObjectNode) c.at("/spec/analysis")).put("stepWeight", -5));
        String fresh0 = canaryYaml("sync-bad", "fresh", false);
        apply(fresh0, fresh0.replace("maxWeight: 50", "maxWeight: 50\n    metrics:\n      - name: errors\n        templateRef: {name: missing}\n        thresholdRange: {max: 1}"));
        SyncSummary pass = sync.runOnce();
        assertThat(pass.invalid()).isEqualTo(2);
        assertThat(pass.errors()).isZero();
        assertThat(h.runtime.store().spec(broken).orElseThrow().source()).isEqualTo(lastValid);
        assertThat(objects.invalid.get(broken)).last().satisfies(p -> assertThat(p).get().asString().contains("analysis.stepWeight"));
        assertThat(objects.events.get(broken)).singleElement().satisfies(e -> {
            assertThat(e.severity()).isEqualTo(Severity.WARNING);
            assertThat(e.message()).contains("analysis.stepWeight");
        });
        CanaryId fresh = new CanaryId("sync-bad", "fresh");
        assertThat(h.runtime.store().spec(fresh)).isEmpty();
        assertThat(objects.invalid.get(fresh)).last().satisfies(p -> assertThat(p).get().asString()
                .contains("analysis.metrics[0].templateRef", "no MetricTemplate \"missing\""));
        assertThat(h.runtime.store().spec(good)).isPresent();
    }

    @Test
    void onTheClusterAnInvalidObjectShowsStalledAndOneWarningEventUntilItIsFixed() throws Exception {
        CanarySync sync = h.runtime.clusterSync(WatchNamespaces.parse("sync-real"));
        CanaryId id = apply(canaryYaml("sync-real", "podinfo", false));
        KubeRef ref = ResourceKind.CANARY.ref(id.namespace(), id.name());
        sync.runOnce();
        h.assertEnded(rolloutOfCurrentTarget(id), ExecutionStatus.SUCCEEDED);

        editCanary(id, c -> ((ObjectNode) c.at("/spec/analysis")).put("stepWeight", -5));
        sync.runOnce();
        sync.runOnce();

        assertThat(h.runtime.store().spec(id).orElseThrow().problem()).as("kept for the phases' status writes")
                .hasValueSatisfying(p -> assertThat(p).contains("analysis.stepWeight"));
        JsonNode status = h.sim.object(ref).orElseThrow().path("status");
        assertThat(status.path("phase").asText()).isEqualTo("Initialized");
        assertThat(status.path("conditions")).anySatisfy(c -> {
            assertThat(c.path("type").asText()).isEqualTo("Stalled");
            assertThat(c.path("status").asText()).isEqualTo("True");
            assertThat(c.path("reason").asText()).isEqualTo("InvalidSpec");
            assertThat(c.path("message").asText()).contains("analysis.stepWeight");
        });
        List<JsonNode> warnings = canaryEvents(id).stream()
                .filter(e -> e.path("type").asText().equals("Warning") && e.path("message").asText().contains("is invalid")).toList();
        assertThat(warnings).as("one Warning Event, not one per pass").singleElement().satisfies(e -> {
            assertThat(e.path("reason").asText()).isEqualTo("Synced");
            assertThat(e.path("message").asText()).contains("analysis.stepWeight");
            assertThat(e.path("count").asInt()).isEqualTo(1);
        });
        assertThat(canaryEvents(id)).as("the first rollout's events are on the object too")
                .anySatisfy(e -> assertThat(e.path("message").asText()).startsWith("Initialization done!"));

        editCanary(id, c -> ((ObjectNode) c.at("/spec/analysis")).put("stepWeight", 50));
        sync.runOnce();
        assertThat(h.runtime.store().spec(id).orElseThrow().problem()).isEmpty();
        assertThat(h.sim.object(ref).orElseThrow().path("status").path("conditions"))
                .as("fixed: only Promoted is left").singleElement()
                .satisfies(c -> assertThat(c.path("type").asText()).isEqualTo("Promoted"));
    }

    /** A field Flagger ignores for the provider: the object is taken as Flagger takes it, and one Warning names the field. */
    @Test
    void aFieldTheProviderIgnoresIsSyncedWithOneWarningEventNamingIt() throws Exception {
        CanarySync sync = h.runtime.clusterSync(WatchNamespaces.parse("sync-ignored"));
        String yaml = canaryYaml("sync-ignored", "podinfo", false);
        CanaryId id = apply(yaml, yaml.replace("  provider: gatewayapi:v1\n",
                "  provider: gatewayapi:v1\n  upstreamRef: {apiVersion: gloo.solo.io/v1, kind: Upstream, name: podinfo}\n"));
        sync.runOnce();
        sync.runOnce();

        assertThat(h.runtime.store().spec(id)).as("stored, as Flagger takes it").isPresent();
        assertThat(h.runtime.store().spec(id).orElseThrow().problem()).isEmpty();
        List<JsonNode> warnings = canaryEvents(id).stream()
                .filter(e -> e.path("message").asText().contains("upstreamRef")).toList();
        assertThat(warnings).as("one Warning Event per document, not one per pass").singleElement().satisfies(e -> {
            assertThat(e.path("type").asText()).isEqualTo("Warning");
            assertThat(e.path("message").asText()).isEqualTo("Canary podinfo.sync-ignored upstreamRef: ignored, as by"
                    + " Flagger: only used by the gloo provider, not \"gatewayapi:v1\"");
        });
    }

    /** The core/v1 Events of the canary's object, as {@code kubectl describe} selects them. */
    private static List<JsonNode> canaryEvents(CanaryId id) {
        String uid = h.sim.object(ResourceKind.CANARY.ref(id.namespace(), id.name())).orElseThrow().at("/metadata/uid").asText();
        List<JsonNode> out = new java.util.ArrayList<>();
        h.sim.client().list(ResourceKind.EVENT, Optional.of(id.namespace()))
                .forEach(e -> { if (e.at("/involvedObject/uid").asText().equals(uid)) out.add(e); });
        return out;
    }

    @Test
    void aCanaryOutsideTheWatchedNamespacesIsIgnoredAndAnApiCanaryIsTakenOver() throws Exception {
        RecordingObjects objects = new RecordingObjects();
        CanarySync sync = sync("sync-scope", objects);
        CanaryId outside = apply(canaryYaml("sync-elsewhere", "podinfo", false));
        String apiText = canaryYaml("sync-scope", "taken", false);
        CanaryId taken = new CanaryId("sync-scope", "taken");
        h.runtime.store().putSpec(taken, apiText);
        apply(apiText);

        SyncSummary pass = sync.runOnce();
        assertThat(pass.listed()).isEqualTo(1);
        assertThat(h.runtime.store().spec(outside)).isEmpty();
        assertThat(h.runtime.store().spec(taken).orElseThrow().origin()).isEqualTo(SpecOrigin.CLUSTER);
        // an API canary without an object in a watched namespace is not the sync's to delete
        CanaryId apiOnly = new CanaryId("sync-scope", "api-only");
        h.runtime.store().putSpec(apiOnly, canaryYaml("sync-scope", "api-only", false));
        assertThat(sync.runOnce().deleted()).isZero();
        assertThat(h.runtime.store().spec(apiOnly)).isPresent();
    }

    @Test
    void aCanaryFlaggerPromotedIsAdoptedWithoutARollout() throws Exception {
        RecordingObjects objects = new RecordingObjects();
        CanarySync sync = sync("sync-adopt", objects);
        String yaml = canaryYaml("sync-adopt", "podinfo", false);
        ObjectNode object = (ObjectNode) YAML.readTree(yaml);
        object.putObject("status").put("phase", "Succeeded").put("canaryWeight", 0).put("failedChecks", 0)
                .put("iterations", 0).put("lastAppliedSpec", "5c75b466fb").put("lastPromotedSpec", "5c75b466fb")
                .put("lastTransitionTime", "2026-01-01T00:00:00Z")
                .putArray("conditions").addObject().put("type", "Promoted").put("status", "True").put("reason", "Succeeded")
                .put("message", "Canary analysis completed successfully, promotion finished.");
        CanaryId id = apply(yaml, object.toString());

        SyncSummary pass = sync.runOnce();
        assertThat(pass.adopted()).isEqualTo(1);
        assertThat(pass.started()).as("the promoted template is no new revision").isZero();
        CanaryStatus adopted = status(id);
        assertThat(adopted.phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        JsonNode d = h.sim.client().require(ResourceKind.DEPLOYMENT.ref("sync-adopt", "podinfo"));
        assertThat(adopted.checksum()).isEqualTo(Revisions.of(d.path("spec").path("template")));
        assertThat(adopted.promotedChecksum()).isEqualTo(adopted.checksum());
        assertThat(sync.runOnce().started()).isZero();
    }

    @Test
    void aTrackedConfigMapChangeIsANewRevisionAndFlippingItBackIsAThird() throws Exception {
        RecordingObjects objects = new RecordingObjects();
        CanarySync sync = sync("sync-config", objects);
        CanaryId id = apply(canaryYaml("sync-config", "podinfo", false));
        ObjectNode cm = YAML.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("metadata").put("name", "podinfo-config").put("namespace", "sync-config");
        cm.putObject("data").put("color", "blue");
        h.sim.client().edit(ResourceKind.DEPLOYMENT.ref("sync-config", "podinfo"), d -> ((ObjectNode) d.at("/spec/template/spec"))
                .putArray("volumes").addObject().put("name", "config").putObject("configMap").put("name", "podinfo-config"));

        // a mandatory config that does not exist: no rollout, a failure naming it, until it exists
        SyncSummary missing = sync.runOnce();
        assertThat(missing.started()).isZero();
        assertThat(missing.failures()).anySatisfy(f -> assertThat(f).contains("configmap podinfo-config.sync-config"));
        h.sim.client().create(ResourceKind.CONFIG_MAP, cm);
        assertThat(sync.runOnce().started()).isEqualTo(1);
        h.assertEnded(rolloutOfCurrentTargetAndConfigs(id), ExecutionStatus.SUCCEEDED);
        assertThat(status(id).phase()).isEqualTo(CanaryPhase.INITIALIZED);
        assertThat(sync.runOnce().started()).as("nothing changed").isZero();

        List<String> executions = new java.util.ArrayList<>();
        for (String color : List.of("green", "blue")) {
            // only the ConfigMap changes: the Deployment's generation stays
            h.sim.client().edit(ResourceKind.CONFIG_MAP.ref("sync-config", "podinfo-config"),
                    c -> ((ObjectNode) c.path("data")).put("color", color));
            assertThat(sync.runOnce().started()).as("a change of podinfo-config to " + color).isEqualTo(1);
            Execution rollout = rolloutOfCurrentTargetAndConfigs(id);
            executions.add(rollout.name());
            h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);
            assertThat(status(id).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
            assertThat(h.sim.object(ResourceKind.CONFIG_MAP, "sync-config", "podinfo-config-primary").orElseThrow()
                    .at("/data/color").asText()).isEqualTo(color);
            assertThat(sync.runOnce().started()).as("no change after " + color).isZero();
        }
        assertThat(executions).doesNotHaveDuplicates();
    }

    /** The rollout the sync started for the target and its tracked configs as they are now. */
    static Execution rolloutOfCurrentTargetAndConfigs(CanaryId id) {
        JsonNode d = h.sim.client().require(ResourceKind.DEPLOYMENT.ref(id.namespace(), id.name()));
        JsonNode template = d.path("spec").path("template");
        var configs = new dev.flagstep.workload.config.ConfigTracker(h.sim.client(), id.namespace()).tracked(template.path("spec"));
        String revision = RevisionDetection.revision(Revisions.of(template, configs.checksums()),
                d.path("metadata").path("generation").asLong(0), configs.versions());
        return h.runtime.rollout(ExecutionNames.of(id, revision))
                .orElseThrow(() -> new AssertionError("no rollout of " + id + " revision " + revision));
    }
}
