package dev.flagstep.asl;

import static dev.flagstep.asl.AslFixtures.PATIENCE;
import static dev.flagstep.asl.AslFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A definition shaped like the state machine of docs/architecture.md (not the real canary.asl.json):
 * tasks that return {@code decision}, a Choice on it, Wait SecondsPath on the interval, a gate with
 * waitForTaskToken + TimeoutSecondsPath, Lambda service faults retried, States.ALL caught into Rollback.
 */
class AslCanaryShapeTest {

    private static final String RETRY = """
            "Retry":[{"ErrorEquals":["Lambda.ServiceException","Lambda.AWSLambdaException","Lambda.SdkClientException",
                     "Lambda.TooManyRequestsException"],"IntervalSeconds":2,"MaxAttempts":6,"BackoffRate":2}],
            "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"Rollback"}]""";

    private static String phase(String name, String next) {
        return """
                "%s":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                  "Parameters":{"FunctionName":"${%sFunctionArn}","Payload.$":"$"},
                  "ResultSelector":{"canary.$":"$.Payload.canary","runId.$":"$.Payload.runId",
                                    "intervalSeconds.$":"$.Payload.intervalSeconds","decision.$":"$.Payload.decision"},
                  %s,"Next":"%s"}""".formatted(name, name, RETRY, next);
    }

    private static final String DEFINITION = """
            {"StartAt":"Initialize","States":{
              %s,
              "ConfirmRollout":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
                "Parameters":{"FunctionName":"${ConfirmRolloutFunctionArn}",
                              "Payload":{"canary.$":"$.canary","runId.$":"$.runId","taskToken.$":"$$.Task.Token"}},
                "TimeoutSecondsPath":"$.intervalSeconds","ResultPath":"$.gate",
                "Catch":[{"ErrorEquals":["States.Timeout"],"ResultPath":null,"Next":"ConfirmRollout"},
                         {"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"Rollback"}],
                "Next":"WaitInterval"},
              "WaitInterval":{"Type":"Wait","SecondsPath":"$.intervalSeconds","Next":"Analysis"},
              %s,
              "AfterAnalysis":{"Type":"Choice","Choices":[
                 {"Variable":"$.decision","StringEquals":"promote","Next":"Promote"},
                 {"Variable":"$.decision","StringEquals":"rollback","Next":"Rollback"}],
                "Default":"WaitInterval"},
              %s,
              %s,
              "Succeeded":{"Type":"Succeed"},
              "Failed":{"Type":"Fail","Error":"Canary.Failed","Cause":"rolled back"}}}"""
            .formatted(phase("Initialize", "ConfirmRollout"), phase("Analysis", "AfterAnalysis"),
                    phase("Promote", "Succeeded"),
                    phase("Rollback", "Failed").replace(RETRY, "\"ResultPath\":null"));

    private static final Map<String, String> ARNS = Map.of(
            "InitializeFunctionArn", "Initialize", "ConfirmRolloutFunctionArn", "ConfirmRollout",
            "AnalysisFunctionArn", "Analysis", "PromoteFunctionArn", "Promote", "RollbackFunctionArn", "Rollback");

    @Test
    void gateTimesOutOnceThenOpensAndAnalysisPromotesAfterThreeTicks() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        AtomicInteger ticks = new AtomicInteger();
        AtomicInteger gateCalls = new AtomicInteger();
        AslInterpreter[] asl = new AslInterpreter[1];
        TaskInvoker handlers = (function, payload) -> {
            calls.add(function);
            return switch (function) {
                case "Initialize" -> json("{\"canary\":\"default/podinfo\",\"runId\":\"r1\",\"intervalSeconds\":60,\"decision\":\"continue\"}");
                case "ConfirmRollout" -> {
                    if (gateCalls.incrementAndGet() == 2) { // the gate opens on the second look
                        asl[0].taskTokens().sendTaskSuccess(payload.get("taskToken").textValue(), json("{\"open\":true}"));
                    }
                    yield json("{}");
                }
                case "Analysis" -> {
                    if (ticks.incrementAndGet() == 1) {
                        throw new TaskFailure("Lambda.TooManyRequestsException", "throttled");
                    }
                    yield with(payload, ticks.get() < 4 ? "continue" : "promote");
                }
                default -> with(payload, "done");
            };
        };
        InstantClock clock = new InstantClock();
        asl[0] = new AslInterpreter(AslInterpreter.load("canary", DEFINITION, ARNS), handlers, clock);
        Execution e = asl[0].start("default-podinfo-1", json("{\"canary\":\"default/podinfo\"}"));
        assertThat(e.await(PATIENCE)).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(calls).containsExactly("Initialize", "ConfirmRollout", "ConfirmRollout",
                "Analysis", "Analysis", "Analysis", "Analysis", "Promote");
        // gate timeout 60, 3 Wait intervals of 60, one retry backoff of 2 s
        assertThat(clock.idleWaits()).containsExactly(Duration.ofSeconds(60), Duration.ofSeconds(60),
                Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(60));
        assertThat(e.output().orElseThrow().get("decision").textValue()).isEqualTo("done");
    }

    @Test
    void aCrashingHandlerIsCaughtIntoRollbackAndTheExecutionFails() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        TaskInvoker handlers = (function, payload) -> {
            calls.add(function);
            if (function.equals("Initialize")) {
                throw new IllegalArgumentException("spec invalid");
            }
            return with(payload, "rolledback");
        };
        AslInterpreter asl = new AslInterpreter(AslInterpreter.load("canary", DEFINITION, ARNS), handlers, new InstantClock());
        Execution e = asl.start("default-podinfo-2", json("{\"canary\":\"default/podinfo\"}"));
        assertThat(e.await(PATIENCE)).isEqualTo(ExecutionStatus.FAILED);
        assertThat(calls).containsExactly("Initialize", "Rollback");
        assertThat(e.error()).contains("Canary.Failed");
        JsonNode rollbackInput = e.history().stream()
                .filter(ev -> ev.type() == HistoryEvent.Type.TASK_SCHEDULED && ev.state().orElseThrow().equals("Rollback"))
                .findFirst().orElseThrow().details().get("payload");
        assertThat(rollbackInput.get("error")).isEqualTo(json("{\"Error\":\"java.lang.IllegalArgumentException\",\"Cause\":\"spec invalid\"}"));
    }

    private static JsonNode with(JsonNode payload, String decision) {
        return json("{\"canary\":\"default/podinfo\",\"runId\":\"r1\",\"intervalSeconds\":60,\"decision\":\"" + decision + "\"}");
    }
}
