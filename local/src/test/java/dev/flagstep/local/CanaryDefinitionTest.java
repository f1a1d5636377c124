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
                if (!e.getKey().equals("Rollback")) {
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
                "InitializeDecision", Set.of("initialized", "restarted", "done", "superseded", "initializing", "failed"),
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
}
