package dev.flagstep.local.e2e;

import static dev.flagstep.local.e2e.FailureKit.successRate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanaryDocument;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code targetRef.kind: DaemonSet} end to end, with Flagger's semantics: a {@code -primary} DaemonSet, the canary
 * "scaled to zero" by the {@code flagger.app/scale-to-zero} node selector no node matches, readiness from the
 * DaemonSet status with the deadline counted from the canary's last status transition, OnDelete refused.
 */
class DaemonSetE2ETest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCALE_TO_ZERO = "flagger.app/scale-to-zero";
    static final FailureKit.FaultSwitch FAULTS = new FailureKit.FaultSwitch();
    /** Per canary, the target's template node selector as each phase function found it. */
    static final Map<String, List<String>> SEEN = new ConcurrentHashMap<>();
    static RolloutHarness h;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start(FAULTS);
        // states are compared at each phase: the simulated controllers settle every write before it returns
        h.sim.reconcileOnEveryWrite(true);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static CanaryDocument canary(String name, String provider, String analysis, String... specFields) {
        successRate(h, name, 99.9);
        CanaryYaml y = FailureKit.canary(h, name).kind("DaemonSet").provider(provider);
        for (String f : specFields) y.spec(f);
        CanaryDocument doc = h.canary(y.analysis(analysis));
        SEEN.put(name, new CopyOnWriteArrayList<>());
        FAULTS.on(name, (function, payload) -> SEEN.get(name).add(function + ":" + nodeSelector(name)));
        return doc;
    }

    private static ObjectNode ds(String name) {
        return h.sim.object(ResourceKind.DAEMON_SET, "e2e", name).orElseThrow();
    }

    private static String nodeSelector(String name) {
        return ds(name).at("/spec/template/spec/nodeSelector").toString();
    }

    private static String image(String name) {
        return ds(name).at("/spec/template/spec/containers/0/image").asText();
    }

    private static JsonNode apexSelector(String name) {
        return h.sim.object(ResourceKind.SERVICE, "e2e", name).orElseThrow().at("/spec/selector");
    }

    /** Bootstraps the canary, then checks what Flagger's Initialize leaves: primary ready, target on no node. */
    private static void bootstrap(CanaryDocument doc) throws Exception {
        String n = doc.canary().id().name();
        Execution first = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());
        h.assertEnded(first, ExecutionStatus.SUCCEEDED);
        h.sim.awaitReconciled(Duration.ofSeconds(10));
        JsonNode primary = ds(n + "-primary");
        assertThat(primary.at("/spec/selector/matchLabels")).isEqualTo(JSON.readTree("{\"app\": \"" + n + "-primary\"}"));
        assertThat(primary.at("/status/desiredNumberScheduled").asInt()).as("one pod per node").isEqualTo(3);
        assertThat(primary.at("/status/numberAvailable").asInt()).isEqualTo(3);
        assertThat(primary.at("/spec/template/spec").has("nodeSelector")).isFalse();
        assertThat(ds(n).at("/spec/template/spec/nodeSelector")).isEqualTo(JSON.readTree("{\"" + SCALE_TO_ZERO + "\": \"true\"}"));
        assertThat(ds(n).at("/status/desiredNumberScheduled").asInt()).as("the target scheduled nowhere").isZero();
        assertThat(apexSelector(n)).isEqualTo(JSON.readTree("{\"app\": \"" + n + "-primary\"}"));
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.INITIALIZED);
        // scaling the target to zero is no new revision
        assertThat(h.cluster(doc).targetRevision()).isEqualTo(h.status(doc).checksum());
    }

    /** A new image is rolled out and promoted: the canary ran on every node during the analysis only. */
    private static void assertPromoted(CanaryDocument doc, Execution rollout, String revision) throws Exception {
        String n = doc.canary().id().name();
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);
        h.sim.awaitReconciled(Duration.ofSeconds(10));
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(image(n + "-primary")).isEqualTo(RolloutHarness.NEW_IMAGE);
        assertThat(ds(n + "-primary").at("/spec/template/spec").has("nodeSelector"))
                .as("promotion copies the template without the scale-to-zero selector").isFalse();
        assertThat(ds(n + "-primary").at("/status/numberAvailable").asInt()).isEqualTo(3);
        assertThat(ds(n).at("/spec/template/spec/nodeSelector/" + SCALE_TO_ZERO.replace("/", "~1")).asText())
                .as("the target scaled to zero again").isEqualTo("true");
        assertThat(ds(n).at("/status/desiredNumberScheduled").asInt()).isZero();
        assertThat(apexSelector(n)).isEqualTo(JSON.readTree("{\"app\": \"" + n + "-primary\"}"));
        // the selector's add and remove never made a revision: the run's revision is the recorded one
        assertThat(h.status(doc).checksum()).isEqualTo(revision);
        assertThat(h.cluster(doc).targetRevision()).isEqualTo(revision);
        // the canary ran during the analysis, and not before it was started
        List<String> seen = SEEN.get(n);
        assertThat(seen).contains("StartRollout:{\"" + SCALE_TO_ZERO + "\":\"true\"}");
        assertThat(seen).anyMatch(s -> s.startsWith("Analysis:") && s.endsWith(":"));
        assertThat(h.messages(doc.canary().id())).contains(
                "New revision detected! Scaling up " + n + ".e2e",
                "Copying " + n + ".e2e template spec to " + n + "-primary.e2e");
    }

    @Test
    void aDaemonSetCanaryIsPromotedWithWeightsOnGatewayApi() throws Exception {
        String n = "ds-gw";
        CanaryDocument doc = canary(n, "gatewayapi:v1", FailureKit.analysis(h.hooksUrl(), n, 50, 50, "post-rollout"));
        bootstrap(doc);

        h.sim.newRevision("e2e", n, RolloutHarness.NEW_IMAGE);
        String revision = h.cluster(doc).targetRevision();
        Execution rollout = h.runtime.startRollout(doc, revision);
        assertPromoted(doc, rollout, revision);
        assertThat(h.runWeights(doc, rollout)).containsExactly(50, 0);
        assertThat(h.sequence("/" + n + "/post-rollout")).containsExactly("/" + n + "/post-rollout:Succeeded");
    }

    @Test
    void aDaemonSetCanaryIsPromotedBlueGreenOnTheKubernetesProvider() throws Exception {
        String n = "ds-bg";
        CanaryDocument doc = canary(n, "kubernetes", """
                    interval: 10s
                    threshold: 2
                    iterations: 2
                """ + CanaryYaml.SUCCESS_RATE);
        bootstrap(doc);

        h.sim.newRevision("e2e", n, RolloutHarness.NEW_IMAGE);
        String revision = h.cluster(doc).targetRevision();
        Execution rollout = h.runtime.startRollout(doc, revision);
        assertPromoted(doc, rollout, revision);
        assertThat(h.sim.object(ResourceKind.HTTP_ROUTE, "e2e", n)).isEmpty();
        assertThat(h.sim.object(ResourceKind.SERVICE, "e2e", n + "-canary").orElseThrow().at("/spec/selector"))
                .isEqualTo(JSON.readTree("{\"app\": \"" + n + "\"}"));
    }

    /** Flagger would copy the scale-to-zero selector into a primary recreated from a scaled-down target: flagstep does not. */
    @Test
    void aPrimaryRecreatedWhileTheTargetIsScaledDownRunsOnEveryNode() throws Exception {
        String n = "ds-recreate";
        CanaryDocument doc = canary(n, "gatewayapi:v1", FailureKit.analysis(h.hooksUrl(), n, 50, 50, "post-rollout"));
        bootstrap(doc);
        h.sim.client().delete(ResourceKind.DAEMON_SET.ref("e2e", n + "-primary"));

        Execution again = h.runtime.startRollout(doc, h.cluster(doc).targetRevision() + "-again");
        h.assertEnded(again, ExecutionStatus.SUCCEEDED);
        h.sim.awaitReconciled(Duration.ofSeconds(10));
        assertThat(ds(n + "-primary").at("/spec/template/spec").has("nodeSelector")).isFalse();
        assertThat(ds(n + "-primary").at("/status/numberAvailable").asInt()).isEqualTo(3);
        assertThat(h.messages(doc.canary().id())).contains("No new revision of " + n + ".e2e to roll out");
    }

    /** What every DaemonSet rollback leaves: traffic on the primary (old image), the target on no node, Failed. */
    private static void assertRolledBack(CanaryDocument doc, Execution rollout) throws Exception {
        String n = doc.canary().id().name();
        h.assertEnded(rollout, ExecutionStatus.FAILED);
        h.sim.awaitReconciled(Duration.ofSeconds(10));
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.FAILED);
        assertThat(h.status(doc).canaryWeight()).isZero();
        assertThat(image(n + "-primary")).isEqualTo(RolloutHarness.IMAGE);
        assertThat(ds(n).at("/spec/template/spec/nodeSelector/" + SCALE_TO_ZERO.replace("/", "~1")).asText())
                .as("the selector back on the target").isEqualTo("true");
        assertThat(ds(n).at("/status/desiredNumberScheduled").asInt()).isZero();
        assertThat(apexSelector(n)).isEqualTo(JSON.readTree("{\"app\": \"" + n + "-primary\"}"));
        assertThat(h.sequence("/" + n + "/post-rollout")).containsExactly("/" + n + "/post-rollout:Failed");
        assertThat(h.messages(doc.canary().id())).contains("Canary failed! Scaling down " + n + ".e2e");
    }

    @Test
    void aDaemonSetCanaryFailingItsChecksIsRolledBack() throws Exception {
        String n = "ds-fail";
        CanaryDocument doc = canary(n, "gatewayapi:v1", FailureKit.analysis(h.hooksUrl(), n, 20, 50, "post-rollout"));
        bootstrap(doc);

        successRate(h, n, 50);
        h.sim.newRevision("e2e", n, RolloutHarness.NEW_IMAGE);
        Execution rollout = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());
        assertRolledBack(doc, rollout);
        assertThat(h.messages(doc.canary().id())).anyMatch(m -> m.contains("failed checks threshold reached"));
    }

    @Test
    void aDaemonSetCanaryNeverReadyIsRolledBackPastTheDeadlineFromTheLastTransition() throws Exception {
        String n = "ds-stuck";
        CanaryDocument doc = canary(n, "gatewayapi:v1", FailureKit.analysis(h.hooksUrl(), n, 20, 50, "post-rollout"),
                "progressDeadlineSeconds: 60");
        bootstrap(doc);

        FAULTS.on(n, (function, payload) -> {
            if (function.equals("StartRollout")) h.sim.holdUnready(n, true);
        });
        try {
            h.sim.newRevision("e2e", n, RolloutHarness.NEW_IMAGE);
            Execution rollout = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());
            assertRolledBack(doc, rollout);
        } finally {
            h.sim.holdUnready(n, false);
        }
        List<String> messages = h.messages(doc.canary().id());
        assertThat(messages).contains("Rolling back " + n + ".e2e progress deadline exceeded canary damonset " + n
                + ".e2e not ready with retryable false: exceeded its progressDeadlineSeconds: 60");
        // no assertion on the "retryable true" warnings before it: how many ticks fit in the 60 s deadline depends on
        // how fast the loaded machine runs the scaled clock (FlaggerMessagesTest has their text)
    }

    @Test
    void anOnDeleteDaemonSetIsRefusedAndRetriedUntilItUsesRollingUpdate() throws Exception {
        String n = "ds-ondelete";
        CanaryDocument doc = canary(n, "gatewayapi:v1", FailureKit.analysis(h.hooksUrl(), n, 50, 50, "post-rollout"));
        h.sim.client().edit(ResourceKind.DAEMON_SET.ref("e2e", n),
                d -> d.withObjectProperty("spec").putObject("updateStrategy").put("type", "OnDelete"));
        String refused = "daemonset " + n + ".e2e must have RollingUpdate strategy but have OnDelete";

        Execution first = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());
        RolloutHarness.await("the refusal, twice", RolloutHarness.PATIENCE,
                () -> h.messages(doc.canary().id()).stream().filter(refused::equals).count() >= 2);
        assertThat(h.sim.object(ResourceKind.DAEMON_SET, "e2e", n + "-primary")).as("nothing created").isEmpty();
        assertThat(h.sim.object(ResourceKind.SERVICE, "e2e", n)).isEmpty();
        assertThat(nodeSelector(n)).as("the target untouched").isEqualTo("");
        assertThat(h.status(doc).phase()).isNotEqualTo(CanaryPhase.FAILED);

        // fixed by the user: the same run goes on and onboards the canary
        h.sim.client().edit(ResourceKind.DAEMON_SET.ref("e2e", n),
                d -> d.withObjectProperty("spec").putObject("updateStrategy").put("type", "RollingUpdate"));
        h.assertEnded(first, ExecutionStatus.SUCCEEDED);
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.INITIALIZED);
        assertThat(ds(n + "-primary").at("/spec/updateStrategy/type").asText()).isEqualTo("RollingUpdate");
    }

    @Test
    void aTrackedConfigMapIsCopiedForADaemonSet() throws Exception {
        String n = "ds-cfg";
        CanaryDocument doc = canary(n, "gatewayapi:v1", FailureKit.analysis(h.hooksUrl(), n, 50, 50, "post-rollout"));
        ObjectNode cm = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("metadata").put("name", n + "-config").put("namespace", "e2e");
        cm.putObject("data").put("color", "blue");
        h.sim.client().create(ResourceKind.CONFIG_MAP, cm);
        h.sim.client().edit(ResourceKind.DAEMON_SET.ref("e2e", n), d -> ((ObjectNode) d.at("/spec/template/spec"))
                .putArray("volumes").addObject().put("name", "config").putObject("configMap").put("name", n + "-config"));

        bootstrap(doc);

        assertThat(h.sim.object(ResourceKind.CONFIG_MAP, "e2e", n + "-config-primary").orElseThrow().path("data"))
                .isEqualTo(JSON.readTree("{\"color\": \"blue\"}"));
        assertThat(ds(n + "-primary").at("/spec/template/spec/volumes/0/configMap/name").asText()).isEqualTo(n + "-config-primary");
        assertThat(ds(n).at("/spec/template/spec/volumes/0/configMap/name").asText()).isEqualTo(n + "-config");
        assertThat(h.status(doc).trackedConfigs()).containsOnlyKeys("configmap/" + n + "-config");
    }
}
