package dev.flagstep.local.e2e;

import static dev.flagstep.local.e2e.FailureKit.successRate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.phases.wiring.EmfMetrics;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which phase records which of Flagger's metrics and rollout figures, over whole rollouts on the local runtime:
 * the EMF lines the phases would print inside Lambda, recorded instead.
 */
class FlaggerMetricsE2ETest {

    static RolloutHarness h;
    final List<ObjectNode> lines = new CopyOnWriteArrayList<>();
    EmfMetrics.Recording recording;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @BeforeEach
    void record() {
        recording = EmfMetrics.recordTo(lines::add);
    }

    @AfterEach
    void stopRecording() {
        recording.close();
    }

    /** The lines of one canary carrying {@code metric}, in the order they were written. */
    private List<JsonNode> of(String name, String metric) {
        return lines.stream().filter(l -> l.has(metric) && name.equals(l.path("name").asText())).map(l -> (JsonNode) l).toList();
    }

    private List<Double> values(String name, String metric) {
        return of(name, metric).stream().map(l -> l.path(metric).asDouble()).toList();
    }

    @Test
    void aPromotedRolloutRecordsItsTicksChecksGateWaitAndOneSuccess() throws Exception {
        String n = "fm-ok";
        String hooks = h.hooksUrl();
        successRate(h, n, 99.5);
        h.hooks.script("/" + n + "/confirm-promotion", Reply.status(403), Reply.status(200));
        CanaryDocument doc = h.canary(FailureKit.canary(h, n).analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 50
                    maxWeight: 50
                """ + CanaryYaml.SUCCESS_RATE + CanaryYaml.webhooks(hooks + "/" + n, "confirm-promotion")));
        lines.clear(); // the onboarding's ticks are not part of the rollout

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        assertThat(values(n, "flagstep_rollouts_started_total")).as("Initialize: one rollout started").containsExactly(1.0);
        // every saved tick: status 0 while Progressing, 1 from Promoting on, ending Succeeded
        List<Double> status = values(n, "flagger_canary_status");
        assertThat(status).contains(0.0).endsWith(1.0);
        assertThat(of(n, "flagger_canary_weight")).extracting(l -> l.path("workload").asText()).contains(n, n + "-primary");
        assertThat(of(n, "flagger_canary_weight")).filteredOn(l -> l.path("workload").asText().equals(n))
                .extracting(l -> l.path("flagger_canary_weight").asInt()).contains(50).endsWith(0);
        assertThat(of(n, "flagger_info")).isEmpty(); // no name: flagger_info is per installation
        assertThat(lines).anySatisfy(l -> assertThat(l.path("mesh_provider").asText()).isEqualTo("gatewayapi:v1"));
        // analysis ticks: their duration, and the success rate each read
        assertThat(of(n, "flagger_canary_duration_seconds")).isNotEmpty();
        assertThat(of(n, "flagger_canary_metric_analysis")).isNotEmpty().allSatisfy(l -> {
            assertThat(l.path("metric").asText()).isEqualTo("request-success-rate");
            assertThat(l.path("flagger_canary_metric_analysis").asDouble()).isEqualTo(99.5);
        });
        // confirm-promotion refused once, then opened: one wait recorded, under its gate
        assertThat(of(n, "flagstep_gate_wait_seconds")).singleElement().satisfies(l -> {
            assertThat(l.path("gate").asText()).isEqualTo("confirm-promotion");
            assertThat(l.path("flagstep_gate_wait_seconds").asDouble()).isPositive();
        });
        // PostRollout: one success, a finished rollout not rolled back, its duration
        assertThat(of(n, "flagger_canary_successes_total")).singleElement().satisfies(l -> {
            assertThat(l.path("flagger_canary_successes_total").asInt()).isOne();
            assertThat(l.path("flagger_canary_failures_total").asInt()).isZero();
            assertThat(l.path("deployment_strategy").asText()).isEqualTo("canary");
            assertThat(l.path("analysis_status").asText()).isEqualTo("completed");
        });
        assertThat(of(n, "flagstep_rollouts_finished_total")).singleElement().satisfies(l -> {
            assertThat(l.path("flagstep_rollouts_rolled_back_total").asInt()).isZero();
            assertThat(l.path("flagstep_rollout_duration_seconds").asDouble())
                    .isGreaterThanOrEqualTo(values(n, "flagstep_gate_wait_seconds").getFirst());
        });
    }

    @Test
    void aRolledBackRolloutCountsOneFailureAndEndsWithStatusTwo() throws Exception {
        String n = "fm-fail";
        successRate(h, n, 50);
        CanaryDocument doc = h.canary(FailureKit.canary(h, n).analysis(FailureKit.analysis(h.hooksUrl(), n, 20, 50, "post-rollout")));
        lines.clear();

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        assertThat(values(n, "flagstep_rollouts_started_total")).containsExactly(1.0);
        assertThat(values(n, "flagger_canary_status")).endsWith(2.0);
        assertThat(values(n, "flagger_canary_metric_analysis")).as("the failing value is recorded, as Flagger does")
                .isNotEmpty().containsOnly(50.0);
        assertThat(of(n, "flagger_canary_successes_total")).singleElement().satisfies(l -> {
            assertThat(l.path("flagger_canary_successes_total").asInt()).isZero();
            assertThat(l.path("flagger_canary_failures_total").asInt()).isOne();
        });
        assertThat(values(n, "flagstep_rollouts_rolled_back_total")).containsExactly(1.0);
        assertThat(of(n, "flagstep_gate_wait_seconds")).isEmpty();
    }
}
