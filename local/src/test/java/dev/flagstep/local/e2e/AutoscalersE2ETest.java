package dev.flagstep.local.e2e;

import static dev.flagstep.local.e2e.FailureKit.replicas;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.flagstep.store.SpecOrigin;
import dev.flagstep.sync.CanaryDeletion;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Flagger's autoscaler support end to end: the user's HPA or KEDA ScaledObject is copied to
 * {@code {name}-primary} once the primary is ready and again at promotion only, the target stays at zero between
 * runs (an HPA is disabled at 0 replicas, a ScaledObject is paused), and the canary is scaled up to the
 * autoscaler's minimum. The simulated cluster runs an HPA and a KEDA controller; it reconciles after every write,
 * so what each write leads to is seen before the next.
 */
class AutoscalersE2ETest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PAUSED = "autoscaling.keda.sh/paused-replicas";
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

    @Test
    void anHpaBackedCanaryPromotesAndItsHpaReachesThePrimaryOnlyAtPromotion() throws Exception {
        String name = "hpa";
        FailureKit.successRate(h, name, 99.9);
        h.hooks.script("/" + name + "/confirm-promotion", Reply.status(403));
        CanaryDocument doc = h.canary(FailureKit.canary(h, name)
                .spec("autoscalerRef: {apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, name: hpa, "
                        + "primaryScalerReplicas: {maxReplicas: 6}}")
                .analysis(FailureKit.analysis(h.hooksUrl(), name, 50, 50, "confirm-promotion")));
        create(ResourceKind.HORIZONTAL_POD_AUTOSCALER, hpa(name, name, 3, 4, 99));
        assertThat(replicas(h, name)).as("the user's HPA scales the target into its bounds").isEqualTo(3);

        h.assertEnded(h.runtime.startRollout(doc, h.cluster(doc).targetRevision()), ExecutionStatus.SUCCEEDED);

        // Flagger's bootstrap: the primary with the target's replicas, then its HPA (max from primaryScalerReplicas)
        ObjectNode primaryHpa = object(ResourceKind.HORIZONTAL_POD_AUTOSCALER, "hpa-primary");
        assertThat(primaryHpa.path("spec")).isEqualTo(JSON.readTree("""
                {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "hpa-primary"},
                 "minReplicas": 3, "maxReplicas": 6, "metrics": %s}""".formatted(cpu(99))));
        assertThat(primaryHpa.path("metadata").path("labels")).as("labels minus Flux's")
                .isEqualTo(JSON.readTree("{\"app\": \"hpa\"}"));
        assertThat(primaryHpa.path("metadata").has("annotations")).as("no annotations").isFalse();
        assertThat(replicas(h, name + "-primary")).isEqualTo(3);
        assertStaysAtZero(name);
        assertThat(condition(object(ResourceKind.HORIZONTAL_POD_AUTOSCALER, name), "ScalingActive").path("reason").asText())
                .isEqualTo("ScalingDisabled");

        // a change of the user's HPA alone is no new revision, and does not reach the primary's HPA
        editHpa(name, 5, 70);
        assertThat(h.cluster(doc).targetRevision()).isEqualTo(h.status(doc).checksum());
        h.sim.awaitReconciled(Duration.ofSeconds(10));
        assertThat(object(ResourceKind.HORIZONTAL_POD_AUTOSCALER, "hpa-primary").path("spec").path("metrics"))
                .isEqualTo(JSON.readTree(cpu(99)));

        h.sim.newRevision("e2e", name, RolloutHarness.NEW_IMAGE);
        Execution rollout = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());
        RolloutHarness.await("the rollout to wait for promotion", RolloutHarness.PATIENCE,
                () -> h.status(doc).phase() == CanaryPhase.WAITING_PROMOTION);
        assertThat(replicas(h, name)).as("the canary runs at the HPA's minimum").isEqualTo(3);
        assertThat(object(ResourceKind.HORIZONTAL_POD_AUTOSCALER, "hpa-primary").path("spec").path("metrics"))
                .as("the primary's HPA during the run").isEqualTo(JSON.readTree(cpu(99)));

        h.hooks.script("/" + name + "/confirm-promotion", Reply.status(200));
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(FailureKit.image(h, name + "-primary")).isEqualTo(RolloutHarness.NEW_IMAGE);
        // promoted: the user's HPA reaches the primary's, primaryScalerReplicas still wins
        JsonNode promoted = object(ResourceKind.HORIZONTAL_POD_AUTOSCALER, "hpa-primary").path("spec");
        assertThat(promoted.path("metrics")).isEqualTo(JSON.readTree(cpu(70)));
        assertThat(promoted.path("minReplicas").asInt()).isEqualTo(3);
        assertThat(promoted.path("maxReplicas").asInt()).isEqualTo(6);
        assertStaysAtZero(name);
    }

    @Test
    void aKedaScaledObjectIsCopiedWithPrimaryQueriesAndPausedWhileTheTargetIsAtZero() throws Exception {
        String name = "keda";
        FailureKit.successRate(h, name, 99.9);
        h.hooks.script("/" + name + "/confirm-promotion", Reply.status(403));
        CanaryDocument doc = h.canary(FailureKit.canary(h, name)
                .spec("autoscalerRef: {apiVersion: keda.sh/v1alpha1, kind: ScaledObject, name: keda-so}")
                .analysis(FailureKit.analysis(h.hooksUrl(), name, 50, 50, "confirm-promotion")));
        create(ResourceKind.SCALED_OBJECT, scaledObject("keda-so", name, 2, 5));

        h.assertEnded(h.runtime.startRollout(doc, h.cluster(doc).targetRevision()), ExecutionStatus.SUCCEEDED);

        ObjectNode primary = object(ResourceKind.SCALED_OBJECT, "keda-so-primary");
        assertThat(primary.at("/spec/scaleTargetRef/name").asText()).isEqualTo("keda-primary");
        assertThat(primary.at("/spec/triggers/0/metadata/query").asText())
                .isEqualTo("sum(rate(http_requests_total{app=\"keda-primary\"}[1m]))");
        assertThat(primary.at("/spec/triggers/1/metadata/query").asText())
                .isEqualTo("sum(x{deployment=\"keda-primary\"}) + sum(y{deployment=\"keda-primary\"})");
        assertThat(primary.at("/spec/advanced/horizontalPodAutoscalerConfig/name").asText()).isEqualTo("keda-hpa-primary");
        assertThat(primary.at("/metadata/annotations").has(PAUSED)).as("the primary's copy is never paused").isFalse();
        assertThat(paused("keda-so")).contains("0");
        assertStaysAtZero(name);

        h.sim.newRevision("e2e", name, RolloutHarness.NEW_IMAGE);
        Execution rollout = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());
        RolloutHarness.await("the rollout to wait for promotion", RolloutHarness.PATIENCE,
                () -> h.status(doc).phase() == CanaryPhase.WAITING_PROMOTION);
        assertThat(paused("keda-so")).as("resumed for the run").isEmpty();
        assertThat(replicas(h, name)).isEqualTo(2);

        h.hooks.script("/" + name + "/confirm-promotion", Reply.status(200));
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);
        assertThat(paused("keda-so")).as("paused again by Finalise").contains("0");
        assertStaysAtZero(name);
    }

    @Test
    void aRollbackWithAScaledObjectEndsOnThePrimaryWithTheTargetPausedAtZero() throws Exception {
        String name = "kedarb";
        FailureKit.successRate(h, name, 99.9);
        CanaryDocument doc = h.canary(FailureKit.canary(h, name)
                .spec("autoscalerRef: {kind: ScaledObject, name: kedarb-so, primaryScalerReplicas: {minReplicas: 3},"
                        + " primaryScalerQueries: {prom: 'sum(rate(http_requests_total{app=\"kedarb-primary\",code=\"200\"}[1m]))'}}")
                .analysis(FailureKit.analysis(h.hooksUrl(), name, 20, 50, "post-rollout")));
        create(ResourceKind.SCALED_OBJECT, scaledObject("kedarb-so", name, 2, 5));
        h.assertEnded(h.runtime.startRollout(doc, h.cluster(doc).targetRevision()), ExecutionStatus.SUCCEEDED);
        ObjectNode primary = object(ResourceKind.SCALED_OBJECT, "kedarb-so-primary");
        assertThat(primary.at("/spec/minReplicaCount").asInt()).isEqualTo(3);
        assertThat(primary.at("/spec/triggers/0/metadata/query").asText())
                .isEqualTo("sum(rate(http_requests_total{app=\"kedarb-primary\",code=\"200\"}[1m]))");
        assertThat(primary.at("/spec/triggers/1/metadata/query").asText()).as("unnamed: kept as written")
                .isEqualTo("sum(x{deployment=\"kedarb-canary\"}) + sum(y{deployment=\"kedarb\"})");
        assertThat(replicas(h, name + "-primary")).as("the primary's ScaledObject scales the primary").isEqualTo(3);

        FailureKit.successRate(h, name, 50);
        h.sim.newRevision("e2e", name, RolloutHarness.NEW_IMAGE);
        h.assertEnded(h.runtime.startRollout(doc, h.cluster(doc).targetRevision()), ExecutionStatus.FAILED);

        FailureKit.assertRolledBack(h, doc);
        assertThat(paused("kedarb-so")).contains("0");
        assertStaysAtZero(name);
        assertThat(h.calls("/" + name + "/post-rollout")).isNotEmpty();
    }

    @Test
    void aRollbackWithAnHpaLeavesTheTargetAtZero() throws Exception {
        String name = "hparb";
        FailureKit.successRate(h, name, 99.9);
        CanaryDocument doc = h.canary(FailureKit.canary(h, name)
                .spec("autoscalerRef: {kind: HorizontalPodAutoscaler, name: hparb}")
                .analysis(FailureKit.analysis(h.hooksUrl(), name, 20, 50, "post-rollout")));
        create(ResourceKind.HORIZONTAL_POD_AUTOSCALER, hpa(name, name, 2, 4, 80));
        h.assertEnded(h.runtime.startRollout(doc, h.cluster(doc).targetRevision()), ExecutionStatus.SUCCEEDED);

        FailureKit.successRate(h, name, 50);
        h.sim.newRevision("e2e", name, RolloutHarness.NEW_IMAGE);
        h.assertEnded(h.runtime.startRollout(doc, h.cluster(doc).targetRevision()), ExecutionStatus.FAILED);

        FailureKit.assertRolledBack(h, doc);
        assertStaysAtZero(name);
        assertThat(h.calls("/" + name + "/post-rollout")).isNotEmpty();
        assertThat(object(ResourceKind.HORIZONTAL_POD_AUTOSCALER, "hparb-primary").at("/spec/scaleTargetRef/name").asText())
                .isEqualTo("hparb-primary");
    }

    @Test
    void skipAnalysisUpdatesThePrimaryHpaWithThePromotion() throws Exception {
        String name = "hpaskip";
        FailureKit.successRate(h, name, 99.9);
        CanaryDocument doc = h.canary(FailureKit.canary(h, name).spec("skipAnalysis: true")
                .spec("autoscalerRef: {kind: HorizontalPodAutoscaler, name: hpaskip}")
                .analysis(FailureKit.analysis(h.hooksUrl(), name, 20, 50)));
        create(ResourceKind.HORIZONTAL_POD_AUTOSCALER, hpa(name, name, 2, 4, 80));
        h.assertEnded(h.runtime.startRollout(doc, h.cluster(doc).targetRevision()), ExecutionStatus.SUCCEEDED);
        editHpa(name, 5, 60);

        h.sim.newRevision("e2e", name, RolloutHarness.NEW_IMAGE);
        h.assertEnded(h.runtime.startRollout(doc, h.cluster(doc).targetRevision()), ExecutionStatus.SUCCEEDED);

        assertThat(FailureKit.image(h, name + "-primary")).isEqualTo(RolloutHarness.NEW_IMAGE);
        JsonNode promoted = object(ResourceKind.HORIZONTAL_POD_AUTOSCALER, "hpaskip-primary").path("spec");
        assertThat(promoted.path("maxReplicas").asInt()).isEqualTo(5);
        assertThat(promoted.path("metrics")).isEqualTo(JSON.readTree(cpu(60)));
        assertStaysAtZero(name);
    }

    @Test
    void aMissingAutoscalerHoldsTheBootstrapUntilItIsApplied() throws Exception {
        String name = "late";
        FailureKit.successRate(h, name, 99.9);
        CanaryDocument doc = h.canary(FailureKit.canary(h, name)
                .spec("autoscalerRef: {kind: HorizontalPodAutoscaler, name: late}")
                .analysis(FailureKit.analysis(h.hooksUrl(), name, 20, 50, "post-rollout")));
        Execution bootstrap = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());
        RolloutHarness.await("a retried Initialize naming the HPA", RolloutHarness.PATIENCE, () -> h.messages(doc.canary().id())
                .stream().anyMatch(m -> m.contains("will be retried") && m.contains("HorizontalPodAutoscaler late.e2e")));
        assertThat(replicas(h, name)).as("the target still serves").isPositive();

        create(ResourceKind.HORIZONTAL_POD_AUTOSCALER, hpa(name, name, 2, 4, 80));
        h.assertEnded(bootstrap, ExecutionStatus.SUCCEEDED);
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.INITIALIZED);
        assertThat(h.sim.object(ResourceKind.HORIZONTAL_POD_AUTOSCALER, "e2e", "late-primary")).isPresent();
        assertThat(h.calls("/" + name + "/post-rollout")).as("no rollback").isEmpty();
    }

    @Test
    void theCanaryIsScaledUpToTheAutoscalersMinimumAndThePrimaryKeepsItsReplicasAtPromotion() throws Exception {
        // autoscalers aimed elsewhere: nothing but flagstep changes these Deployments' replicas
        create(ResourceKind.HORIZONTAL_POD_AUTOSCALER, hpa("up-hpa", "elsewhere", 4, 8, 80));
        create(ResourceKind.SCALED_OBJECT, scaledObject("up-so", "elsewhere", 3, 8));
        var withHpa = h.cluster(h.canary(FailureKit.canary(h, "up-a")
                .spec("autoscalerRef: {kind: HorizontalPodAutoscaler, name: up-hpa}").analysis(FailureKit.analysis(h.hooksUrl(), "up-a", 20, 50))));
        var withSo = h.cluster(h.canary(FailureKit.canary(h, "up-b")
                .spec("autoscalerRef: {kind: ScaledObject, name: up-so}").analysis(FailureKit.analysis(h.hooksUrl(), "up-b", 20, 50))));
        var without = h.cluster(h.canary(FailureKit.canary(h, "up-c").analysis(FailureKit.analysis(h.hooksUrl(), "up-c", 20, 50))));
        for (var c : List.of(withHpa, withSo, without)) c.initialize();
        setReplicas("up-c-primary", 5);
        for (String n : List.of("up-a", "up-b", "up-c")) setReplicas(n, 0);

        withHpa.scaleCanaryUp();
        withSo.scaleCanaryUp();
        without.scaleCanaryUp();
        assertThat(replicas(h, "up-a")).as("HPA minReplicas").isEqualTo(4);
        assertThat(replicas(h, "up-b")).as("ScaledObject minReplicaCount").isEqualTo(3);
        assertThat(replicas(h, "up-c")).as("no autoscaler: the primary's").isEqualTo(5);

        // Flagger's Promote copies the replicas only when no autoscaler scales the primary: here its HPA (4..8) does
        setReplicas("up-a", 7);
        withHpa.promote();
        assertThat(replicas(h, "up-a-primary")).as("left to the primary's HPA").isEqualTo(4);
        without.promote();
        assertThat(replicas(h, "up-c-primary")).isEqualTo(5);
        setReplicas("up-c", 7);
        without.promote();
        assertThat(replicas(h, "up-c-primary")).isEqualTo(7);
    }

    @Test
    void aDeletedCanaryWithRevertOnDeletionResumesItsScaledObjectBeforeTheTargetIsRestored() throws Exception {
        String name = "kedadel";
        FailureKit.successRate(h, name, 99.9);
        String text = FailureKit.canary(h, name).spec("revertOnDeletion: true")
                .spec("autoscalerRef: {kind: ScaledObject, name: kedadel-so}")
                .analysis(FailureKit.analysis(h.hooksUrl(), name, 20, 50));
        CanaryDocument doc = h.canary(text);
        CanaryId id = doc.canary().id();
        h.runtime.store().putSpec(id, text, SpecOrigin.CLUSTER);
        create(ResourceKind.SCALED_OBJECT, scaledObject("kedadel-so", name, 2, 5));
        h.assertEnded(h.runtime.startRollout(doc, h.cluster(doc).targetRevision()), ExecutionStatus.SUCCEEDED);
        assertThat(paused("kedadel-so")).contains("0");

        CanaryDeletion deletion = new CanaryDeletion(h.sim.client(), h.runtime.store(), h.runtime.executions(), new NoObject(),
                h.runtime.clock(), "gatewayapi:v1");
        RolloutHarness.await("canary " + id + " gone from the store", Duration.ofSeconds(30), () -> {
            deletion.deleted(id, Optional.empty());
            return h.runtime.store().spec(id).isEmpty();
        });

        assertThat(paused("kedadel-so")).as("resumed").isEmpty();
        h.sim.awaitReconciled(Duration.ofSeconds(10));
        assertThat(replicas(h, name)).as("the target serves again, within its ScaledObject's bounds").isBetween(2, 5);
        assertThat(h.sim.object(ResourceKind.SERVICE, "e2e", name).orElseThrow().at("/spec/selector/app").asText())
                .isEqualTo(name);
    }

    // --- the cluster ---------------------------------------------------------------------------------------

    /** The Canary object is gone already: nothing to write on. */
    private static final class NoObject implements CanaryObjects {
        @Override
        public boolean writeStatus(CanaryId id, CanaryStatus status, Optional<String> invalid) {
            return false;
        }

        @Override
        public void record(CanaryId id, List<CanaryEvent> events) {
        }
    }

    /** The target at 0 after several passes of the cluster's controllers: its autoscaler leaves it there. */
    private static void assertStaysAtZero(String deployment) {
        for (int pass = 0; pass < 3; pass++) {
            h.sim.awaitReconciled(Duration.ofSeconds(10));
            assertThat(replicas(h, deployment)).as("target replicas after " + (pass + 1) + " passes").isZero();
        }
    }

    private static String cpu(int utilization) {
        return """
                [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": %d}}}]"""
                .formatted(utilization);
    }

    private static ObjectNode hpa(String name, String target, int min, int max, int utilization) throws Exception {
        return (ObjectNode) JSON.readTree("""
                {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                 "metadata": {"name": "%s", "namespace": "e2e", "labels": {"app": "%s", "kustomize.toolkit.fluxcd.io/name": "apps"},
                              "annotations": {"team": "a"}},
                 "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "%s"},
                          "minReplicas": %d, "maxReplicas": %d, "metrics": %s}}"""
                .formatted(name, target, target, min, max, cpu(utilization)));
    }

    private static ObjectNode scaledObject(String name, String target, int min, int max) throws Exception {
        return (ObjectNode) JSON.readTree("""
                {"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
                 "metadata": {"name": "%1$s", "namespace": "e2e", "labels": {"app": "%2$s"}},
                 "spec": {"scaleTargetRef": {"name": "%2$s"}, "minReplicaCount": %3$d, "maxReplicaCount": %4$d,
                          "advanced": {"horizontalPodAutoscalerConfig": {"name": "%2$s-hpa"}},
                          "triggers": [
                            {"type": "prometheus", "name": "prom", "metadata": {"serverAddress": "http://prometheus.istio-system:9090",
                             "query": "sum(rate(http_requests_total{app=\\"%2$s\\"}[1m]))", "threshold": "10"}},
                            {"type": "prometheus", "metadata": {"serverAddress": "http://prometheus.istio-system:9090",
                             "query": "sum(x{deployment=\\"%2$s-canary\\"}) + sum(y{deployment=\\"%2$s\\"})", "threshold": "5"}}]}}"""
                .formatted(name, target, min, max));
    }

    private static void create(ResourceKind kind, ObjectNode object) {
        h.sim.client().create(kind, object);
    }

    private static void editHpa(String name, int max, int utilization) throws Exception {
        JsonNode metrics = JSON.readTree(cpu(utilization));
        h.sim.client().edit(ResourceKind.HORIZONTAL_POD_AUTOSCALER.ref("e2e", name), o -> {
            ObjectNode spec = o.withObjectProperty("spec");
            spec.put("maxReplicas", max);
            spec.set("metrics", metrics.deepCopy());
        });
    }

    private static void setReplicas(String deployment, int replicas) {
        h.sim.client().edit(ResourceKind.DEPLOYMENT.ref("e2e", deployment), d -> d.withObjectProperty("spec").put("replicas", replicas));
    }

    private static ObjectNode object(ResourceKind kind, String name) {
        return h.sim.object(kind, "e2e", name).orElseThrow(() -> new AssertionError(kind.kind() + " " + name + " does not exist"));
    }

    private static Optional<String> paused(String scaledObject) {
        JsonNode v = object(ResourceKind.SCALED_OBJECT, scaledObject).path("metadata").path("annotations").path(PAUSED);
        return v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
    }

    private static JsonNode condition(JsonNode object, String type) {
        for (JsonNode c : object.path("status").path("conditions")) if (type.equals(c.path("type").asText())) return c;
        return JSON.missingNode();
    }
}
