package dev.flagstep.local.serve;

import static dev.flagstep.local.serve.ServeHarness.until;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code flagstep serve} answers {@code GET /metrics} in Prometheus' text format, with Flagger's metric names. */
class ServeMetricsTest {

    static ServeHarness h;

    @BeforeAll
    static void start() {
        h = ServeHarness.start();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void aRolloutShowsUpUnderFlaggersNamesAtSlashMetrics() {
        h.bootstrap("serve", "scraped", ServeHarness.canary("scraped", """
                    interval: 10s
                    threshold: 2
                    stepWeight: 50
                    maxWeight: 50
                """));
        assertThat(h.http.postJson("/canaries/serve/scraped/rollouts", "{\"revision\":\"6.7.1\"}").status()).isEqualTo(201);

        until(Duration.ofSeconds(60), () -> {
            Http.Reply metrics = h.http.get("/metrics");
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.contentType()).isEqualTo(ServedRuntime.PROMETHEUS_TEXT);
            assertThat(metrics.body()).contains(
                    "# TYPE flagger_info gauge",
                    "flagger_canary_total{namespace=\"serve\"} 1",
                    "flagger_canary_status{name=\"scraped\",namespace=\"serve\"} 1",
                    "flagger_canary_weight{name=\"scraped\",namespace=\"serve\",workload=\"scraped-primary\"} 100",
                    "# TYPE flagger_canary_duration_seconds histogram",
                    "flagger_canary_successes_total{name=\"scraped\",namespace=\"serve\",deployment_strategy=\"canary\",analysis_status=\"completed\"} 1",
                    "flagstep_rollouts_started_total{name=\"scraped\",namespace=\"serve\"} 1",
                    "flagstep_rollouts_rolled_back_total{name=\"scraped\",namespace=\"serve\"} 0");
        });
    }
}
