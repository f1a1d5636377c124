package dev.flagstep.observability;

import static dev.flagstep.observability.EmfDocumentTest.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Strategy;
import dev.flagstep.metrics.MetricCheckResult;
import dev.flagstep.metrics.MetricValue;
import dev.flagstep.observability.FlaggerMetrics.Canary;
import dev.flagstep.spec.MetricCheck;
import dev.flagstep.spec.TemplateRef;
import dev.flagstep.spec.ThresholdRange;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each Flagger metric as the exact EMF line CloudWatch reads: name, dimensions, unit, value. */
class FlaggerMetricsTest {

    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    static final Canary PODINFO = new Canary("podinfo", "test");

    @Test
    void statusIsZeroWhileProgressingTwoOnceFailedOneOtherwiseAsFlaggerSetsIt() throws Exception {
        assertThat(FlaggerMetrics.statusValue(CanaryPhase.PROGRESSING)).isZero();
        assertThat(FlaggerMetrics.statusValue(CanaryPhase.FAILED)).isEqualTo(2);
        for (CanaryPhase p : CanaryPhase.values()) {
            if (p != CanaryPhase.PROGRESSING && p != CanaryPhase.FAILED) {
                assertThat(FlaggerMetrics.statusValue(p)).as(p.wireName()).isOne();
            }
        }
        assertThat(FlaggerMetrics.status(PODINFO, CanaryPhase.FAILED, NOW)).hasToString(text("""
                {"_aws": {"Timestamp": 1795514400000, "CloudWatchMetrics": [{"Namespace": "flagstep",
                  "Dimensions": [["name", "namespace"]], "Metrics": [{"Name": "flagger_canary_status", "Unit": "None"}]}]},
                 "name": "podinfo", "namespace": "test", "flagger_canary_status": 2}"""));
    }

    @Test
    void weightIsOneLinePerWorkloadThePrimaryFirstBothNamingTheCanary() throws Exception {
        List<String> lines = FlaggerMetrics.weights(PODINFO, 70, 30, NOW).stream().map(Object::toString).toList();

        assertThat(lines).containsExactly(
                text("""
                {"_aws": {"Timestamp": 1795514400000, "CloudWatchMetrics": [{"Namespace": "flagstep",
                  "Dimensions": [["name", "namespace", "workload"]], "Metrics": [{"Name": "flagger_canary_weight", "Unit": "Percent"}]}]},
                 "name": "podinfo", "namespace": "test", "workload": "podinfo-primary", "flagger_canary_weight": 70}"""),
                text("""
                {"_aws": {"Timestamp": 1795514400000, "CloudWatchMetrics": [{"Namespace": "flagstep",
                  "Dimensions": [["name", "namespace", "workload"]], "Metrics": [{"Name": "flagger_canary_weight", "Unit": "Percent"}]}]},
                 "name": "podinfo", "namespace": "test", "workload": "podinfo", "flagger_canary_weight": 30}"""));
    }

    @Test
    void durationIsTheTicksSecondsUnderNameAndNamespace() throws Exception {
        assertThat(FlaggerMetrics.duration(PODINFO, Duration.ofMillis(1250), NOW)).hasToString(text("""
                {"_aws": {"Timestamp": 1795514400000, "CloudWatchMetrics": [{"Namespace": "flagstep",
                  "Dimensions": [["name", "namespace"]], "Metrics": [{"Name": "flagger_canary_duration_seconds", "Unit": "Seconds"}]}]},
                 "name": "podinfo", "namespace": "test", "flagger_canary_duration_seconds": 1.25}"""));
    }

    @Test
    void metricAnalysisIsOneLinePerMetricUnderItsName() throws Exception {
        assertThat(FlaggerMetrics.analysis(PODINFO, List.of(new MetricValue("request-success-rate", 99.5)), NOW).stream().map(Object::toString))
                .containsExactly(text("""
                {"_aws": {"Timestamp": 1795514400000, "CloudWatchMetrics": [{"Namespace": "flagstep",
                  "Dimensions": [["name", "namespace", "metric"]], "Metrics": [{"Name": "flagger_canary_metric_analysis", "Unit": "None"}]}]},
                 "name": "podinfo", "namespace": "test", "metric": "request-success-rate", "flagger_canary_metric_analysis": 99.5}"""));
    }

