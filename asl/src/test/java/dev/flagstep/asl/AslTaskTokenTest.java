package dev.flagstep.asl;

import static dev.flagstep.asl.AslFixtures.PATIENCE;
import static dev.flagstep.asl.AslFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code .waitForTaskToken}: the gate pattern of the canary definition. */
class AslTaskTokenTest {

    /** A gate: the task hands its token to "fn" and waits; Closed is where a timeout goes. */
    private static final String GATE = """
            {"StartAt":"Gate","States":{
              "Gate":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
                      "Parameters":{"FunctionName":"gate","Payload":{"token.$":"$$.Task.Token","canary.$":"$.canary"}},
                      "TimeoutSecondsPath":"$.intervalSeconds",
                      "ResultPath":"$.gate","Next":"Open",
                      "Catch":[{"ErrorEquals":["States.Timeout"],"ResultPath":"$.timeout","Next":"Closed"},
                               {"ErrorEquals":["States.ALL"],"ResultPath":"$.failure","Next":"Rejected"}]},
              "Open":{"Type":"Succeed"},
              "Closed":{"Type":"Succeed"},
              "Rejected":{"Type":"Succeed"}}}""";

    /** The invoker stores tokens here, as the gate handler stores them in DynamoDB. */
    private final BlockingQueue<JsonNode> payloads = new LinkedBlockingQueue<>();
    private final TaskInvoker storeToken = (name, payload) -> {
        payloads.add(payload);
        return json("{\"stored\":true}");
    };

    private String nextToken() throws InterruptedException {
        JsonNode payload = payloads.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(payload).as("the task was invoked").isNotNull();
        assertThat(payload.get("canary").textValue()).isEqualTo("podinfo");
        return payload.get("token").textValue();
    }

    private static String lastState(Execution e) {
        return e.history().stream().filter(ev -> ev.type() == HistoryEvent.Type.STATE_ENTERED)
                .reduce((a, b) -> b).orElseThrow().state().orElseThrow();
    }

    @Test
    void anotherThreadCompletesTheTokenWithSuccess() throws Exception {
        // a long interval on the real clock: only sendTaskSuccess can end the wait in time
        AslInterpreter asl = AslFixtures.interpreter(GATE, storeToken, AslClock.system());
        Execution e = asl.start("gate", json("{\"canary\":\"podinfo\",\"intervalSeconds\":3600}"));
        String token = nextToken();
        Thread opener = Thread.ofPlatform().start(() -> asl.taskTokens().sendTaskSuccess(token, "{\"open\":true}"));
        assertThat(e.await(PATIENCE)).isEqualTo(ExecutionStatus.SUCCEEDED);
        opener.join();
        assertThat(lastState(e)).isEqualTo("Open");
        // the task's result is what was sent, not the function's own return value
        assertThat(e.output().orElseThrow().get("gate")).isEqualTo(json("{\"open\":true}"));
        assertThat(asl.taskTokens().waiting()).isEmpty();
    }

    @Test
    void anotherThreadCompletesTheTokenWithFailure() throws Exception {
        AslInterpreter asl = AslFixtures.interpreter(GATE, storeToken, new InstantClock());
        // 99999999 s is Step Functions' "no timeout": then even the instant clock waits for the other thread
        Execution e = asl.start("gate", json("{\"canary\":\"podinfo\",\"intervalSeconds\":99999999}"));
        String token = nextToken();
        Thread.ofPlatform().start(() -> asl.taskTokens().sendTaskFailure(token, "Gate.Rejected", "rollback requested")).join();
        assertThat(e.await(PATIENCE)).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(lastState(e)).isEqualTo("Rejected");
        assertThat(e.output().orElseThrow().get("failure"))
                .isEqualTo(json("{\"Error\":\"Gate.Rejected\",\"Cause\":\"rollback requested\"}"));
    }

