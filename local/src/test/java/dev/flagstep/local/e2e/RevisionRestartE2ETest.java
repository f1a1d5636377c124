package dev.flagstep.local.e2e;

import static dev.flagstep.local.e2e.FailureKit.image;
import static dev.flagstep.local.e2e.FailureKit.replicas;
import static dev.flagstep.local.e2e.FailureKit.successRate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.store.RunResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A new revision while the analysis is progressing (contract 3.3 step 7): the running rollout is
 * superseded, traffic goes back to the primary, the counters reset, and the analysis restarts from
 * pre-rollout without asking confirm-rollout again; the newest revision is the one promoted.
 */
class RevisionRestartE2ETest {

    static final String THIRD_IMAGE = "ghcr.io/stefanprodan/podinfo:6.7.2";

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
        return h.canary(FailureKit.canary(h, n).analysis(FailureKit.analysis(hooks, n, 10, 50,
                "confirm-rollout", "pre-rollout", "confirm-promotion", "post-rollout")));
    }

    /**
     * The new revision arrives while the first rollout sits between two ticks (at weight 20 or more):
     * the first run's next Analysis is held until the new run has restarted, so no phase of the old
     * run is in flight (that race is {@link #aPhaseOfTheOldRunStillInFlightDoesNotFailTheNewRevision}).
     */
    @Test
    void aNewRevisionWhileProgressingRestartsTheAnalysisAndPromotesTheNewest() throws Exception {
        String n = "restart";
        CanaryDocument doc = canary(n);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean armed = new AtomicBoolean(true);
        FAULTS.on(n, (function, payload) -> {
            if (function.equals("Analysis") && h.status(doc).canaryWeight() >= 20 && armed.getAndSet(false)) {
                held.countDown();
                awaitUninterruptibly(release); // stopping the execution must not let it through early
            }
        });

        Execution first = h.deployNewRevision(doc);
        String firstRun = first.input().path("runId").asText();
        assertThat(held.await(30, TimeUnit.SECONDS)).as("first run reached weight 20").isTrue();

        h.sim.newRevision("e2e", n, THIRD_IMAGE);
        Execution second = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());
        String secondRun = second.input().path("runId").asText();
        RolloutHarness.await("the new run past its restart", Duration.ofSeconds(30),
                () -> FailureKit.statesEntered(second).contains("PreRollout"));
        release.countDown();

        assertThat(second.name()).isNotEqualTo(first.name());
        assertThat(h.awaitEnd(first)).as("the superseded execution").isEqualTo(ExecutionStatus.ABORTED);
        h.assertEnded(second, ExecutionStatus.SUCCEEDED);

        h.sim.awaitReconciled(Duration.ofSeconds(10));
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        var status = h.status(doc);
        assertThat(status.phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(status.failedChecks()).isZero();
        assertThat(image(h, n + "-primary")).isEqualTo(THIRD_IMAGE);
        assertThat(replicas(h, n)).isZero();

        var store = h.runtime.store();
        var old = store.run(doc.canary().id(), firstRun).orElseThrow();
        assertThat(old.result()).isEqualTo(RunResult.SUPERSEDED);
        assertThat(old.supersededBy()).contains(secondRun);
        // the restart puts all traffic back on the primary, then the weights walk up again
        assertThat(h.runWeights(doc, second)).containsExactly(0, 10, 20, 30, 40, 50, 0);

        String[] paths = {"/" + n + "/confirm-rollout", "/" + n + "/pre-rollout", "/" + n + "/confirm-promotion",
                "/" + n + "/post-rollout"};
        List<String> calls = h.sequence(paths);
        assertThat(calls).containsExactly(
                "/restart/confirm-rollout:Initialized",
                "/restart/pre-rollout:Progressing",
                "/restart/pre-rollout:Progressing",
                "/restart/confirm-promotion:Progressing",
                "/restart/post-rollout:Succeeded");
        var messages = h.messages(doc.canary().id());
        assertThat(messages).containsSubsequence(
                "New revision detected! Scaling up restart.e2e",
                "Starting canary analysis for restart.e2e",
                "Advance restart.e2e canary weight 10",
                "Advance restart.e2e canary weight 20",
                "New revision detected! Restarting analysis for restart.e2e",
                "Starting canary analysis for restart.e2e",
                "Advance restart.e2e canary weight 10",
                "Advance restart.e2e canary weight 20",
                "Advance restart.e2e canary weight 30",
                "Advance restart.e2e canary weight 40",
                "Advance restart.e2e canary weight 50",
                "Copying restart.e2e template spec to restart-primary.e2e",
                "Routing all traffic to primary",
                "Promotion completed! Scaling down restart.e2e");
        assertThat(messages).filteredOn(m -> m.startsWith("New revision detected! Scaling up")).hasSize(1);
        assertThat(messages).noneMatch(m -> m.startsWith("Canary failed!"));
    }

    /**
     * Step Functions' StopExecution does not stop a Lambda that is running: the old run's Analysis
     * is in flight (past its superseded check) while the new run's Initialize claims the canary and
     * restarts it. Flagger runs one tick at a time per canary, so the newest revision is simply analysed
     * and promoted; flagstep must not let the old run's last write fail the new rollout (today the new
     * Initialize's conditional status write meets StaleStatusException, the Catch rolls the new revision
     * back and the execution ends Failed).
     */
    @Test
    void aPhaseOfTheOldRunStillInFlightDoesNotFailTheNewRevision() throws Exception {
        String n = "restart-race";
        CanaryDocument doc = canary(n);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean armed = new AtomicBoolean(true);
        FAULTS.on(n, (function, payload) -> {
            if (function.equals("Analysis") && h.status(doc).canaryWeight() >= 20 && armed.getAndSet(false)) {
                held.countDown();
                awaitUninterruptibly(release);
            }
            if (function.equals("Initialize") && held.getCount() == 0) {
                release.countDown(); // the old Analysis runs on, alongside the new Initialize
            }
        });

        h.deployNewRevision(doc);
        assertThat(held.await(30, TimeUnit.SECONDS)).as("first run reached weight 20").isTrue();
        h.sim.newRevision("e2e", n, THIRD_IMAGE);
        Execution second = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());
        h.assertEnded(second, ExecutionStatus.SUCCEEDED);

        h.sim.awaitReconciled(Duration.ofSeconds(10));
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(image(h, n + "-primary")).isEqualTo(THIRD_IMAGE);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    latch.await(30, TimeUnit.SECONDS);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
