package dev.flagstep.local.e2e;

import static dev.flagstep.local.e2e.FailureKit.assertRolledBack;
import static dev.flagstep.local.e2e.FailureKit.image;
import static dev.flagstep.local.e2e.FailureKit.statesEntered;
import static dev.flagstep.local.e2e.FailureKit.successRate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.asl.HistoryEvent;
import dev.flagstep.phases.TransientFault;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.store.Gate;
import dev.flagstep.gate.GateType;
import dev.flagstep.store.RunResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults that pass by themselves are not release failures: the Kubernetes API answering 5xx for a
 * while, or down for ten minutes, DynamoDB throttling. Through the real state machine in the local
 * interpreter, against the simulated cluster and DynamoDB Local behind fault proxies: the phase is
 * retried (with a Warning event naming the cause) and the rollout ends as it would have without the
 * fault; a permanent error (a 403) still fails the release at once, with its message.
 */
class TransientFaultsE2ETest {

    static final Faults FAULTS = new Faults();
    static final List<CanaryEvent> BUS = new CopyOnWriteArrayList<>();
    static RolloutHarness h;
    static String hooks;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start(FAULTS);
        h.runtime.bus().listen(BUS::add);
        hooks = h.hooksUrl();
    }

    @AfterEach
    void clearFaults() {
        FAULTS.clear();
    }

    @AfterAll
    static void stop() {
        h.sim.resume();
        h.close();
    }

    private static CanaryDocument canary(String n, double successRate) {
        successRate(h, n, successRate);
        return h.canary(FailureKit.canary(h, n).analysis(FailureKit.analysis(hooks, n, 20, 50, "rollout", "post-rollout")));
    }

    private static List<HistoryEvent> retries(Execution e, String state) {
        return e.history().stream()
                .filter(ev -> ev.type() == HistoryEvent.Type.TASK_RETRY_SCHEDULED && ev.state().orElse("").equals(state))
                .toList();
    }

    /** PostRollout's work: the run recorded with its result, the canary released, every gate closed again. */
    private static void assertReleasedWithGatesClosed(CanaryDocument doc, Execution rollout, RunResult result) {
        String runId = rollout.input().path("runId").asText();
        assertThat(h.runtime.store().run(doc.canary().id(), runId).orElseThrow().result()).isEqualTo(result);
        assertThat(h.runtime.store().activeRun(doc.canary().id())).isEmpty();
        assertThat(h.runtime.store().gates(doc.canary().id()).values()).noneMatch(Gate::open);
    }

    private static List<String> warningsOnTheBus(String canary) {
        return BUS.stream().filter(e -> e.canary().name().equals(canary) && e.severity() == Message.Severity.WARNING)
                .map(CanaryEvent::message).toList();
    }

    /** The API answers 503 for 30 s from the second Analysis: Analysis is retried, the rollout is promoted. */
    @Test
    void aThirtySecondBurstOfKubernetesErrorsDuringAnalysisOnlyDelaysTheRollout() throws Exception {
        String n = "burst";
        FAULTS.at(n, "Analysis", 2, FAULTS.kubeAnswers(503, Duration.ofSeconds(30)));
        CanaryDocument doc = canary(n, 99.9);

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        assertThat(statesEntered(rollout)).doesNotContain("Rollback");
        assertThat(retries(rollout, "Analysis")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.details().path("error").asText()).isEqualTo(TransientFault.ERROR));
        assertThat(h.messages(doc.canary().id()))
                .anyMatch(m -> m.startsWith("Analysis of burst.e2e will be retried: Kubernetes API unavailable: ")
                        && m.contains("answered 503"))
                .noneMatch(m -> m.startsWith("Canary failed!"));
        assertThat(h.runWeights(doc, rollout)).containsExactly(20, 40, 60, 0);
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(image(h, n + "-primary")).isEqualTo(RolloutHarness.NEW_IMAGE);
    }

    /**
     * The checks fail, so the rollout must roll back, and the API is down for ten minutes from the first
     * Rollback: Rollback keeps being retried until the API is back, then routes all traffic to the primary.
     * The run ends Failed, post-rollout is called, the run releases the canary and its gates are closed.
     */
    @Test
    void aTenMinuteKubernetesOutageDuringTheRollbackStillEndsWithAllTrafficOnThePrimary() throws Exception {
        String n = "outage10";
        FAULTS.at(n, "Rollback", 1, FAULTS.kubeDown(Duration.ofMinutes(10)));
        CanaryDocument doc = canary(n, 42.0);
        h.runtime.store().openGate(doc.canary().id(), GateType.CONFIRM_PROMOTION, "test", "left open");

        Execution rollout;
        try {
            rollout = h.deployNewRevision(doc);
            h.assertEnded(rollout, ExecutionStatus.FAILED);
        } finally {
            h.sim.resume();
        }

        assertRolledBack(h, doc);
        assertThat(retries(rollout, "Rollback")).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(r -> assertThat(r.details().path("error").asText()).isEqualTo(TransientFault.ERROR));
        assertThat(statesEntered(rollout)).containsSubsequence("Rollback", "PostRollout", "RolloutFailed");
        assertThat(h.sequence("/" + n + "/post-rollout")).containsExactly("/outage10/post-rollout:Failed");
        var messages = h.messages(doc.canary().id());
        assertThat(messages).anyMatch(m -> m.startsWith("Rollback of outage10.e2e will be retried: Kubernetes API unavailable: "));
        assertThat(messages).containsSubsequence("Canary failed! Scaling down outage10.e2e", "Post-rollout check post passed");
        assertThat(messages).noneMatch(m -> m.contains("could not be routed back"));
        assertReleasedWithGatesClosed(doc, rollout, RunResult.FAILED);
    }

    /** A 403 (a missing RBAC grant) is permanent: Analysis is not retried, the rollout fails at once, saying why. */
    @Test
    void aForbiddenAnswerFailsTheReleaseAtOnceWithItsMessage() throws Exception {
        String n = "forbidden";
        FAULTS.at(n, "Analysis", 1, FAULTS.kubeRejects(403, 1));
        CanaryDocument doc = canary(n, 99.9);

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        assertThat(retries(rollout, "Analysis")).isEmpty();
        assertThat(statesEntered(rollout)).containsSubsequence("PreRollout", "Analysis", "Rollback");
        assertThat(h.messages(doc.canary().id())).anyMatch(m -> m.startsWith("Rollout of forbidden.e2e broke: "
                        + "dev.flagstep.kubernetes.KubeException$Rejected: ")
                && m.contains("answered 403")
                && m.contains("not allowed: give the caller's EKS access entry a Role"));
        assertThat(h.messages(doc.canary().id())).noneMatch(m -> m.contains("will be retried"));
        assertRolledBack(h, doc);
    }

    /**
     * DynamoDB throttles every request for 30 s from the first Analysis (the second weight step): the phase is retried and
     * the rollout is promoted. The Warning cannot be stored (DynamoDB is what failed) but reaches the event bus.
     */
    @Test
    void aDynamoDbThrottlingBurstOnlyDelaysTheRolloutAndItsWarningReachesTheBus() throws Exception {
        String n = "throttled";
        FAULTS.at(n, "Analysis", 1, FAULTS.dynamoThrottled(Duration.ofSeconds(30)));
        CanaryDocument doc = canary(n, 99.9);

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        assertThat(retries(rollout, "Analysis")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.details().path("error").asText()).isEqualTo(TransientFault.ERROR));
        assertThat(warningsOnTheBus(n)).anyMatch(m -> m.startsWith("Analysis of throttled.e2e will be retried: "
                + "DynamoDB throttled (ProvisionedThroughputExceededException): "));
        assertThat(h.runWeights(doc, rollout)).containsExactly(20, 40, 60, 0);
        assertThat(image(h, n + "-primary")).isEqualTo(RolloutHarness.NEW_IMAGE);
    }

    /**
     * DynamoDB throttles for two minutes as PostRollout starts: PostRollout is retried until it can write,
     * then closes the gates and releases the run; the execution does not end in PostRolloutFailed.
     */
    @Test
    void postRolloutReleasesTheRunAndClosesTheGatesEvenWhenDynamoDbThrottles() throws Exception {
        String n = "post-throttled";
        FAULTS.at(n, "PostRollout", 1, FAULTS.dynamoThrottled(Duration.ofMinutes(2)));
        CanaryDocument doc = canary(n, 99.9);
        h.runtime.store().openGate(doc.canary().id(), GateType.CONFIRM_PROMOTION, "test", "left open");

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        assertThat(retries(rollout, "PostRollout")).isNotEmpty();
        assertReleasedWithGatesClosed(doc, rollout, RunResult.SUCCEEDED);
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
    }
}
