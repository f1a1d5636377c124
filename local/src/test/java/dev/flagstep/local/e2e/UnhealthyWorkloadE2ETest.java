package dev.flagstep.local.e2e;

import static dev.flagstep.local.e2e.FailureKit.assertRolledBack;
import static dev.flagstep.local.e2e.FailureKit.image;
import static dev.flagstep.local.e2e.FailureKit.replicas;
import static dev.flagstep.local.e2e.FailureKit.successRate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.spec.CanaryDocument;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Workloads that never become ready (contract 3.6): a canary past its progress deadline is rolled
 * back; a primary that breaks while taking the new template is Flagger's failed promotion, the one
 * failure that leaves the traffic on the canary.
 *
 * <p>The phases' clock runs {@link RolloutHarness#SPEED} times faster from the runtime's start, while
 * the simulated cluster stamps conditions with the real clock, so a 60 s deadline is long past by the
 * time a held deployment is looked at: the deadline fails on the first readiness check that sees it.
 */
class UnhealthyWorkloadE2ETest {

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

    private static CanaryDocument canary(String n, int stepWeight) {
        successRate(h, n, 99.9);
        return h.canary(FailureKit.canary(h, n).spec("progressDeadlineSeconds: 60")
                .analysis(FailureKit.analysis(hooks, n, stepWeight, 50, "pre-rollout", "rollout", "post-rollout")));
    }

    private static String[] paths(String n) {
        return new String[] {"/" + n + "/pre-rollout", "/" + n + "/rollout", "/" + n + "/post-rollout"};
    }

    /** Scales the canary up into pods that never become available, then runs the rollout to its end. */
    private static Execution rolloutWithAStuckCanary(CanaryDocument doc) throws Exception {
        String n = doc.canary().id().name();
        FAULTS.on(n, (function, payload) -> {
            if (function.equals("StartRollout")) {
                h.sim.holdUnready(n, true);
            }
        });
        try {
            Execution rollout = h.deployNewRevision(doc);
            h.assertEnded(rollout, ExecutionStatus.FAILED);
            return rollout;
        } finally {
            h.sim.holdUnready(n, false);
        }
    }

    @Test
    void aCanaryPastItsProgressDeadlineIsRolledBack() throws Exception {
        String n = "deadline";
        CanaryDocument doc = canary(n, 20);
        rolloutWithAStuckCanary(doc);

        assertRolledBack(h, doc);
        // readiness comes before the hooks of the tick: pre-rollout is never called
        assertThat(h.sequence(paths(n))).containsExactly("/deadline/post-rollout:Failed");
        var messages = h.messages(doc.canary().id());
        assertThat(messages).containsSubsequence(
                "New revision detected! Scaling up deadline.e2e",
                "Canary failed! Scaling down deadline.e2e",
                "Post-rollout check post passed");
        assertThat(messages).filteredOn(m -> m.startsWith("Rolling back deadline.e2e progress deadline exceeded ")).hasSize(1);
        assertThat(messages).noneMatch(m -> m.startsWith("Starting canary analysis"));
        assertThat(messages).noneMatch(m -> m.contains("failed checks threshold reached"));
        assertThat(messages.indexOf("Canary failed! Scaling down deadline.e2e"))
                .isGreaterThan(messages.indexOf(messages.stream()
                        .filter(m -> m.startsWith("Rolling back deadline.e2e progress deadline exceeded ")).findFirst().orElseThrow()));
    }

    /**
     * Flagger's text is "Rolling back {name}.{ns} progress deadline exceeded %v" where %v is
     * IsCanaryReady's error: "canary deployment {target}.{ns} not ready: {reason}" (pkg/canary/deployment_ready.go).
     */
    @Test
    void theProgressDeadlineEventHasFlaggersText() throws Exception {
        String n = "deadline-text";
        CanaryDocument doc = canary(n, 20);
        rolloutWithAStuckCanary(doc);

        assertThat(h.messages(doc.canary().id())).anyMatch(m -> m.matches(
                "Rolling back deadline-text\\.e2e progress deadline exceeded canary deployment deadline-text\\.e2e not ready: "
                        + "waiting for rollout to finish: \\d+ of \\d+ \\(readyThreshold 100%\\) updated replicas are available"));
    }

    /**
     * The primary breaks for good while it takes the canary's template (Promoting): Flagger's
     * handleFailedPromotion routes all traffic to the canary, which runs the new version, and fails
     * with weight 100 (contract 3.6, section 8). post-rollout is called with phase Failed.
     */
    @Test
    void aPrimaryThatBreaksDuringPromotionLeavesTrafficOnTheCanary() throws Exception {
        String n = "promo-fail";
        CanaryDocument doc = canary(n, 50);
        FAULTS.on(n, (function, payload) -> {
            if (function.equals("ConfirmPromotion")) {
                h.sim.holdUnready(n + "-primary", true); // before the template is copied to it
            }
        });
        Execution rollout;
        try {
            rollout = h.deployNewRevision(doc);
            h.assertEnded(rollout, ExecutionStatus.FAILED);
        } finally {
            h.sim.holdUnready(n + "-primary", false);
        }

        assertThat(FailureKit.statesEntered(rollout)).containsSubsequence("ConfirmPromotion", "Promote", "PostRollout",
                "RolloutFailed");
        assertThat(FailureKit.statesEntered(rollout)).doesNotContain("Rollback", "Finalise");
        h.sim.awaitReconciled(Duration.ofSeconds(10));
        assertThat(h.routes(doc)).isEqualTo(Routes.allCanary());
        var status = h.status(doc);
        assertThat(status.phase()).isEqualTo(CanaryPhase.FAILED);
        assertThat(status.canaryWeight()).isEqualTo(100);
        assertThat(image(h, n)).isEqualTo(RolloutHarness.NEW_IMAGE);
        assertThat(replicas(h, n)).as("the canary keeps serving").isPositive();
        assertThat(h.sequence(paths(n))).containsExactly(
                "/promo-fail/pre-rollout:Progressing",
                "/promo-fail/rollout:Progressing",
                "/promo-fail/post-rollout:Failed");
        var messages = h.messages(doc.canary().id());
        assertThat(messages).containsSubsequence(
                "Advance promo-fail.e2e canary weight 50",
                "Copying promo-fail.e2e template spec to promo-fail-primary.e2e",
                "Post-rollout check post passed");
        assertThat(messages).noneMatch(m -> m.equals("Routing all traffic to primary"));
        assertThat(messages).noneMatch(m -> m.startsWith("Promotion completed!"));
        assertThat(messages).noneMatch(m -> m.startsWith("Canary failed!"));
    }
}
