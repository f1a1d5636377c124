package dev.flagstep.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.execution.ExecutionNames;
import dev.flagstep.knative.KnativeService;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
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
import dev.flagstep.testing.WebhookReceiver.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flagger's {@code test/knative/test-canary.sh} on the simulated cluster: a Canary on a Knative Service
 * ({@code provider: knative}, no {@code service} block) walks {@code spec.traffic} between the latest revision and the
 * primary revision the {@code flagger.app/primary-revision} annotation names, and promotion moves the annotation;
 * a failing analysis ends with all the traffic on the primary revision. Metrics come from a MetricTemplate on the fake
 * Prometheus.
 */
class KnativeE2ETest {

    static final YAMLMapper YAML = new YAMLMapper();
    static RolloutHarness h;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start();
        h.sim.reconcileOnEveryWrite(true);
        // only the canary revision's query passes: as in Flagger, {{ route }} is the latest created revision
        h.hooks.script("/prom" + Prometheus.QUERY, Reply.status(200).body(Prometheus.vector(50)));
        for (String revision : new String[] {"podinfo-00002", "ksvc-00002"}) {
            h.hooks.script("/prom" + Prometheus.QUERY + "?query=sum(rate(requests_total{revision=\"" + revision + "\"}[1m]))",
                    Reply.status(200).body(Prometheus.vector(100)));
        }
        h.hooks.script("/prom" + Prometheus.ONLINE, Reply.status(200).body(Prometheus.vector(1)));
        h.hooks.script("/failing" + Prometheus.QUERY, Reply.status(200).body(Prometheus.vector(50)));
        h.hooks.script("/failing" + Prometheus.ONLINE, Reply.status(200).body(Prometheus.vector(1)));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    /** Flagger's e2e canary (interval shortened), its success rate from {@code {hooks}/{prometheusPath}}. */
    static CanaryDocument canary(String name, String prometheusPath) {
        return h.canary(yaml(name, "e2e", prometheusPath));
    }

    static String yaml(String name, String namespace, String prometheusPath) {
        return yaml(name, namespace, prometheusPath, false);
    }

    static String yaml(String name, String namespace, String prometheusPath, boolean revertOnDeletion) {
        return """
                apiVersion: flagger.app/v1beta1
                kind: Canary
                metadata:
                  name: %1$s
                  namespace: %4$s
                spec:
                  provider: knative
                  targetRef:
                    apiVersion: serving.knative.dev/v1
                    kind: Service
                    name: %1$s
                  progressDeadlineSeconds: 60
                  revertOnDeletion: %5$s
                  analysis:
                    interval: 10s
                    threshold: 2
                    maxWeight: 50
                    stepWeight: 10
                    metrics:
                      - name: success rate
                        templateRef:
                          name: %1$s-success-rate
                        thresholdRange:
                          min: 99
                        interval: 1m
                ---
                apiVersion: flagger.app/v1beta1
                kind: MetricTemplate
                metadata:
                  name: %1$s-success-rate
                  namespace: %4$s
                spec:
                  provider:
                    type: prometheus
                    address: %2$s/%3$s
                  query: sum(rate(requests_total{revision="{{ route }}"}[1m]))
                """.formatted(name, h.hooksUrl(), prometheusPath, namespace, revertOnDeletion);
    }

    static ObjectNode service(String name) {
        return h.sim.object(KnativeService.SERVICE, "e2e", name).orElseThrow();
    }

    static String primaryRevision(String name) {
        return KnativeService.primaryRevision(service(name)).orElse("(none)");
    }

