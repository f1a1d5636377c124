package dev.flagstep.phases.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import dev.flagstep.webhook.HookOutcome;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The dashboard in template.yaml searches these exact namespaces, dimensions and metric names. */
class EmfMetricsTest {

    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    @Test
    void aCanaryLineCarriesWeightAndFailedChecksUnderTheCanaryDimension() {
        JsonNode line = EmfMetrics.canaryLine(new CanaryId("test", "podinfo"), 30, 1, NOW);

        assertThat(line.at("/_aws/Timestamp").asLong()).isEqualTo(NOW.toEpochMilli());
        JsonNode directive = line.at("/_aws/CloudWatchMetrics/0");
        assertThat(directive.path("Namespace").asText()).isEqualTo("flagstep");
        assertThat(directive.at("/Dimensions/0/0").asText()).isEqualTo("Canary");
        assertThat(directive.at("/Metrics/0/Name").asText()).isEqualTo("CanaryWeight");
        assertThat(directive.at("/Metrics/1/Name").asText()).isEqualTo("FailedChecks");
        assertThat(line.path("Canary").asText()).isEqualTo("test/podinfo");
        assertThat(line.path("CanaryWeight").asInt()).isEqualTo(30);
        assertThat(line.path("FailedChecks").asInt()).isEqualTo(1);
    }

    @Test
    void aHookLineCountsAFailureAndItsLatencyByHookType() {
        Webhook hook = new Webhook("load-test", HookType.ROLLOUT, URI.create("http://x/"), Duration.ofSeconds(10), 0,
                false, false, Map.of());
        JsonNode line = EmfMetrics.hookLine(HookType.ROLLOUT,
                new HookOutcome.Failed(hook, OptionalInt.of(500), "POST http://x/ giving up after 1 attempt(s)", 1,
                        Duration.ofMillis(42)), NOW);

        assertThat(line.at("/_aws/CloudWatchMetrics/0/Dimensions/0/0").asText()).isEqualTo("HookType");
        assertThat(line.path("HookType").asText()).isEqualTo("rollout");
        assertThat(line.path("WebhookLatency").asLong()).isEqualTo(42);
        assertThat(line.path("WebhookFailures").asInt()).isEqualTo(1);
    }

    @Test
    void aHandoverLineCountsOneWithoutDimensions() {
        JsonNode line = EmfMetrics.handoverLine(new CanaryId("test", "podinfo"), NOW);

        JsonNode directive = line.at("/_aws/CloudWatchMetrics/0");
        assertThat(directive.path("Namespace").asText()).isEqualTo("flagstep");
        assertThat(directive.at("/Dimensions/0").isEmpty()).isTrue();
        assertThat(directive.at("/Metrics/0/Name").asText()).isEqualTo("Handovers");
        assertThat(line.path("Handovers").asInt()).isOne();
    }

    @Test
    void everySavedTickRecordsFlaggersStatusBothWeightsAndInfo() {
        var lines = EmfMetrics.tickLines(new dev.flagstep.observability.FlaggerMetrics.Canary("podinfo", "test"),
                dev.flagstep.analysis.CanaryPhase.PROGRESSING, 30, "istio", NOW);

        assertThat(lines).extracting(l -> l.at("/_aws/CloudWatchMetrics/0/Metrics/0/Name").asText()).containsExactly(
                "flagger_canary_status", "flagger_canary_weight", "flagger_canary_weight", "flagger_info");
        assertThat(lines.get(0).path("flagger_canary_status").asInt()).isZero();
        assertThat(lines.get(1).path("workload").asText()).isEqualTo("podinfo-primary");
        assertThat(lines.get(1).path("flagger_canary_weight").asInt()).isEqualTo(70);
        assertThat(lines.get(2).path("workload").asText()).isEqualTo("podinfo");
        assertThat(lines.get(2).path("flagger_canary_weight").asInt()).isEqualTo(30);
        assertThat(lines.get(3).path("mesh_provider").asText()).isEqualTo("istio");
        assertThat(lines).allSatisfy(l -> assertThat(l.at("/_aws/Timestamp").asLong()).isEqualTo(NOW.toEpochMilli()));
    }

    @Test
    void aRecordingTakesTheLinesUntilItCloses() {
        var taken = new java.util.ArrayList<com.fasterxml.jackson.databind.node.ObjectNode>();
        var line = EmfMetrics.handoverLine(new CanaryId("test", "podinfo"), NOW);
        try (var r = EmfMetrics.recordTo(taken::add)) {
            EmfMetrics.write(line);
        }
        EmfMetrics.write(line);

        assertThat(taken).containsExactly(line);
    }
}
