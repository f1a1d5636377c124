package dev.flagstep.observability;

import static dev.flagstep.observability.EmfDocumentTest.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.observability.FlaggerMetrics.Canary;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rollout-level figures, per canary and for the whole stack (the empty dimension set). */
class RolloutFiguresTest {

    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    static final Canary PODINFO = new Canary("podinfo", "test");

    @Test
    void aStartCountsOne() throws Exception {
        assertThat(RolloutFigures.started(PODINFO, NOW)).hasToString(text("""
                {"_aws": {"Timestamp": 1795514400000, "CloudWatchMetrics": [{"Namespace": "flagstep",
                  "Dimensions": [["name", "namespace"], []], "Metrics": [{"Name": "flagstep_rollouts_started_total", "Unit": "Count"}]}]},
                 "name": "podinfo", "namespace": "test", "flagstep_rollouts_started_total": 1}"""));
    }

    @Test
    void anEndCountsOneRolledBackOrNotAndTheRolloutsSeconds() throws Exception {
        assertThat(RolloutFigures.finished(PODINFO, true, Optional.of(Duration.ofSeconds(95)), NOW)).hasToString(text("""
                {"_aws": {"Timestamp": 1795514400000, "CloudWatchMetrics": [{"Namespace": "flagstep",
                  "Dimensions": [["name", "namespace"], []], "Metrics": [
                    {"Name": "flagstep_rollouts_finished_total", "Unit": "Count"},
                    {"Name": "flagstep_rollouts_rolled_back_total", "Unit": "Count"},
                    {"Name": "flagstep_rollout_duration_seconds", "Unit": "Seconds"}]}]},
                 "name": "podinfo", "namespace": "test", "flagstep_rollouts_finished_total": 1,
                 "flagstep_rollouts_rolled_back_total": 1, "flagstep_rollout_duration_seconds": 95}"""));
        assertThat(RolloutFigures.finished(PODINFO, false, Optional.of(Duration.ofMillis(1500)), NOW)
                .path("flagstep_rollouts_rolled_back_total").asInt()).isZero();
        var unknownStart = RolloutFigures.finished(PODINFO, false, Optional.empty(), NOW);
        assertThat(unknownStart.has("flagstep_rollout_duration_seconds")).isFalse();
        assertThat(unknownStart.at("/_aws/CloudWatchMetrics/0/Metrics")).hasSize(2);
    }

    @Test
    void aGateWaitIsItsSecondsPerCanaryPerGateAndForTheStack() throws Exception {
        assertThat(RolloutFigures.gateWait(PODINFO, "confirm-promotion", Duration.ofMinutes(2), NOW)).hasToString(text("""
                {"_aws": {"Timestamp": 1795514400000, "CloudWatchMetrics": [{"Namespace": "flagstep",
                  "Dimensions": [["name", "namespace"], ["name", "namespace", "gate"], []],
                  "Metrics": [{"Name": "flagstep_gate_wait_seconds", "Unit": "Seconds"}]}]},
                 "name": "podinfo", "namespace": "test", "gate": "confirm-promotion", "flagstep_gate_wait_seconds": 120}"""));
    }
}