    @Test
    void promotionMovesThePrimaryRevisionAnnotation() throws Exception {
        CanaryDocument doc = canary("podinfo", "prom");
        Execution first = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());
        h.assertEnded(first, ExecutionStatus.SUCCEEDED);
        assertThat(primaryRevision("podinfo")).isEqualTo("podinfo-00001");
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());

        h.sim.newRevision("e2e", "podinfo", RolloutHarness.NEW_IMAGE);
        h.sim.awaitReconciled(java.time.Duration.ofSeconds(10));
        assertThat(h.cluster(doc).targetRevision()).isEqualTo("podinfo-00002");
        Execution rollout = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(h.runWeights(doc, rollout)).containsExactly(10, 20, 30, 40, 50, 0);
        assertThat(primaryRevision("podinfo")).isEqualTo("podinfo-00002");
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        JsonNode traffic = service("podinfo").at("/status/traffic");
        assertThat(traffic.path(1).path("revisionName").asText()).isEqualTo("podinfo-00002");
        assertThat(traffic.path(1).path("percent").asInt()).isEqualTo(100);
    }

    /** The cluster sync's revision of a Knative Service is its latest created revision's name (Flagger's lastAppliedSpec). */
    @Test
    void theSyncRollsOutEachNewKnativeRevision() throws Exception {
        String text = yaml("ksvc", "ksync", "prom");
        CanaryDocument doc = switch (new SpecParser().parse(text)) {
            case SpecResult.Valid v -> v.document();
            case SpecResult.Invalid i -> throw new IllegalArgumentException(i.errors().toString());
        };
        CanaryId id = doc.canary().id();
        h.sim.seed(doc.canary(), RolloutHarness.IMAGE);
        String[] parts = text.split("(?m)^---$");
        h.sim.client().create(ResourceKind.CANARY, (ObjectNode) YAML.readTree(parts[0]));
        h.sim.client().create(ResourceKind.METRIC_TEMPLATE, (ObjectNode) YAML.readTree(parts[1]));
        CanarySync sync = h.runtime.clusterSync(WatchNamespaces.parse("ksync"), new ClusterSyncE2ETest.RecordingObjects());

        assertThat(sync.runOnce().started()).isEqualTo(1);
        h.assertEnded(rolloutOf(id, "ksvc-00001"), ExecutionStatus.SUCCEEDED);
        assertThat(KnativeService.primaryRevision(service(id))).contains("ksvc-00001");
        assertThat(sync.runOnce().started()).as("Initialize's traffic write is no new revision").isZero();

        h.sim.newRevision("ksync", "ksvc", RolloutHarness.NEW_IMAGE);
        assertThat(sync.runOnce().started()).isEqualTo(1);
        h.assertEnded(rolloutOf(id, "ksvc-00002"), ExecutionStatus.SUCCEEDED);
        assertThat(KnativeService.primaryRevision(service(id))).contains("ksvc-00002");
        assertThat(h.runtime.store().statusRecord(id).orElseThrow().status().checksum()).isEqualTo("ksvc-00002");
        assertThat(sync.runOnce().started()).as("promotion's writes are no new revision").isZero();
    }

    static ObjectNode service(CanaryId id) {
        return h.sim.object(KnativeService.SERVICE, id.namespace(), id.name()).orElseThrow();
    }

    /** The rollout the sync started for {@code revision} (named from the Service's generation as it is now). */
    static Execution rolloutOf(CanaryId id, String revision) {
        long generation = service(id).path("metadata").path("generation").asLong(0);
        return h.runtime.rollout(ExecutionNames.of(id, RevisionDetection.revision(revision, generation)))
                .orElseThrow(() -> new AssertionError("no rollout of " + id + " revision " + revision + " at generation " + generation));
    }

    /** Flagger's finalizer: the annotation is removed; flagstep also gives the latest revision all the traffic. */
    @Test
    void revertOnDeletionHandsTheServiceBackToKnative() throws Exception {
        String text = yaml("krevert", "e2e", "prom", true);
        CanaryDocument doc = h.canary(text);
        CanaryId id = doc.canary().id();
        h.runtime.store().putSpec(id, text, SpecOrigin.CLUSTER);
        h.assertEnded(h.runtime.startRollout(doc, h.cluster(doc).targetRevision()), ExecutionStatus.SUCCEEDED);
        assertThat(primaryRevision("krevert")).isEqualTo("krevert-00001");

        CanaryDeletion deletion = new CanaryDeletion(h.sim.client(), h.runtime.store(), h.runtime.executions(),
                new ClusterSyncE2ETest.RecordingObjects(), h.runtime.clock(), "gatewayapi:v1");
        RolloutHarness.await("canary " + id + " gone from the store", java.time.Duration.ofSeconds(30), () -> {
            deletion.deleted(id, java.util.Optional.empty());
            return h.runtime.store().spec(id).isEmpty();
        });
        ObjectNode service = service("krevert");
        assertThat(KnativeService.primaryRevision(service)).isEmpty();
        assertThat(service.at("/spec/traffic").toString()).isEqualTo("[{\"latestRevision\":true,\"percent\":100}]");
    }

    @Test
    void failedAnalysisRoutesEverythingToThePrimaryRevision() throws Exception {
        CanaryDocument doc = canary("kfail", "failing");
        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.FAILED);
        assertThat(primaryRevision("kfail")).isEqualTo("kfail-00001");
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        JsonNode traffic = service("kfail").at("/status/traffic");
        assertThat(traffic.path(0).path("revisionName").asText()).isEqualTo("kfail-00002");
        assertThat(traffic.path(0).path("percent").asInt()).isZero();
        assertThat(traffic.path(1).path("revisionName").asText()).isEqualTo("kfail-00001");
        assertThat(traffic.path(1).path("percent").asInt()).isEqualTo(100);
    }
}