    @Test
    void timeoutSecondsPathTimesOutWithStatesTimeoutWhichIsCaught() throws Exception {
        InstantClock clock = new InstantClock();
        AslInterpreter asl = AslFixtures.interpreter(GATE, storeToken, clock);
        Execution e = AslFixtures.run(asl, "{\"canary\":\"podinfo\",\"intervalSeconds\":60}");
        assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(lastState(e)).isEqualTo("Closed");
        assertThat(e.output().orElseThrow().at("/timeout/Error").textValue()).isEqualTo("States.Timeout");
        assertThat(clock.idleWaits()).containsExactly(Duration.ofSeconds(60));
        // a token whose task has timed out can no longer be completed
        String token = nextToken();
        assertThatThrownBy(() -> asl.taskTokens().sendTaskSuccess(token, "{}"))
                .isInstanceOfSatisfying(TaskTokenException.class, x -> assertThat(x.errorCode()).isEqualTo("TaskDoesNotExist"));
    }

    @Test
    void aFailingFunctionFailsTheTaskWithoutWaitingForTheToken() throws Exception {
        AslInterpreter asl = AslFixtures.interpreter(GATE, (name, payload) -> {
            throw new TaskFailure("Lambda.ServiceException", "down");
        }, AslClock.system());
        Execution e = AslFixtures.run(asl, "{\"canary\":\"podinfo\",\"intervalSeconds\":3600}");
        assertThat(lastState(e)).isEqualTo("Rejected");
        assertThat(e.output().orElseThrow().at("/failure/Error").textValue()).isEqualTo("Lambda.ServiceException");
    }

    @Test
    void theFunctionMayCompleteItsOwnTokenBeforeReturning() throws Exception {
        AslInterpreter[] holder = new AslInterpreter[1];
        holder[0] = AslFixtures.interpreter(GATE, (name, payload) -> {
            holder[0].taskTokens().sendTaskSuccess(payload.get("token").textValue(), json("\"already open\""));
            return json("{}");
        }, new InstantClock());
        Execution e = AslFixtures.run(holder[0], "{\"canary\":\"podinfo\",\"intervalSeconds\":60}");
        assertThat(lastState(e)).isEqualTo("Open");
        assertThat(e.output().orElseThrow().get("gate").textValue()).isEqualTo("already open");
    }

    @Test
    void stopWakesAnExecutionWaitingForAToken() throws Exception {
        AslInterpreter asl = AslFixtures.interpreter(GATE, storeToken, AslClock.system());
        Execution e = asl.start("gate", json("{\"canary\":\"podinfo\",\"intervalSeconds\":3600}"));
        String token = nextToken();
        assertThat(e.stop("Superseded", "revision 2 started")).isTrue();
        assertThat(e.await(PATIENCE)).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(e.error()).contains("Superseded");
        assertThat(e.history().getLast().type()).isEqualTo(HistoryEvent.Type.EXECUTION_ABORTED);
        // the task's wait really woke up: on its own it would have lasted an hour
        e.runEnded.get(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(asl.taskTokens().waiting()).doesNotContain(token);
        assertThat(e.stop("again", "")).as("stopping twice").isFalse();
    }

    @Test
    void unknownTokensAndBadOutputAreRefused() {
        AslInterpreter asl = AslFixtures.interpreter(GATE, storeToken, new InstantClock());
        assertThatThrownBy(() -> asl.taskTokens().sendTaskSuccess("nope", "{}"))
                .isInstanceOfSatisfying(TaskTokenException.class, x -> assertThat(x.errorCode()).isEqualTo("TaskDoesNotExist"));
        assertThatThrownBy(() -> asl.taskTokens().sendTaskFailure("nope", "E", "C"))
                .isInstanceOf(TaskTokenException.class);
        assertThatThrownBy(() -> asl.taskTokens().sendTaskSuccess("nope", "{not json"))
                .isInstanceOfSatisfying(TaskTokenException.class, x -> assertThat(x.errorCode()).isEqualTo("InvalidOutput"));
    }
}
