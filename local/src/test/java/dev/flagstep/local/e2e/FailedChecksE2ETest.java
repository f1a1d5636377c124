package dev.flagstep.local.e2e;

import static dev.flagstep.local.e2e.FailureKit.assertRolledBack;
import static dev.flagstep.local.e2e.FailureKit.promQuery;
import static dev.flagstep.local.e2e.FailureKit.successRate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
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
        hooks = h.hooksUrl();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static CanaryDocument canary(String name, String analysis) {
        return h.canary(FailureKit.canary(h, name).analysis(analysis));
    }

    @Test
    void failedMetricChecksUpToTheThresholdRollBackOnTheNextTick() throws Exception {
        String n = "fc-metric";
        successRate(h, n, 50);
        CanaryDocument doc = canary(n, """
                    interval: 10s
                    threshold: 2
                    stepWeight: 20
                    maxWeight: 50
                """ + CanaryYaml.SUCCESS_RATE + CanaryYaml.webhooks(hooks + "/" + n, "pre-rollout", "rollout", "post-rollout"));

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

    private static String rolloutHookAnalysis(String n) {
        return FailureKit.analysis(hooks, n, 20, 50, "rollout", "post-rollout");
    }

    /**
     * A 500 is retried by Flagger's client, so its body is dropped and the error is "giving up after
     * 1 attempt(s)" (contract 2.2). The first tick passes (metrics queried once, weight 40); the two
     * failing ticks do not query the metrics; the rollback follows on the tick after.
     */
    @Test
    void failingRolloutHookWith500CountsFailedChecksWithoutEvaluatingMetrics() throws Exception {
        String n = "fc-load500";
        successRate(h, n, 99.9);
        h.hooks.script("/" + n + "/rollout", Reply.status(200),
                Reply.status(500).body("load test exploded"));
        CanaryDocument doc = canary(n, rolloutHookAnalysis(n));

        Execution rollout = h.deployNewRevision(doc);
        int queriesBefore = h.hooks.requests(promQuery(n)).size();
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        assertRolledBack(h, doc);
        assertThat(h.hooks.requests(promQuery(n)).size() - queriesBefore)
                .as("metric queries: only the tick whose rollout hook passed").isEqualTo(1);
        assertThat(h.sequence("/" + n + "/rollout", "/" + n + "/post-rollout")).containsExactly(
                "/fc-load500/rollout:Progressing",
                "/fc-load500/rollout:Progressing",
                "/fc-load500/rollout:Progressing",
                "/fc-load500/post-rollout:Failed");
        String halt = "Halt fc-load500.e2e advancement external check load failed POST " + hooks
                + "/fc-load500/rollout giving up after 1 attempt(s)";
        var messages = h.messages(doc.canary().id());
        assertThat(messages).containsSubsequence(
                "Starting canary analysis for fc-load500.e2e",
                "Advance fc-load500.e2e canary weight 20",
                "Advance fc-load500.e2e canary weight 40",
                halt,
                halt,
                "Rolling back fc-load500.e2e failed checks threshold reached 2",
                "Canary failed! Scaling down fc-load500.e2e",
                "Post-rollout check post passed");
        assertThat(messages).noneMatch(m -> m.contains("load test exploded"));
        assertThat(h.events(doc.canary().id())).filteredOn(e -> e.message().equals(halt))
                .extracting(e -> e.failedChecks()).containsExactly(1, 2);
    }

    /** A 400 is not retried: its body is the error Flagger shows in the event (contract 2.2). */
    @Test
    void failingRolloutHookWith400ShowsItsBodyInTheEvent() throws Exception {
        String n = "fc-load400";
        successRate(h, n, 99.9);
        h.hooks.script("/" + n + "/rollout", Reply.status(400).body("smoke test failed: 3 of 10 requests 5xx"));
        CanaryDocument doc = canary(n, rolloutHookAnalysis(n));

        Execution rollout = h.deployNewRevision(doc);
        int queriesBefore = h.hooks.requests(promQuery(n)).size();
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        assertRolledBack(h, doc);
        assertThat(h.hooks.requests(promQuery(n)).size() - queriesBefore).as("metric queries").isZero();
        assertThat(h.sequence("/" + n + "/rollout", "/" + n + "/post-rollout")).containsExactly(
                "/fc-load400/rollout:Progressing",
                "/fc-load400/rollout:Progressing",
                "/fc-load400/post-rollout:Failed");
        String halt = "Halt fc-load400.e2e advancement external check load failed smoke test failed: 3 of 10 requests 5xx";
        assertThat(h.messages(doc.canary().id())).containsSubsequence(
                "Advance fc-load400.e2e canary weight 20",
                halt,
                halt,
                "Rolling back fc-load400.e2e failed checks threshold reached 2",
                "Canary failed! Scaling down fc-load400.e2e",
                "Post-rollout check post passed");
    }

    /**
     * pre-rollout failures count (contract section 8): each tick says "Starting canary analysis" and
     * runs pre-rollout again, the weight never moves, and the threshold rolls back on the tick after.
     */
    @Test
    void failingPreRolloutHookIsRetriedEachTickUpToTheThreshold() throws Exception {
        String n = "fc-pre";
        h.hooks.script("/" + n + "/pre-rollout", Reply.status(403).body("Forbidden"));
        CanaryDocument doc = canary(n, """
                    interval: 10s
                    threshold: 2
                    stepWeight: 20
                    maxWeight: 50
                """ + CanaryYaml.webhooks(hooks + "/" + n, "pre-rollout", "rollout", "post-rollout"));

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        assertRolledBack(h, doc);
        assertThat(h.runWeights(doc, rollout)).as("weight timeline").containsOnly(0);
        assertThat(h.sequence("/" + n + "/pre-rollout", "/" + n + "/rollout", "/" + n + "/post-rollout"))
                .containsExactly(
                        "/fc-pre/pre-rollout:Progressing",
                        "/fc-pre/pre-rollout:Progressing",
                        "/fc-pre/post-rollout:Failed");
        String halt = "Halt fc-pre.e2e advancement pre-rollout check pre failed Forbidden";
        var messages = h.messages(doc.canary().id());
        assertThat(messages).containsSubsequence(
                "New revision detected! Scaling up fc-pre.e2e",
                "Starting canary analysis for fc-pre.e2e",
                halt,
                "Starting canary analysis for fc-pre.e2e",
                halt,
                "Rolling back fc-pre.e2e failed checks threshold reached 2",
                "Canary failed! Scaling down fc-pre.e2e",
                "Post-rollout check post passed");
        assertThat(messages).filteredOn(m -> m.startsWith("Starting canary analysis")).hasSize(2);
        assertThat(messages).noneMatch(m -> m.startsWith("Advance "));
        assertThat(h.events(doc.canary().id())).filteredOn(e -> e.message().equals(halt))
                .extracting(e -> e.failedChecks()).containsExactly(1, 2);
    }
}
