package dev.flagstep.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.local.asl.AslInterpreter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** statemachine/canary.asl.json as deployed: the interpreter accepts it, and its shape is DESIGN.md's. */
class CanaryDefinitionTest {

    private final JsonNode definition;

    CanaryDefinitionTest() throws Exception {
        definition = new ObjectMapper().readTree(LocalRuntime.definition());
    }

    @Test
    void theInterpreterLoadsTheRealDefinitionWithEveryFunctionSubstituted() {
        Map<String, String> subs = new HashMap<>();
        LocalRuntime.PHASES.keySet().forEach(n -> subs.put(n + "FunctionArn", "arn:aws:lambda:local:0:function:" + n));
        assertThat(AslInterpreter.load(LocalRuntime.definition(), subs)).isNotNull();
    }

    @Test
    void hasDesignsStatesEachInvokingItsOwnFunction() {
        Set<String> states = new LinkedHashSet<>();
        definition.path("States").fieldNames().forEachRemaining(states::add);
        assertThat(states).contains("Initialize", "ConfirmRollout", "StartRollout", "PreRollout", "Analysis",
                "AdvanceTraffic", "ConfirmPromotion", "Promote", "Finalise", "Rollback", "PostRollout");
        for (String phase : LocalRuntime.PHASES.keySet()) {
            assertThat(definition.at("/States/" + phase + "/Parameters/FunctionName").asText())
                    .isEqualTo("${" + phase + "FunctionArn}");
        }
    }

    @Test
    void retriesOnlyLambdaServiceFaultsExceptWhereTrafficGoesBack() {
        definition.path("States").fields().forEachRemaining(e -> {
            for (JsonNode retrier : e.getValue().path("Retry")) {
                List<String> errors = new java.util.ArrayList<>();
                retrier.path("ErrorEquals").forEach(x -> errors.add(x.asText()));
                // ContinueAsNew calls Step Functions, not a phase: any of its errors is worth a retry
                if (!e.getKey().equals("Rollback") && !e.getKey().equals("ContinueAsNew")) {
                    assertThat(errors).as(e.getKey()).allMatch(x -> x.startsWith("Lambda."));
                }
            }
        });
    }

    @Test
    void everyTaskCatchesEverythingAndNoCatchLoopsBackFromTheEnd() {
        definition.path("States").fields().forEachRemaining(e -> {
            JsonNode s = e.getValue();
            if (!s.path("Type").asText().equals("Task")) {
                return;
            }
            JsonNode catches = s.path("Catch");
            assertThat(catches.get(catches.size() - 1).path("ErrorEquals").get(0).asText()).as(e.getKey()).isEqualTo("States.ALL");
        });
        assertThat(definition.at("/States/Rollback/Catch/0/Next").asText()).isEqualTo("PostRollout");
        assertThat(definition.at("/States/PostRollout/Catch/0/Next").asText()).isEqualTo("PostRolloutFailed");
        assertThat(definition.at("/States/PostRolloutFailed/Type").asText()).isEqualTo("Fail");
    }

    /** Every decision a handler can answer has a branch in its Choice state (else Default: Rollback). */
    @Test
    void everyDecisionOfEveryPhaseHasItsBranch() {
        Map<String, Set<String>> decisions = Map.of(
                "InitializeDecision", Set.of("initialized", "restarted", "done", "superseded"),
                "ConfirmRolloutDecision", Set.of("open", "closed", "rollback", "superseded"),
                "StartRolloutDecision", Set.of("started", "skipAnalysis", "superseded"),
                "PreRolloutDecision", Set.of("passed", "failed", "notReady", "rollback", "superseded"),
                "AnalysisDecision", Set.of("passed", "failed", "notReady", "rollback", "superseded"),
                "AdvanceTrafficDecision", Set.of("advanced", "closed", "promote", "superseded"),
                "ConfirmPromotionDecision", Set.of("open", "advanced", "closed", "rollback", "superseded"),
                "PromoteDecision", Set.of("stepped", "done", "notReady", "skipped", "failed", "superseded"),
                "FinaliseDecision", Set.of("finalised", "notReady", "failed", "superseded"),
                "RolloutResult", Set.of("succeeded"));
        decisions.forEach((choice, expected) -> {
            Set<String> handled = new HashSet<>();
            definition.at("/States/" + choice + "/Choices").forEach(c -> handled.add(c.path("StringEquals").asText()));
            assertThat(handled).as(choice).containsAll(expected);
        });
    }

