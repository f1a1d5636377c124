package dev.flagstep.local.e2e;

import static dev.flagstep.local.e2e.FailureKit.assertRolledBack;
import static dev.flagstep.local.e2e.FailureKit.image;
import static dev.flagstep.local.e2e.FailureKit.successRate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rollback hooks (contract section 1): a 2xx rolls back at once ("manual webhook invoked", no
 * threshold); anything else is "not signaling a rollback" and the analysis goes on.
 */
class ManualRollbackE2ETest {

    static final FailureKit.FaultSwitch FAULTS = new FailureKit.FaultSwitch();
    static RolloutHarness h;
    static String hooks;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start(FAULTS);
        hooks = h.hooksUrl();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static CanaryDocument canary(String n) {
        successRate(h, n, 99.9);
        return h.canary(FailureKit.canary(h, n)
                .analysis(FailureKit.analysis(hooks, n, 20, 40, "pre-rollout", "rollback", "rollout", "post-rollout")));
    }

    private static String[] paths(String n) {
        return new String[] {"/" + n + "/pre-rollout", "/" + n + "/rollback", "/" + n + "/rollout", "/" + n + "/post-rollout"};
    }

    /**
     * The rollback hook says 403 on the first two ticks and 200 on the third: Flagger calls it on every
     * Progressing tick before the checks, and the 200 rolls back in that tick, whatever failedChecks is.
     */
    @Test
    void rollbackHookAnswering200MidAnalysisRollsBackAtOnce() throws Exception {
        String n = "rb-200";
        h.hooks.script("/" + n + "/rollback", Reply.status(403).body("Forbidden"));
        // ticks, not deliveries: a loaded machine may deliver a tick twice (a retried transient fault)
        Set<String> analyses = ConcurrentHashMap.newKeySet();
        FAULTS.on(n, (function, payload) -> {
            if (function.equals("Analysis") && analyses.add(payload.path("tick").asText()) && analyses.size() == 2) {
                // the third Progressing tick (PreRollout, Analysis, Analysis): the gate opens
                h.hooks.script("/" + n + "/rollback", Reply.status(200).body("Approved"));
            }
        });
        CanaryDocument doc = canary(n);

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        assertRolledBack(h, doc);
        assertThat(h.sequence(paths(n))).containsExactly(
                "/rb-200/rollback:Progressing",
                "/rb-200/pre-rollout:Progressing",
                "/rb-200/rollback:Progressing",
                "/rb-200/rollout:Progressing",
                "/rb-200/rollback:Progressing",
                "/rb-200/post-rollout:Failed");
        var messages = h.messages(doc.canary().id());
        assertThat(messages).containsSubsequence(
                "Rollback hook rb not signaling a rollback",
                "Starting canary analysis for rb-200.e2e",
                "Advance rb-200.e2e canary weight 20",
                "Rollback hook rb not signaling a rollback",
                "Advance rb-200.e2e canary weight 40",
                "Rollback check rb passed",
                "Rolling back rb-200.e2e manual webhook invoked",
                "Canary failed! Scaling down rb-200.e2e",
                "Post-rollout check post passed");
        assertThat(messages).noneMatch(m -> m.contains("failed checks threshold reached"));
        assertThat(messages).noneMatch(m -> m.startsWith("Copying "));
    }

    /** A 403 (or any non-2xx) never rolls back: the rollout is promoted, each tick reporting the hook. */
    @Test
    void rollbackHookAnswering403KeepsTheAnalysisGoing() throws Exception {
        String n = "rb-403";
        h.hooks.script("/" + n + "/rollback", Reply.status(403).body("Forbidden"));
        CanaryDocument doc = canary(n);

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        h.sim.awaitReconciled(Duration.ofSeconds(10));
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(image(h, n + "-primary")).isEqualTo(RolloutHarness.NEW_IMAGE);
        // pre-rollout tick, weight 20 -> 40, then the tick at max weight that promotes
        assertThat(h.sequence(paths(n))).containsExactly(
                "/rb-403/rollback:Progressing",
                "/rb-403/pre-rollout:Progressing",
                "/rb-403/rollback:Progressing",
                "/rb-403/rollout:Progressing",
                "/rb-403/rollback:Progressing",
                "/rb-403/rollout:Progressing",
                "/rb-403/post-rollout:Succeeded");
        var messages = h.messages(doc.canary().id());
        assertThat(messages).filteredOn(m -> m.equals("Rollback hook rb not signaling a rollback"))
                .hasSize(h.hooks.requests("/" + n + "/rollback").size());
        assertThat(messages).noneMatch(m -> m.startsWith("Rolling back"));
        assertThat(messages).containsSubsequence(
                "Rollback hook rb not signaling a rollback",
                "Advance rb-403.e2e canary weight 20",
                "Rollback hook rb not signaling a rollback",
                "Advance rb-403.e2e canary weight 40",
                "Rollback hook rb not signaling a rollback",
                "Copying rb-403.e2e template spec to rb-403-primary.e2e",
                "Promotion completed! Scaling down rb-403.e2e");
    }

    /**
     * Flagger calls rollback hooks only on Progressing, Waiting and WaitingPromotion ticks (contract
     * section 1); flagstep adds the Waiting-on-confirm-rollout case (#1432). A rollout with no
     * confirm-rollout hook never waits, so its first rollback call is on the first Progressing tick.
     */
    @Test
    void rollbackHooksAreNotCalledBeforeTheRunIsProgressing() throws Exception {
        String n = "rb-first";
        h.hooks.script("/" + n + "/rollback", Reply.status(403).body("Forbidden"));
        CanaryDocument doc = canary(n);

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        assertThat(h.sequence(paths(n))).containsExactly(
                "/rb-first/rollback:Progressing",
                "/rb-first/pre-rollout:Progressing",
                "/rb-first/rollback:Progressing",
                "/rb-first/rollout:Progressing",
                "/rb-first/rollback:Progressing",
                "/rb-first/rollout:Progressing",
                "/rb-first/post-rollout:Succeeded");
        var messages = h.messages(doc.canary().id());
        assertThat(messages.subList(0, messages.indexOf("New revision detected! Scaling up rb-first.e2e")))
                .doesNotContain("Rollback hook rb not signaling a rollback");
    }
}
