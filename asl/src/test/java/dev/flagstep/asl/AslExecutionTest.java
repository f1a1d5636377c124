package dev.flagstep.asl;

import static dev.flagstep.asl.AslFixtures.PATIENCE;
import static dev.flagstep.asl.AslFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.asl.HistoryEvent.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AslExecutionTest {

    private static final String LONG_WAIT = AslFixtures.single("{\"Type\":\"Wait\",\"Seconds\":3600,\"End\":true}");

    @Test
    void contextObjectHasExecutionStateAndStateMachine() throws Exception {
        String def = """
                {"StartAt":"First","States":{
                  "First":{"Type":"Wait","Seconds":30,"Next":"Ctx"},
                  "Ctx":{"Type":"Pass","Parameters":{
                     "id.$":"$$.Execution.Id","name.$":"$$.Execution.Name","input.$":"$$.Execution.Input",
                     "start.$":"$$.Execution.StartTime","state.$":"$$.State.Name","entered.$":"$$.State.EnteredTime",
                     "retries.$":"$$.State.RetryCount","machine.$":"$$.StateMachine.Id","whole.$":"$$"},"End":true}}}""";
        InstantClock clock = new InstantClock(Instant.parse("2026-05-01T12:00:00Z"));
        AslInterpreter asl = new AslInterpreter(AslInterpreter.load("canary", def, Map.of()), AslFixtures.NO_TASKS, clock);
        Execution e = asl.start("default-podinfo-7", json("{\"canary\":\"podinfo\"}"));
        assertThat(e.await(PATIENCE)).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode out = e.output().orElseThrow();
        assertThat(out.get("id").textValue()).isEqualTo("arn:aws:states:local:000000000000:execution:canary:default-podinfo-7");
        assertThat(out.get("name").textValue()).isEqualTo("default-podinfo-7");
        assertThat(out.get("input")).isEqualTo(json("{\"canary\":\"podinfo\"}"));
        assertThat(out.get("start").textValue()).isEqualTo("2026-05-01T12:00:00Z");
        assertThat(out.get("state").textValue()).isEqualTo("Ctx");
        assertThat(out.get("entered").textValue()).isEqualTo("2026-05-01T12:00:30Z");
        assertThat(out.get("retries").intValue()).isZero();
        assertThat(out.get("machine").textValue()).isEqualTo("arn:aws:states:local:000000000000:stateMachine:canary");
        assertThat(out.get("whole").has("Task")).as("no Task outside waitForTaskToken").isFalse();
    }

    @Test
    void historyRecordsStatesTasksAndTheEndInOrderAndListenersSeeAll() throws Exception {
        String def = """
                {"StartAt":"T","States":{
                  "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"fn"},
                       "Retry":[{"ErrorEquals":["X"],"MaxAttempts":1}],"ResultPath":null,"Next":"Done"},
                  "Done":{"Type":"Succeed"}}}""";
        int[] calls = {0};
        AslInterpreter asl = AslFixtures.interpreter(def, (name, payload) -> {
            if (calls[0]++ == 0) {
                throw new TaskFailure("X", "once");
            }
            return payload;
        }, new InstantClock());
        List<String> seen = new CopyOnWriteArrayList<>();
        asl.addListener((execution, event) -> seen.add(execution.name() + ":" + event.type()));
        Execution e = AslFixtures.run(asl, "{\"a\":1}");
        assertThat(e.history()).extracting(HistoryEvent::type).containsExactly(
                Type.EXECUTION_STARTED, Type.STATE_ENTERED, Type.TASK_SCHEDULED, Type.TASK_STARTED, Type.TASK_FAILED,
                Type.TASK_RETRY_SCHEDULED, Type.TASK_SCHEDULED, Type.TASK_STARTED, Type.TASK_SUCCEEDED, Type.STATE_EXITED,
                Type.STATE_ENTERED, Type.STATE_EXITED, Type.EXECUTION_SUCCEEDED);
        assertThat(e.history()).extracting(HistoryEvent::id).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L);
        assertThat(e.history().get(1).details().get("input")).isEqualTo(json("{\"a\":1}"));
        assertThat(e.history().get(9).details().get("next").textValue()).isEqualTo("Done");
        assertThat(seen).hasSize(13).first().isEqualTo("test:EXECUTION_STARTED");
        // AWS writes all but the retry note
        assertThat(e.historyEventCount()).isEqualTo(12);
        // a late subscriber gets the past replayed
        List<Type> replayed = new CopyOnWriteArrayList<>();
        e.subscribe(ev -> replayed.add(ev.type()));
        assertThat(replayed).hasSize(13);
    }

    @Test
    void failStateFailsWithErrorAndCauseFromPaths() throws Exception {
        String def = AslFixtures.single("{\"Type\":\"Fail\",\"ErrorPath\":\"$.e\",\"CausePath\":\"States.Format('because {}', $.c)\"}");
        Execution e = AslFixtures.run(def, "{\"e\":\"Canary.Failed\",\"c\":\"3 checks\"}", AslFixtures.NO_TASKS);
        assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(e.error()).contains("Canary.Failed");
        assertThat(e.cause()).contains("because 3 checks");
        assertThat(e.output()).isEmpty();
        Execution bare = AslFixtures.run(AslFixtures.single("{\"Type\":\"Fail\"}"), "{}", AslFixtures.NO_TASKS);
        assertThat(bare.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(bare.error()).isEmpty();
    }

    @Test
    void aRunningNameCannotBeReusedWithOtherInputButIsIdempotentWithTheSame() throws Exception {
        AslInterpreter asl = AslFixtures.interpreter(LONG_WAIT, AslFixtures.NO_TASKS, AslClock.system());
        Execution first = asl.start("default-podinfo-1", json("{\"rev\":1}"));
        assertThatThrownBy(() -> asl.start("default-podinfo-1", json("{\"rev\":2}")))
                .isInstanceOfSatisfying(ExecutionAlreadyExistsException.class,
                        x -> assertThat(x.errorCode()).isEqualTo("ExecutionAlreadyExists"));
        // as for a Standard workflow: same name and same input while running is the same execution
        assertThat(asl.start("default-podinfo-1", json("{\"rev\":1}"))).isSameAs(first);
        assertThat(asl.running("default-podinfo-1")).containsSame(first);
        first.stop("test", "done");
        assertThat(first.await(PATIENCE)).isEqualTo(ExecutionStatus.ABORTED);
        // a finished name is free again (only running names must be unique here)
        Execution second = asl.start("default-podinfo-1", json("{\"rev\":2}"));
        assertThat(second).isNotSameAs(first);
        second.stop("test", "done");
    }

    @Test
    void namesStepFunctionsWouldRefuseAreRefused() {
        AslInterpreter asl = AslFixtures.interpreter(LONG_WAIT, AslFixtures.NO_TASKS, new InstantClock());
        for (String bad : List.of("", "has space", "a/b", "x".repeat(81), "a:b", "$x")) {
            assertThatThrownBy(() -> asl.start(bad, json("{}"))).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("InvalidName");
        }
    }

    @Test
    void executionsRunConcurrentlyOnTheirOwnThreads() throws Exception {
        CountDownLatch both = new CountDownLatch(2);
        String def = AslFixtures.single("""
                {"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"fn"},"End":true}""");
        AslInterpreter asl = AslFixtures.interpreter(def, (name, payload) -> {
            both.countDown();
            try {
                // each waits for the other: only concurrent executions get past this
                if (!both.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new TaskFailure("Deadlock", "not concurrent");
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            return payload;
        }, new InstantClock());
        Execution a = asl.start("a", json("{}"));
        Execution b = asl.start("b", json("{}"));
        assertThat(a.await(PATIENCE)).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(b.await(PATIENCE)).isEqualTo(ExecutionStatus.SUCCEEDED);
    }

    @Test
    void theStateMachineTimeoutEndsTheExecutionTimedOut() throws Exception {
        String def = """
                {"StartAt":"W","TimeoutSeconds":100,"States":{
                  "W":{"Type":"Wait","Seconds":60,"Next":"W2"},
                  "W2":{"Type":"Wait","Seconds":60,"End":true}}}""";
        InstantClock clock = new InstantClock();
        Execution e = AslFixtures.run(AslFixtures.interpreter(def, AslFixtures.NO_TASKS, clock), "{}");
        assertThat(e.status()).isEqualTo(ExecutionStatus.TIMED_OUT);
        assertThat(e.error()).contains("States.Timeout");
        // the second wait is cut to what was left of the 100 s
        assertThat(clock.idleWaits()).containsExactly(Duration.ofSeconds(60), Duration.ofSeconds(40));
        assertThat(e.history().getLast().type()).isEqualTo(Type.EXECUTION_TIMED_OUT);
    }

    @Test
    void inputMustBeJsonText() {
        AslInterpreter asl = AslFixtures.interpreter(LONG_WAIT, AslFixtures.NO_TASKS, new InstantClock());
        assertThatThrownBy(() -> asl.start("x", "{oops")).hasMessageContaining("InvalidExecutionInput");
    }
}