    /** The handover (docs/executions.md): every Choice after a phase may continue the run in a new execution. */
    @Test
    void everyPhaseChoiceHandsOverFirstAndAContinuationResumesAtIt() {
        Set<String> decisions = new LinkedHashSet<>();
        definition.path("States").fieldNames().forEachRemaining(n -> {
            if (n.endsWith("Decision")) {
                decisions.add(n);
            }
        });
        assertThat(decisions).hasSize(9);
        assertThat(definition.path("StartAt").asText()).isEqualTo("Resume");
        JsonNode resume = definition.at("/States/Resume/Choices");
        assertThat(resume.get(0).toString()).isEqualTo(
                "{\"Variable\":\"$.resumeAt\",\"IsPresent\":false,\"Next\":\"Initialize\"}");
        Set<String> resumable = new LinkedHashSet<>();
        for (int i = 1; i < resume.size(); i++) {
            assertThat(resume.get(i).path("StringEquals").asText()).isEqualTo(resume.get(i).path("Next").asText());
            resumable.add(resume.get(i).path("Next").asText());
        }
        assertThat(resumable).isEqualTo(decisions);
        for (String d : decisions) {
            // guarded by IsPresent: a Choice that meets a missing path fails the execution with no Catch
            assertThat(definition.at("/States/" + d + "/Choices/0").toString()).as(d).isEqualTo(
                    "{\"And\":[{\"Variable\":\"$.handover\",\"IsPresent\":true},"
                            + "{\"Variable\":\"$.handover\",\"BooleanEquals\":true}],\"Next\":\"ContinueAsNew\"}");
        }
    }

    @Test
    void thePhasesOfTheLoopPassTheirTickCountAndTheOthersNeedNone() {
        Set<String> counted = Set.of("ConfirmRollout", "StartRollout", "PreRollout", "Analysis", "AdvanceTraffic",
                "ConfirmPromotion", "Promote", "Finalise");
        definition.path("States").fields().forEachRemaining(e -> {
            JsonNode payload = e.getValue().at("/Parameters/Payload");
            if (payload.isMissingNode()) {
                return;
            }
            boolean counts = counted.contains(e.getKey());
            assertThat(payload.path("ticks.$").asText()).as(e.getKey()).isEqualTo(counts ? "$.ticks" : "");
            assertThat(payload.path("execution.$").asText()).as(e.getKey()).isEqualTo(counts ? "$$.Execution.Name" : "");
            // a state reached from Initialize's Catch (raw input) must not need $.ticks
            assertThat(payload.toString()).as(e.getKey()).contains(counts ? "$.ticks" : "tick.$");
        });
    }

    @Test
    void aContinuationCarriesWhatEveryStateAfterAChoiceReads() {
        JsonNode task = definition.at("/States/ContinueAsNew");
        assertThat(task.path("Resource").asText()).isEqualTo("arn:aws:states:::states:startExecution");
        assertThat(task.at("/Parameters/StateMachineArn.$").asText()).isEqualTo("$$.StateMachine.Id");
        assertThat(task.at("/Parameters/Name.$").asText()).isEqualTo("$.nextExecution");
        Set<String> carried = new HashSet<>();
        task.at("/Parameters/Input").fieldNames().forEachRemaining(f -> carried.add(f.replace(".$", "")));
        // Choices read decision and handover; the waits waitSeconds and intervalSeconds; Rollback and
        // PostRollout error; every phase canary, runId, revision, ticks; Resume resumeAt
        assertThat(carried).containsExactlyInAnyOrder("canary", "runId", "revision", "intervalSeconds", "waitSeconds",
                "decision", "error", "ticks", "handover", "resumeAt", "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID");
        Set<String> read = new HashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"\\$\\.([A-Za-z]+)").matcher(definition.toString());
        while (m.find()) {
            read.add(m.group(1));
        }
        read.removeAll(Set.of("nextExecution", "Payload"));
        assertThat(carried).containsAll(read);
        assertThat(task.at("/Catch/0/Next").asText()).isEqualTo("HandedOver");
        assertThat(task.at("/Catch/0/ErrorEquals/0").asText()).isEqualTo("StepFunctions.ExecutionAlreadyExistsException");
        assertThat(task.at("/Retry/0/MaxAttempts").asInt(-1)).isZero();
        assertThat(definition.at("/States/HandedOver/Type").asText()).isEqualTo("Succeed");
    }
}
