package dev.flagstep.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.api.testing.FakeStepFunctions;
import dev.flagstep.spec.CanaryId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one rollout starter on AWS: against a loopback Step Functions speaking the real JSON 1.0 protocol
 * through the SDK (the local runtime's interpreter: ServeRolloutTest, HandoverE2ETest).
 */
class ExecutionRolloutStarterTest {

    private static final CanaryId PODINFO = new CanaryId("test", "podinfo");
    private final ObjectMapper json = new ObjectMapper();
    private FakeStepFunctions sfn;
    private RolloutStarter starter;

    @BeforeEach
    void start() throws Exception {
        sfn = new FakeStepFunctions();
        var client = sfn.client();
        starter = new ExecutionRolloutStarter(new SfnRolloutExecutions(() -> client, FakeStepFunctions.STATE_MACHINE_ARN, json));
    }

    @AfterEach
    void stop() {
        sfn.close();
    }

    @Test
    void startsAnExecutionNamedAfterCanaryAndRevisionWithThePhaseInput() throws Exception {
        RolloutStart r = starter.start(new RolloutRequest(PODINFO, "rev1", 30, true));

        assertThat(r).isInstanceOf(RolloutStart.Started.class);
        var e = sfn.executions().getFirst();
        assertThat(e.name()).isEqualTo("test-podinfo-rev1");
        assertThat(((RolloutStart.Started) r).executionId()).isEqualTo(e.arn());
        JsonNode input = json.readTree(e.input());
        assertThat(input.at("/canary/namespace").asText()).isEqualTo("test");
        assertThat(input.at("/canary/name").asText()).isEqualTo("podinfo");
        assertThat(input.get("runId").asText()).isEqualTo("test-podinfo-rev1");
        assertThat(input.get("revision").asText()).isEqualTo("rev1");
        assertThat(input.get("intervalSeconds").asInt()).isEqualTo(30);
    }

    @Test
    void theSameRevisionAgainChangesNothing() {
        starter.start(new RolloutRequest(PODINFO, "rev1", 30, true));
        RolloutStart again = starter.start(new RolloutRequest(PODINFO, "rev1", 30, true));

        assertThat(again).isInstanceOf(RolloutStart.AlreadyStarted.class);
        assertThat(sfn.executions()).hasSize(1);
        assertThat(sfn.executions().getFirst().status()).isEqualTo("RUNNING");
    }

    @Test
    void aFinishedRevisionIsNotRolledOutAgain() {
        starter.start(new RolloutRequest(PODINFO, "rev1", 30, true));
        sfn.finish("test-podinfo-rev1", "SUCCEEDED");

        RolloutStart again = starter.start(new RolloutRequest(PODINFO, "rev1", 60, true));

        assertThat(again).isInstanceOf(RolloutStart.AlreadyStarted.class);
        assertThat(sfn.calls()).contains("StartExecution");
        assertThat(sfn.executions()).hasSize(1);
    }

    /** A request that starts nothing must not stop the rollout that runs (nor conflict with it). */
    @Test
    void aFinishedRevisionAgainLeavesTheRunningRevisionAlone() {
        starter.start(new RolloutRequest(PODINFO, "rev1", 30, true));
        sfn.finish("test-podinfo-rev1", "SUCCEEDED");
        starter.start(new RolloutRequest(PODINFO, "rev2", 30, true));

        assertThat(starter.start(new RolloutRequest(PODINFO, "rev1", 30, true)))
                .isEqualTo(new RolloutStart.AlreadyStarted(sfn.executions().getFirst().arn(), "test-podinfo-rev1"));
        assertThat(starter.start(new RolloutRequest(PODINFO, "rev1", 30, false)))
                .isInstanceOf(RolloutStart.AlreadyStarted.class);
        assertThat(sfn.executions()).hasSize(2);
        assertThat(sfn.executions().get(1).status()).isEqualTo("RUNNING");
        assertThat(sfn.calls()).doesNotContain("StopExecution");
    }

    @Test
    void theStateMachineNeverWaitsZeroSecondsBetweenTicks() throws Exception {
        starter.start(new RolloutRequest(PODINFO, "rev1", 0, true));

        assertThat(json.readTree(sfn.executions().getFirst().input()).get("intervalSeconds").asInt()).isEqualTo(1);
    }

    /** docs/executions.md: a long rollout continues in {run}.{generation}, which StartExecution must still see. */
    @Test
    void aRolloutContinuedInANewExecutionIsStillTheRolloutOfItsRevision() throws Exception {
        starter.start(new RolloutRequest(PODINFO, "rev1", 30, true));
        // the state machine's ContinueAsNew: the continuation starts, then the first execution ends
        var first = sfn.executions().getFirst();
        var continued = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(first.input());
        continued.put("resumeAt", "ConfirmPromotionDecision").put("ticks", 0).put("handover", false)
                .put("AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID", first.arn());
        sfn.client().startExecution(FakeStepFunctions.STATE_MACHINE_ARN, "test-podinfo-rev1.1", continued.toString());
        sfn.finish("test-podinfo-rev1", "SUCCEEDED");

        RolloutStart again = starter.start(new RolloutRequest(PODINFO, "rev1", 30, true));
        assertThat(again).isEqualTo(new RolloutStart.AlreadyStarted(first.arn(), "test-podinfo-rev1"));
        assertThat(sfn.executions()).hasSize(2);

        RolloutStart next = starter.start(new RolloutRequest(PODINFO, "rev2", 30, true));
        assertThat(next).isInstanceOfSatisfying(RolloutStart.Started.class,
                s -> assertThat(s.supersededRevisions()).containsExactly("rev1"));
        assertThat(sfn.executions()).filteredOn(e -> e.name().equals("test-podinfo-rev1.1"))
                .singleElement().satisfies(e -> assertThat(e.status()).isEqualTo("ABORTED"));
    }

    @Test
    void aNewRevisionStopsTheRunningOneThenStarts() {
        starter.start(new RolloutRequest(PODINFO, "rev1", 30, true));

        RolloutStart r = starter.start(new RolloutRequest(PODINFO, "rev2", 30, true));

        assertThat(r).isInstanceOfSatisfying(RolloutStart.Started.class,
                s -> assertThat(s.supersededRevisions()).containsExactly("rev1"));
        var old = sfn.executions().get(0);
        assertThat(old.status()).isEqualTo("ABORTED");
        assertThat(old.stopError()).isEqualTo("flagstep.Superseded");
        assertThat(old.stopCause()).contains("rev2");
        assertThat(sfn.executions().get(1).name()).isEqualTo("test-podinfo-rev2");
        assertThat(sfn.executions().get(1).status()).isEqualTo("RUNNING");
        assertThat(sfn.calls()).containsSubsequence("StopExecution", "StartExecution");
    }

    @Test
    void withoutSupersedeAnotherRunningRevisionIsAConflict() {
        starter.start(new RolloutRequest(PODINFO, "rev1", 30, true));

        RolloutStart r = starter.start(new RolloutRequest(PODINFO, "rev2", 30, false));

        assertThat(r).isInstanceOfSatisfying(RolloutStart.Conflict.class,
                c -> assertThat(c.runningRevision()).isEqualTo("rev1"));
        assertThat(sfn.executions()).hasSize(1);
        assertThat(sfn.executions().getFirst().status()).isEqualTo("RUNNING");
    }

    @Test
    void runsOfAnotherCanaryWithAnOverlappingPrefixAreLeftAlone() {
        // "a-b/c" and "a/b-c" both name their executions "a-b-c-...": the input tells them apart.
        starter.start(new RolloutRequest(new CanaryId("a-b", "c"), "r1", 30, true));
        starter.start(new RolloutRequest(new CanaryId("a", "b-c"), "r1", 30, true));

        assertThat(sfn.executions()).extracting(FakeStepFunctions.Execution::status).containsOnly("RUNNING");
        assertThat(sfn.executions()).hasSize(2);
    }

    @Test
    void findsTheRunningRevisionAcrossListPages() {
        for (String other : new String[] {"x", "y", "z"}) {
            starter.start(new RolloutRequest(new CanaryId("other", other), "r1", 30, true));
        }
        starter.start(new RolloutRequest(PODINFO, "rev1", 30, true));

        starter.start(new RolloutRequest(PODINFO, "rev2", 30, true));

        assertThat(sfn.executions().stream().filter(e -> e.name().equals("test-podinfo-rev1")).findFirst().orElseThrow()
                .status()).isEqualTo("ABORTED");
        assertThat(sfn.calls().stream().filter("ListExecutions"::equals).count()).isGreaterThan(2);
    }
}
