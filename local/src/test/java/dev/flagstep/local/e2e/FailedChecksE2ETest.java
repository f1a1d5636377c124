package dev.flagstep.local.e2e;

import static dev.flagstep.local.e2e.FailureKit.assertRolledBack;
import static dev.flagstep.local.e2e.FailureKit.promQuery;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.local.asl.Execution;
import dev.flagstep.local.asl.ExecutionStatus;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.testing.WebhookReceiver.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failed checks counted up to the threshold, then the rollback on the tick after (contract 3.3 step
 * 12-13, section 8): metric checks, rollout hooks (retried and non-retried statuses), pre-rollout hooks.
 */
class FailedChecksE2ETest {

    static RolloutHarness h;
    static String hooks;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start();
        hooks = h.hooks.url("").toString();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static CanaryDocument canary(String name, String analysis) {
        return h.canary(FailureKit.canary(name, hooks, "", analysis));
    }

    @Test
    void failedMetricChecksUpToTheThresholdRollBackOnTheNextTick() throws Exception {
        String n = "fc-metric";
        h.hooks.script(promQuery(n), Reply.status(200).body(RolloutHarness.vector(50)));
        CanaryDocument doc = canary(n, """
                    interval: 10s
                    threshold: 2
                    stepWeight: 20
                    maxWeight: 50
                    metrics:
                      - name: request-success-rate
                        thresholdRange:
                          min: 99
                        interval: 1m
                    webhooks:
                      - name: pre
                        type: pre-rollout
                        url: %1$s/%2$s/pre-rollout
                      - name: load
                        type: rollout
                        url: %1$s/%2$s/rollout
                      - name: post
                        type: post-rollout
                        url: %1$s/%2$s/post-rollout
                """.formatted(hooks, n));

        Execution rollout = h.deployNewRevision(doc);
        int queriesBefore = h.hooks.requests(promQuery(n)).size();
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        assertRolledBack(h, doc);
        // one query per analysed tick: two failed ticks, none on the tick that rolls back
        assertThat(h.hooks.requests(promQuery(n)).size() - queriesBefore).isEqualTo(2);
        assertThat(h.sequence("/" + n + "/pre-rollout", "/" + n + "/rollout", "/" + n + "/post-rollout"))
                .containsExactly(
                        "/fc-metric/pre-rollout:Progressing",
                        "/fc-metric/rollout:Progressing",
                        "/fc-metric/rollout:Progressing",
                        "/fc-metric/post-rollout:Failed");
        var messages = h.messages(doc.canary().id());
        assertThat(messages).containsSubsequence(
                "New revision detected! Scaling up fc-metric.e2e",
                "Starting canary analysis for fc-metric.e2e",
                "Pre-rollout check pre passed",
                "Advance fc-metric.e2e canary weight 20",
                "Halt fc-metric.e2e advancement success rate 50.00% < 99%",
                "Halt fc-metric.e2e advancement success rate 50.00% < 99%",
                "Rolling back fc-metric.e2e failed checks threshold reached 2",
                "Canary failed! Scaling down fc-metric.e2e",
                "Post-rollout check post passed");
        assertThat(messages).filteredOn(m -> m.startsWith("Halt fc-metric.e2e advancement success rate")).hasSize(2);
        assertThat(messages).noneMatch(m -> m.startsWith("Advance fc-metric.e2e canary weight 40"));
    }
}
