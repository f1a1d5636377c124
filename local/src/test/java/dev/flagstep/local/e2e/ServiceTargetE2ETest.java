package dev.flagstep.local.e2e;

import static dev.flagstep.local.e2e.FailureKit.successRate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.execution.ExecutionNames;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import dev.flagstep.store.SpecOrigin;
import dev.flagstep.sync.CanaryDeletion;
import dev.flagstep.sync.CanarySync;
import dev.flagstep.sync.RevisionDetection;
import dev.flagstep.sync.WatchNamespaces;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code targetRef: {apiVersion: v1, kind: Service}} end to end, with Flagger's semantics ({@code ServiceController},
 * {@code KubernetesNoopRouter}): Initialize copies the target Service into {@code {name}-canary} and
 * {@code {name}-primary}, the router splits the traffic between those two, the target (the apex) is never changed, and
 * a change of the target's spec (here its selector, pointing at a new Deployment) is a new revision that promotion
 * copies onto {@code {name}-primary}.
 */
class ServiceTargetE2ETest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static RolloutHarness h;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start();
        h.sim.reconcileOnEveryWrite(true);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static CanaryYaml yaml(String name, String provider) {
        successRate(h, name, 99.9);
        return FailureKit.canary(h, name).kind("Service").provider(provider);
    }

    private static ObjectNode service(String namespace, String name) {
        return h.sim.object(ResourceKind.SERVICE, namespace, name).orElseThrow();
    }

    private static JsonNode selector(String name) {
        return service("e2e", name).at("/spec/selector");
    }

    private static JsonNode app(String value) throws Exception {
        return JSON.readTree("{\"app\": \"" + value + "\"}");
    }

    /** The user points the target Service at a new version: a Deployment {@code {name}-green}, its selector changed. */
    private static void pointAtGreen(String namespace, String name) {
        KubeRef deployment = ResourceKind.DEPLOYMENT.ref(namespace, name);
        ObjectNode green = h.sim.client().require(deployment).deepCopy();
        green.remove("status");
        ObjectNode md = (ObjectNode) green.path("metadata");
        md.retain("name", "namespace", "labels");
        md.put("name", name + "-green").withObjectProperty("labels").put("app", name + "-green");
        ((ObjectNode) green.at("/spec/selector/matchLabels")).put("app", name + "-green");
        ((ObjectNode) green.at("/spec/template/metadata/labels")).put("app", name + "-green");
        ((ObjectNode) green.at("/spec/template/spec/containers/0")).put("image", RolloutHarness.NEW_IMAGE);
        h.sim.client().create(ResourceKind.DEPLOYMENT, green);
        h.sim.client().edit(ResourceKind.SERVICE.ref(namespace, name),
                s -> s.withObjectProperty("spec").withObjectProperty("selector").put("app", name + "-green"));
    }

    /** Initialize: two copies of the target, which itself is left as the user has it. */
    private static void bootstrap(CanaryDocument doc) throws Exception {
        String n = doc.canary().id().name();
        String revision = h.cluster(doc).targetRevision();
        h.assertEnded(h.runtime.startRollout(doc, revision), ExecutionStatus.SUCCEEDED);
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.INITIALIZED);
        assertThat(h.status(doc).checksum()).isEqualTo(revision);
        assertThat(selector(n + "-primary")).isEqualTo(app(n));
        assertThat(selector(n + "-canary")).isEqualTo(app(n));
        assertThat(selector(n)).as("the apex is the user's target Service, never re-pointed").isEqualTo(app(n));
    }

    @Test
    void aServiceCanaryIsPromotedWithWeightsOnGatewayApi() throws Exception {
        String n = "svc-gw";
        CanaryDocument doc = h.canary(yaml(n, "gatewayapi:v1").analysis(FailureKit.analysis(h.hooksUrl(), n, 25, 50, "post-rollout")));
        bootstrap(doc);
        JsonNode backends = h.sim.object(ResourceKind.HTTP_ROUTE, "e2e", n).orElseThrow().at("/spec/rules/0/backendRefs");
        assertThat(List.of(backends.path(0).path("name").asText(), backends.path(1).path("name").asText()))
                .containsExactly(n + "-primary", n + "-canary");

        pointAtGreen("e2e", n);
        String revision = h.cluster(doc).targetRevision();
        assertThat(revision).as("a changed Service spec is a new revision").isNotEqualTo(h.status(doc).checksum());
        Execution rollout = h.runtime.startRollout(doc, revision);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(h.runWeights(doc, rollout)).containsExactly(25, 50, 0);
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(selector(n + "-primary")).as("promotion copied the target's spec").isEqualTo(app(n + "-green"));
        assertThat(selector(n + "-canary")).isEqualTo(app(n + "-green"));
        assertThat(selector(n)).isEqualTo(app(n + "-green"));
        assertThat(h.status(doc).checksum()).isEqualTo(revision);
        assertThat(h.sequence("/" + n + "/post-rollout")).containsExactly("/" + n + "/post-rollout:Succeeded");
    }

    @Test
    void aServiceCanaryFailingItsChecksIsRolledBackToThePrimary() throws Exception {
        String n = "svc-fail";
        CanaryDocument doc = h.canary(yaml(n, "gatewayapi:v1").analysis(FailureKit.analysis(h.hooksUrl(), n, 20, 50, "post-rollout")));
        bootstrap(doc);

        successRate(h, n, 50);
        pointAtGreen("e2e", n);
        Execution rollout = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.FAILED);
        assertThat(h.status(doc).canaryWeight()).isZero();
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(selector(n + "-primary")).as("the primary still serves the old version").isEqualTo(app(n));
        assertThat(selector(n + "-canary")).isEqualTo(app(n + "-green"));
        assertThat(h.sequence("/" + n + "/post-rollout")).containsExactly("/" + n + "/post-rollout:Failed");
        assertThat(h.messages(doc.canary().id())).anyMatch(m -> m.contains("failed checks threshold reached"));
    }

    /** Flagger's NopRouter: nothing routes, the analysis runs on the metrics and promotion copies the spec. */
    @Test
    void aServiceCanaryOnTheKubernetesProviderIsPromotedWithoutARouter() throws Exception {
        String n = "svc-k8s";
        CanaryDocument doc = h.canary(yaml(n, "kubernetes").analysis("""
                    interval: 10s
                    threshold: 2
                    iterations: 2
                """ + CanaryYaml.SUCCESS_RATE));
        bootstrap(doc);

        pointAtGreen("e2e", n);
        Execution rollout = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(h.sim.object(ResourceKind.HTTP_ROUTE, "e2e", n)).isEmpty();
        assertThat(selector(n + "-primary")).isEqualTo(app(n + "-green"));
        assertThat(selector(n)).isEqualTo(app(n + "-green"));
    }

    /** revertOnDeletion: Flagger's ServiceController.Finalize changes nothing, so the user's Service stays as it is. */
    @Test
    void revertOnDeletionLeavesTheTargetServiceAsItIs() throws Exception {
        String n = "svc-revert";
        String text = yaml(n, "gatewayapi:v1").spec("revertOnDeletion: true")
                .analysis(FailureKit.analysis(h.hooksUrl(), n, 50, 50, "post-rollout"));
        CanaryDocument doc = h.canary(text);
        CanaryId id = doc.canary().id();
        h.runtime.store().putSpec(id, text, SpecOrigin.CLUSTER);
        bootstrap(doc);
        ObjectNode before = service("e2e", n);

        CanaryDeletion deletion = new CanaryDeletion(h.sim.client(), h.runtime.store(), h.runtime.executions(),
                new ClusterSyncE2ETest.RecordingObjects(), h.runtime.clock(), "gatewayapi:v1");
        RolloutHarness.await("canary " + id + " gone from the store", Duration.ofSeconds(30), () -> {
            deletion.deleted(id, java.util.Optional.empty());
            return h.runtime.store().spec(id).isEmpty();
        });
        assertThat(service("e2e", n).at("/spec")).isEqualTo(before.at("/spec"));
        assertThat(service("e2e", n).at("/metadata/resourceVersion")).as("not written").isEqualTo(before.at("/metadata/resourceVersion"));
    }

    /** The cluster sync notices a changed Service spec, and nothing flagstep writes is a new revision. */
    @Test
    void theSyncRollsOutAChangedServiceSpec() throws Exception {
        String text = yaml("svc-sync", "gatewayapi:v1").namespace("ssync")
                .analysis(FailureKit.analysis(h.hooksUrl(), "svc-sync", 50, 50, "post-rollout"));
        CanaryDocument doc = switch (new SpecParser().parse(text)) {
            case SpecResult.Valid v -> v.document();
            case SpecResult.Invalid i -> throw new IllegalArgumentException(i.errors().toString());
        };
        CanaryId id = doc.canary().id();
        h.sim.seed(doc.canary(), RolloutHarness.IMAGE);
        h.sim.client().create(ResourceKind.CANARY, (ObjectNode) new YAMLMapper().readTree(text));
        CanarySync sync = h.runtime.clusterSync(WatchNamespaces.parse("ssync"), new ClusterSyncE2ETest.RecordingObjects());

        assertThat(sync.runOnce().started()).isEqualTo(1);
        awaitPhase(id, CanaryPhase.INITIALIZED);
        assertThat(sync.runOnce().started()).as("Initialize's copies are no new revision").isZero();

        pointAtGreen("ssync", "svc-sync");
        assertThat(sync.runOnce().started()).isEqualTo(1);
        // Kubernetes keeps no generation for a Service: the rollout is named from its resourceVersion too
        ObjectNode target = service("ssync", "svc-sync");
        String name = ExecutionNames.of(id, RevisionDetection.revision(h.cluster(doc).targetRevision(),
                target.at("/metadata/generation").asLong(0), "service@" + target.at("/metadata/resourceVersion").asText()));
        assertThat(h.runtime.rollout(name)).as(name).isPresent();
        assertThat(sync.runOnce().started()).as("the same spec twice starts one rollout").isZero();
        awaitPhase(id, CanaryPhase.SUCCEEDED);
        assertThat(service("ssync", "svc-sync-primary").at("/spec/selector")).isEqualTo(app("svc-sync-green"));
        assertThat(sync.runOnce().started()).as("promotion's writes are no new revision").isZero();

        // back to the first version: a new revision again, though its spec was rolled out before
        h.sim.client().edit(ResourceKind.SERVICE.ref("ssync", "svc-sync"),
                s -> s.withObjectProperty("spec").withObjectProperty("selector").put("app", "svc-sync"));
        assertThat(sync.runOnce().started()).isEqualTo(1);
        RolloutHarness.await("the primary back on the first version", Duration.ofSeconds(60),
                () -> service("ssync", "svc-sync-primary").at("/spec/selector/app").asText().equals("svc-sync"));
        awaitPhase(id, CanaryPhase.SUCCEEDED);
    }

    /** Waits until the canary's stored status is {@code phase} with no rollout running. */
    private static void awaitPhase(CanaryId id, CanaryPhase phase) throws InterruptedException {
        RolloutHarness.await(id + " " + phase, Duration.ofSeconds(60), () -> h.runtime.store().statusRecord(id)
                .filter(s -> s.status().phase() == phase).isPresent() && h.runtime.store().activeRun(id).isEmpty());
    }
}