    private static MetricCheck builtin(String name) {
        return new MetricCheck(name, ThresholdRange.none(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
    }

    @Test
    void theBuiltinRequestDurationIsRecordedInSecondsAsFlaggerDoesAndAFailingValueToo() {
        MetricCheck templated = new MetricCheck("request-duration", ThresholdRange.none(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(new TemplateRef("latency", Optional.empty())), Map.of());

        assertThat(FlaggerMetrics.analysed(new MetricCheckResult.AllPassed(List.of(new MetricValue("request-success-rate", 100),
                new MetricValue("request-duration", 450))), List.of(builtin("request-success-rate"), builtin("request-duration"))))
                .containsExactly(new MetricValue("request-success-rate", 100), new MetricValue("request-duration", 0.45));
        assertThat(FlaggerMetrics.analysed(new MetricCheckResult.AllPassed(List.of(new MetricValue("request-duration", 450))),
                List.of(templated)))
                .as("a templateRef metric that happens to be called request-duration keeps its raw value")
                .containsExactly(new MetricValue("request-duration", 450));
        assertThat(FlaggerMetrics.analysed(new MetricCheckResult.Failed("request-duration", Optional.of(900.0), "m", "e"),
                List.of(builtin("request-duration")))).containsExactly(new MetricValue("request-duration", 0.9));
        assertThat(FlaggerMetrics.analysed(new MetricCheckResult.Failed("x", Optional.empty(), "m", "e"), List.of())).isEmpty();
        assertThat(FlaggerMetrics.analysed(new MetricCheckResult.NoValues("x", "m", "e"), List.of())).isEmpty();
        assertThat(FlaggerMetrics.analysed(new MetricCheckResult.AllPassed(List.of(new MetricValue("ratio", Double.POSITIVE_INFINITY),
                new MetricValue("other", 1))), List.of())).containsExactly(new MetricValue("other", 1));
    }

    @Test
    void anOutcomeCountsOneSuccessOrOneFailurePerCanaryAndUnderFlaggersFullLabels() throws Exception {
        assertThat(FlaggerMetrics.outcome(PODINFO, Strategy.BLUE_GREEN, false, false, NOW)).hasToString(text("""
                {"_aws": {"Timestamp": 1795514400000, "CloudWatchMetrics": [{"Namespace": "flagstep",
                  "Dimensions": [["name", "namespace"], ["name", "namespace", "deployment_strategy", "analysis_status"]],
                  "Metrics": [{"Name": "flagger_canary_successes_total", "Unit": "Count"}, {"Name": "flagger_canary_failures_total", "Unit": "Count"}]}]},
                 "name": "podinfo", "namespace": "test", "deployment_strategy": "blue-green", "analysis_status": "completed",
                 "flagger_canary_successes_total": 0, "flagger_canary_failures_total": 1}"""));
        JsonNode skipped = FlaggerMetrics.outcome(PODINFO, Strategy.CANARY, true, true, NOW);
        assertThat(skipped.path("analysis_status").asText()).isEqualTo("skipped");
        assertThat(skipped.path("deployment_strategy").asText()).isEqualTo("canary");
        assertThat(skipped.path("flagger_canary_successes_total").asInt()).isOne();
        assertThat(skipped.path("flagger_canary_failures_total").asInt()).isZero();
    }

    @Test
    void infoAndTotal() throws Exception {
        assertThat(FlaggerMetrics.info("0.1.0", "istio", NOW)).hasToString(text("""
                {"_aws": {"Timestamp": 1795514400000, "CloudWatchMetrics": [{"Namespace": "flagstep",
                  "Dimensions": [["version", "mesh_provider"]], "Metrics": [{"Name": "flagger_info", "Unit": "None"}]}]},
                 "version": "0.1.0", "mesh_provider": "istio", "flagger_info": 1}"""));
        assertThat(FlaggerMetrics.total("test", 3, NOW)).hasToString(text("""
                {"_aws": {"Timestamp": 1795514400000, "CloudWatchMetrics": [{"Namespace": "flagstep",
                  "Dimensions": [["namespace"]], "Metrics": [{"Name": "flagger_canary_total", "Unit": "Count"}]}]},
                 "namespace": "test", "flagger_canary_total": 3}"""));
    }
}
