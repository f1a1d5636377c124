package dev.flagstep.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.knative.KnativeService;
import dev.flagstep.spec.CanaryDocument;
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

    static RolloutHarness h;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start();
        h.sim.reconcileOnEveryWrite(true);
        h.hooks.script("/prom" + Prometheus.QUERY, Reply.status(200).body(Prometheus.vector(100)));
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
        return h.canary("""
                apiVersion: flagger.app/v1beta1
                kind: Canary
                metadata:
                  name: %1$s
                  namespace: e2e
                spec:
                  provider: knative
                  targetRef:
                    apiVersion: serving.knative.dev/v1
                    kind: Service
                    name: %1$s
                  progressDeadlineSeconds: 60
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
                  namespace: e2e
                spec:
                  provider:
                    type: prometheus
                    address: %2$s/%3$s
                  query: sum(rate(requests_total[1m]))
                """.formatted(name, h.hooksUrl(), prometheusPath));
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
