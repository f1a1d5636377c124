package dev.flagstep.local.e2e;

import static dev.flagstep.local.e2e.FailureKit.assertRolledBack;
import static dev.flagstep.local.e2e.FailureKit.image;
import static dev.flagstep.local.e2e.FailureKit.replicas;
import static dev.flagstep.local.e2e.FailureKit.statesEntered;
import static dev.flagstep.local.e2e.FailureKit.successRate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.phases.TransientFault;
import dev.flagstep.spec.CanaryDocument;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failures that are not analysis verdicts: a phase Lambda crashing, the Kubernetes API going away in
 * the middle of a weight change (for longer than the phase's retries, and for good). A crash goes to
 * Rollback at once; an outage is retried as a transient fault for the phase's window first
 * (TransientFaultsE2ETest has the outages that end within it). Traffic must end on the primary
 * whenever the cluster lets it, and the execution must always end.
 */
class CrashAndOutageE2ETest {

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
        h.sim.resume();
        h.sim.freezeControllers(false);
        h.close();
    }

    private static CanaryDocument canary(String n) {
        return canary(n, hooks);
    }

    /** With the hooks at {@code base}: the cluster Service, or the receiver's loopback address. */
    private static CanaryDocument canary(String n, String base) {
        successRate(h, n, 99.9);
        return h.canary(FailureKit.canary(base, n).analysis(FailureKit.analysis(base, n, 20, 50, "rollout", "post-rollout")));
    }

    private static String[] paths(String n) {
        return new String[] {"/" + n + "/rollout", "/" + n + "/post-rollout"};
    }

    /** Makes Analysis throw on its second invocation, as a Lambda error. */
    private static CanaryDocument crashingOnTheSecondAnalysis(String n) {
        AtomicInteger analyses = new AtomicInteger();
        FAULTS.on(n, (function, payload) -> {
            if (function.equals("Analysis") && analyses.incrementAndGet() == 2) {
                throw new IllegalStateException("boom: analysis lambda ran out of memory");
            }
        });
        return canary(n);
    }

    /** Analysis throws on its second invocation, as a Lambda error: Catch -> Rollback -> PostRollout -> Failed. */
    @Test
    void aCrashingPhaseIsCaughtAndRolledBack() throws Exception {
        String n = "crash";
        CanaryDocument doc = crashingOnTheSecondAnalysis(n);

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        assertRolledBack(h, doc);
        assertThat(statesEntered(rollout)).containsSubsequence("PreRollout", "Analysis", "Analysis", "Rollback",
                "PostRollout", "RolloutFailed");
        // the rollout hook ran on the first analysed tick only; the crash came before the second
        assertThat(h.sequence(paths(n))).containsExactly(
                "/crash/rollout:Progressing",
                "/crash/post-rollout:Failed");
        var messages = h.messages(doc.canary().id());
        assertThat(messages).containsSubsequence(
                "Advance crash.e2e canary weight 20",
                "Advance crash.e2e canary weight 40",
                "Canary failed! Scaling down crash.e2e",
                "Post-rollout check post passed");
        assertThat(messages).noneMatch(m -> m.contains("failed checks threshold reached"));
    }

    /**
     * The crash's error and cause must reach the canary's events (RollbackHandler publishes "Rollout of
     * ... broke: {Error}: {Cause}" from its input's {@code error}), or the reason of the rollback is lost.
     */
    @Test
    void theCauseOfACrashIsInTheEvents() throws Exception {
        String n = "crash-cause";
        CanaryDocument doc = crashingOnTheSecondAnalysis(n);

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        assertThat(h.messages(doc.canary().id())).containsSubsequence(
                "Advance crash-cause.e2e canary weight 40",
                "Rollout of crash-cause.e2e broke: java.lang.IllegalStateException: boom: analysis lambda ran out of memory",
                "Canary failed! Scaling down crash-cause.e2e");
    }

    /**
     * The API goes down as the analysis tick after the first one that ran the rollout hooks starts
     * (traffic at 60/40, before its weight change) and stays down past Analysis's retry window (about
     * 10 minutes), so the rollout gives up; it comes back while Rollback is being retried: the rollout
     * fails, and traffic is back on the primary. The trigger waits for that hook rather than counting
     * Analysis deliveries: on a loaded machine a first tick can find the canary not ready yet and end early.
     */
    @Test
    void kubernetesApiDownDuringAWeightChangeRollsBackOnceItIsBack() throws Exception {
        String n = "outage";
        AtomicBoolean down = new AtomicBoolean();
        AtomicInteger rollbacks = new AtomicInteger();
        FAULTS.on(n, (function, payload) -> {
            if (function.equals("Analysis") && h.sequence(paths(n)).contains("/outage/rollout:Progressing")
                    && down.compareAndSet(false, true)) {
                h.sim.pause();
            }
            if (function.equals("Rollback") && rollbacks.incrementAndGet() == 2) {
                h.sim.resume();
            }
        });
        CanaryDocument doc = canary(n);

        Execution rollout;
        try {
            rollout = h.deployNewRevision(doc);
            h.assertEnded(rollout, ExecutionStatus.FAILED);
        } finally {
            h.sim.resume();
        }

        assertRolledBack(h, doc);
        assertThat(rollbacks.get()).as("Rollback attempts: the first one while the API was down").isEqualTo(2);
        assertThat(statesEntered(rollout)).containsSubsequence("PreRollout", "Analysis", "Analysis",
                "Rollback", "PostRollout", "RolloutFailed");
        assertThat(h.sequence(paths(n))).containsExactly(
                "/outage/rollout:Progressing",
                "/outage/post-rollout:Failed");
        var messages = h.messages(doc.canary().id());
        assertThat(messages).containsSubsequence(
                "Advance outage.e2e canary weight 20",
                "Advance outage.e2e canary weight 40",
                "Canary failed! Scaling down outage.e2e",
                "Post-rollout check post passed");
        assertThat(messages).anyMatch(m -> m.startsWith("Rollout of outage.e2e gave up after retrying for its whole window: "
                + "Kubernetes API unavailable: ") && m.contains("cannot connect to the Kubernetes API"));
        assertThat(messages).noneMatch(m -> m.equals("Advance outage.e2e canary weight 50")
                || m.equals("Advance outage.e2e canary weight 60"));
    }

    /**
     * The checks fail from the first analysis at 80/20, and the API goes down as Rollback starts and never comes back:
     * Rollback is retried for its whole window (about half an hour), then the execution still ends (no
     * loop), the status is Failed, post-rollout is called with phase Failed, and PostRollout says so:
     * "Rollback of ... broke: ..." and, after one more try, "Traffic of ... could not be routed back to
     * the primary: ...; fix the cluster and re-run". Without it the user sees Failed and believes the
     * primary has the traffic. When the API returns, the route still shows the split the canary was left
     * with: nothing pretends otherwise.
     */
    @Test
    void kubernetesApiDownThroughTheRollbackStillEndsTheExecutionFailedAndSaysTheTrafficIsNotBack() throws Exception {
        String n = "blackout";
        AtomicInteger analyses = new AtomicInteger();
        AtomicInteger rollbacks = new AtomicInteger();
        FAULTS.on(n, (function, payload) -> {
            if (function.equals("Analysis") && analyses.incrementAndGet() == 1) {
                successRate(h, n, 42.0);
            }
            if (function.equals("Rollback") && rollbacks.incrementAndGet() == 1) {
                h.sim.pause();
            }
        });
        // hooks at the receiver's loopback address: the API stays down for good, and a hook through its service proxy
        // would be retried with PostRollout until its window ran out; this test is about a receiver that is up
        // while the cluster is not (FaultMatrixE2ETest has proxied hooks through outages that end)
        CanaryDocument doc = canary(n, h.hooks.url("").toString());
        Execution rollout;
        try {
            rollout = h.deployNewRevision(doc);
            // half an hour of Rollback retries at a speed of 100, on 2 busy cores
            h.assertEnded(rollout, ExecutionStatus.FAILED, Duration.ofMinutes(3));
        } finally {
            h.sim.resume();
        }

        assertThat(rollbacks.get()).as("Rollback attempts: its whole window").isGreaterThan(20);
        assertThat(statesEntered(rollout)).containsSubsequence("PreRollout", "Analysis", "Rollback", "PostRollout", "RolloutFailed");
        assertThat(statesEntered(rollout)).filteredOn(s -> s.equals("Rollback")).hasSize(1);
        var status = h.status(doc);
        assertThat(status.phase()).isEqualTo(CanaryPhase.FAILED);
        assertThat(h.sequence(paths(n))).endsWith("/blackout/post-rollout:Failed");
        var messages = h.messages(doc.canary().id());
        assertThat(messages).containsSubsequence("Advance blackout.e2e canary weight 20", "Post-rollout check post passed");
        assertThat(messages).anyMatch(m -> m.startsWith("Rollback of blackout.e2e broke: " + TransientFault.ERROR + ": "));
        assertThat(messages).anyMatch(m -> m.startsWith("Traffic of blackout.e2e could not be routed back to the primary: ")
                && m.endsWith("; fix the cluster and re-run"));
        // the cluster was never reachable: the split is where the outage left it, and the primary was never touched
        h.sim.awaitReconciled(Duration.ofSeconds(10));
        assertThat(h.routes(doc)).isEqualTo(Routes.of(80, 20));
        assertThat(image(h, n + "-primary")).isEqualTo(RolloutHarness.IMAGE);
        assertThat(replicas(h, n)).isPositive();
    }

    /**
     * The Gateway controller lags behind a weight change (the HTTPRoute not yet Accepted at its new
     * generation) for two ticks. Flagger's GetRoutes fails, the tick ends with a warning and the next
     * tick tries again (contract 3.3 step 5; the Gateway API row of section 6): the rollout goes on and
     * is promoted, it is not rolled back.
     */
    @Test
    void aRouteNotYetAcceptedAfterAWeightChangeOnlyDelaysTheTick() throws Exception {
        String n = "lagging-route";
        AtomicInteger analyses = new AtomicInteger();
        FAULTS.on(n, (function, payload) -> {
            if (function.equals("Analysis") && analyses.incrementAndGet() == 1) {
                h.sim.freezeControllers(true); // this tick's 20 -> 40 write will not be accepted
            }
            if (function.equals("Analysis") && analyses.get() == 4) {
                h.sim.freezeControllers(false); // two analysis ticks saw the route unaccepted
            }
        });
        CanaryDocument doc = canary(n);

        Execution rollout;
        try {
            rollout = h.deployNewRevision(doc);
            h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);
        } finally {
            h.sim.freezeControllers(false);
        }

        h.sim.awaitReconciled(Duration.ofSeconds(10));
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(image(h, n + "-primary")).isEqualTo(RolloutHarness.NEW_IMAGE);
        var messages = h.messages(doc.canary().id());
        assertThat(messages).filteredOn(m -> m.contains("is not ready")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(messages).containsSubsequence(
                "Advance lagging-route.e2e canary weight 20",
                "Advance lagging-route.e2e canary weight 40",
                "Advance lagging-route.e2e canary weight 60",
                "Promotion completed! Scaling down lagging-route.e2e");
        assertThat(messages).noneMatch(m -> m.startsWith("Canary failed!"));
    }
}
