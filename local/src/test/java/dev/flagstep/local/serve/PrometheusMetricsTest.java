package dev.flagstep.local.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Strategy;
import dev.flagstep.metrics.MetricValue;
import dev.flagstep.observability.EmfDocument;
import dev.flagstep.observability.FlaggerMetrics;
import dev.flagstep.observability.RolloutFigures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The EMF lines the phases write, as the Prometheus text Flagger's /metrics serves: names, labels, types. */
class PrometheusMetricsTest {

    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    static final FlaggerMetrics.Canary PODINFO = new FlaggerMetrics.Canary("podinfo", "test");

    @Test
    void gaugesHoldTheLastValueCountersAddUpHistogramsBucketTheDuration() {
        PrometheusMetrics m = new PrometheusMetrics();
        m.accept(FlaggerMetrics.info("0.1.0", "istio", NOW));
        m.accept(FlaggerMetrics.status(PODINFO, CanaryPhase.PROGRESSING, NOW));
        m.accept(FlaggerMetrics.status(PODINFO, CanaryPhase.SUCCEEDED, NOW));
        FlaggerMetrics.weights(PODINFO, 95, 5, NOW).forEach(m::accept);
        m.accept(FlaggerMetrics.duration(PODINFO, Duration.ofMillis(300), NOW));
        m.accept(FlaggerMetrics.duration(PODINFO, Duration.ofSeconds(20), NOW));
        FlaggerMetrics.analysis(PODINFO, List.of(new MetricValue("request-success-rate", 99.5)), NOW).forEach(m::accept);
        m.accept(FlaggerMetrics.outcome(PODINFO, Strategy.CANARY, false, true, NOW));
        m.accept(FlaggerMetrics.outcome(PODINFO, Strategy.CANARY, false, true, NOW));
        m.accept(RolloutFigures.gateWait(PODINFO, "confirm-promotion", Duration.ofSeconds(90), NOW));
        // the CloudWatch dashboard's own metrics are not Flagger's: not served
        m.accept(EmfDocument.at(NOW).dimension("Canary", "test/podinfo")
                .metric("CanaryWeight", EmfDocument.Unit.PERCENT, 5, List.of(List.of("Canary"))).json());

        String text = m.exposition(Map.of("test", 2));

        assertThat(text).isEqualTo("""
                # HELP flagger_info flagstep version and default mesh provider
                # TYPE flagger_info gauge
                flagger_info{version="0.1.0",mesh_provider="istio"} 1
                # HELP flagger_canary_total Canaries per namespace
                # TYPE flagger_canary_total gauge
                flagger_canary_total{namespace="test"} 2
                # HELP flagger_canary_status Last known canary status: 0 running, 1 successful, 2 failed
                # TYPE flagger_canary_status gauge
                flagger_canary_status{name="podinfo",namespace="test"} 1
                # HELP flagger_canary_weight Traffic weight of the primary and the canary workload
                # TYPE flagger_canary_weight gauge
                flagger_canary_weight{name="podinfo",namespace="test",workload="podinfo"} 5
                flagger_canary_weight{name="podinfo",namespace="test",workload="podinfo-primary"} 95
                # HELP flagger_canary_duration_seconds Seconds one analysis tick took
                # TYPE flagger_canary_duration_seconds histogram
                flagger_canary_duration_seconds_bucket{name="podinfo",namespace="test",le="0.005"} 0
                flagger_canary_duration_seconds_bucket{name="podinfo",namespace="test",le="0.01"} 0
                flagger_canary_duration_seconds_bucket{name="podinfo",namespace="test",le="0.025"} 0
                flagger_canary_duration_seconds_bucket{name="podinfo",namespace="test",le="0.05"} 0
                flagger_canary_duration_seconds_bucket{name="podinfo",namespace="test",le="0.1"} 0
                flagger_canary_duration_seconds_bucket{name="podinfo",namespace="test",le="0.25"} 0
                flagger_canary_duration_seconds_bucket{name="podinfo",namespace="test",le="0.5"} 1
                flagger_canary_duration_seconds_bucket{name="podinfo",namespace="test",le="1"} 1
                flagger_canary_duration_seconds_bucket{name="podinfo",namespace="test",le="2.5"} 1
                flagger_canary_duration_seconds_bucket{name="podinfo",namespace="test",le="5"} 1
                flagger_canary_duration_seconds_bucket{name="podinfo",namespace="test",le="10"} 1
                flagger_canary_duration_seconds_bucket{name="podinfo",namespace="test",le="+Inf"} 2
                flagger_canary_duration_seconds_sum{name="podinfo",namespace="test"} 20.3
                flagger_canary_duration_seconds_count{name="podinfo",namespace="test"} 2
                # HELP flagger_canary_metric_analysis Last value read for each analysis metric
                # TYPE flagger_canary_metric_analysis gauge
                flagger_canary_metric_analysis{name="podinfo",namespace="test",metric="request-success-rate"} 99.5
                # HELP flagger_canary_successes_total Rollouts promoted
                # TYPE flagger_canary_successes_total counter
                flagger_canary_successes_total{name="podinfo",namespace="test",deployment_strategy="canary",analysis_status="completed"} 2
                # HELP flagger_canary_failures_total Rollouts rolled back
                # TYPE flagger_canary_failures_total counter
                flagger_canary_failures_total{name="podinfo",namespace="test",deployment_strategy="canary",analysis_status="completed"} 0
                # HELP flagstep_gate_wait_seconds Seconds rollouts waited on closed confirm gates
                # TYPE flagstep_gate_wait_seconds summary
                flagstep_gate_wait_seconds_sum{name="podinfo",namespace="test",gate="confirm-promotion"} 90
                flagstep_gate_wait_seconds_count{name="podinfo",namespace="test",gate="confirm-promotion"} 1
                """);
    }

    @Test
    void labelValuesAreEscaped() {
        assertThat(PrometheusMetrics.escape("a\"b\\c\nd")).isEqualTo("a\\\"b\\\\c\\nd");
        assertThat(PrometheusMetrics.number(0.25)).isEqualTo("0.25");
        assertThat(PrometheusMetrics.number(3)).isEqualTo("3");
    }
}
