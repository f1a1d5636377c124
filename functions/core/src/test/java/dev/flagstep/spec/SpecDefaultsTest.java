package dev.flagstep.spec;

import static dev.flagstep.spec.SpecParserTest.PODINFO;
import static dev.flagstep.spec.SpecParserTest.object;
import static dev.flagstep.spec.SpecParserTest.valid;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Flagger's defaults, applied while reading (pkg/apis/flagger/v1beta1/canary.go getters, webhook.go). */
class SpecDefaultsTest {

    final SpecParser parser = new SpecParser();

    CanarySpec read(String analysis) {
        String text = "targetRef: {kind: Deployment, name: podinfo}\nservice: {port: 9898}\n"
                + (analysis.isEmpty() ? "" : "analysis:\n" + analysis.indent(2));
        return valid(parser.parse(text, PODINFO)).canary();
    }

    @Test
    void everyDefault() {
        CanarySpec canary = read("""
                stepWeight: 10
                metrics: [{name: request-success-rate}]
                webhooks:
                  - {name: no-type, url: "http://hooks.test/"}
                  - {name: empty-type, type: "", url: "http://hooks.test/", timeout: ""}
                  - {name: one-char-timeout, url: "http://hooks.test/", timeout: "5"}
                """);

        assertThat(canary.provider()).isEmpty();
        assertThat(canary.metricsServer()).isEmpty();
        assertThat(canary.ingressRef()).isEmpty();
        assertThat(canary.autoscalerRef()).isEmpty();
        assertThat(canary.progressDeadlineSeconds()).isEqualTo(600);
        assertThat(canary.skipAnalysis()).isFalse();
        assertThat(canary.suspend()).isFalse();
        assertThat(canary.extra()).isEmpty();
        assertThat(canary.targetRef()).isEqualTo(new ObjectRef("apps/v1", "Deployment", "podinfo"));
        assertThat(canary.service()).isEqualTo(new ServiceSpec(Optional.empty(), 9898, Optional.empty(), Optional.empty(),
                false, List.of(), List.of(), List.of(), Optional.empty(), object("{}")));
        assertThat(canary.apexName()).isEqualTo("podinfo");

        Analysis a = canary.analysis().orElseThrow();
        assertThat(a.interval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(a.threshold()).isEqualTo(1);
        assertThat(a.maxWeight()).isZero();
        assertThat(a.stepWeights()).isEmpty();
        assertThat(a.stepWeightPromotion()).isZero();
        assertThat(a.iterations()).isZero();
        assertThat(a.match()).isEmpty();
        assertThat(a.mirror()).isFalse();
        assertThat(a.mirrorWeight()).isZero();
        assertThat(a.primaryReadyThreshold()).isEqualTo(100);
        assertThat(a.canaryReadyThreshold()).isEqualTo(100);
        assertThat(a.alerts()).isEmpty();
        assertThat(a.gateTimeout()).isEmpty();
        assertThat(a.webhookSecretRef()).isEmpty();
        assertThat(a.extra()).isEmpty();
        assertThat(a.metrics()).containsExactly(new MetricCheck("request-success-rate", ThresholdRange.none(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of()));
        assertThat(a.webhooks()).allSatisfy(hook -> {
            assertThat(hook.type()).isEqualTo(HookType.ROLLOUT);
            assertThat(hook.timeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(hook.retries()).isZero();
            assertThat(hook.disableTLS()).isFalse();
            assertThat(hook.muteAlert()).isFalse();
            assertThat(hook.metadata()).isEmpty();
        });
    }

    @Test
    void noAnalysisBlockMeansSkipped() {
        CanarySpec canary = read("");
        assertThat(canary.analysis()).isEmpty();
        assertThat(canary.skipsAnalysis()).isTrue();
        assertThat(canary.interval()).isEqualTo(Duration.ofSeconds(60));
    }

    @ParameterizedTest(name = "interval {0} -> {1}s")
    @CsvSource({"1m, 60", "1m30s, 90", "1.5h, 5400", "15s, 15", "10s, 10", "9s, 10", "500ms, 10", "0s, 10", "-1m, 10"})
    void intervalHasATenSecondFloor(String interval, long seconds) {
        assertThat(read("stepWeight: 10\ninterval: " + interval).analysis().orElseThrow().interval())
                .isEqualTo(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest(name = "threshold {0} -> {1}")
    @CsvSource({"0, 1", "-3, 1", "1, 1", "7, 7"})
    void thresholdIsAtLeastOne(int threshold, int expected) {
        assertThat(read("stepWeight: 10\nthreshold: " + threshold).analysis().orElseThrow().threshold()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "timeout \"{0}\" -> {1}ms")
    @CsvSource({"'', 10000", "5, 10000", "0, 10000", "15s, 15000", "1m30s, 90000", "300ms, 300"})
    void webhookTimeoutAsFlaggerReadsIt(String timeout, long millis) {
        Webhook hook = read("stepWeight: 10\nwebhooks: [{name: h, url: 'http://h.test/', timeout: '" + timeout + "'}]")
                .analysis().orElseThrow().webhooks().getFirst();
        assertThat(hook.timeout()).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void valuesAreKeptAsWritten() {
        Analysis a = read("""
                iterations: 10
                mirror: true
                mirrorWeight: 20
                primaryReadyThreshold: 0
                canaryReadyThreshold: 50
                stepWeights: [1, 2, 10, 80]
                match: [{headers: {x-canary: {exact: insider}}}]
                """).analysis().orElseThrow();
        assertThat(a.iterations()).isEqualTo(10);
        assertThat(a.mirror()).isTrue();
        assertThat(a.mirrorWeight()).isEqualTo(20);
        assertThat(a.primaryReadyThreshold()).isZero();
        assertThat(a.canaryReadyThreshold()).isEqualTo(50);
        assertThat(a.stepWeights()).containsExactly(1, 2, 10, 80);
        assertThat(a.match()).containsExactly(object("{\"headers\":{\"x-canary\":{\"exact\":\"insider\"}}}"));
    }

    @Test
    void flaggerFieldsWeDoNotModelAreKeptInExtra() {
        String text = """
                targetRef: {kind: Deployment, name: podinfo}
                routeRef: {apiVersion: gateway.networking.k8s.io/v1, kind: HTTPRoute, name: podinfo}
                revertOnDeletion: true
                service:
                  port: 9898
                  gateways: [public-gateway.istio-system.svc.cluster.local]
                  corsPolicy: {allowOrigin: ["example.com"]}
                  headers: {request: {add: {x-some-header: value}}}
                  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
                  retries: {attempts: 3}
                  rewrite: {uri: /}
                analysis:
                  stepWeight: 10
                  sessionAffinity: {cookieName: flagger-cookie}
                """;
        CanarySpec canary = valid(parser.parse(text, PODINFO)).canary();
        assertThat(canary.extra()).isEqualTo(object("""
                {"routeRef": {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "name": "podinfo"},
                 "revertOnDeletion": true}"""));
        assertThat(canary.service().extra().properties()).extracting(Map.Entry::getKey)
                .containsExactly("gateways", "corsPolicy", "headers", "trafficPolicy", "retries", "rewrite");
        assertThat(canary.service().extra().at("/trafficPolicy/tls/mode").asText()).isEqualTo("ISTIO_MUTUAL");
        assertThat(canary.analysis().orElseThrow().extra()).isEqualTo(object("{\"sessionAffinity\":{\"cookieName\":\"flagger-cookie\"}}"));
    }

    @Test
    void yamlBooleansAndNullsReadAsGoReadsThem() {
        CanarySpec canary = valid(parser.parse("""
                targetRef: {kind: Deployment, name: podinfo}
                service: {port: 9898}
                skipAnalysis: yes
                suspend: ~
                provider:
                """, PODINFO)).canary();
        assertThat(canary.skipAnalysis()).isTrue();
        assertThat(canary.suspend()).isFalse();
        assertThat(canary.provider()).isEmpty();
    }
}
