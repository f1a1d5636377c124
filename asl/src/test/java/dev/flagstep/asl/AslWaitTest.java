package dev.flagstep.asl;

import static dev.flagstep.asl.AslFixtures.PATIENCE;
import static dev.flagstep.asl.AslFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AslWaitTest {

    private static String waitThenDone(String waitFields) {
        return """
                {"StartAt":"W","States":{
                  "W":{"Type":"Wait",%s,"Next":"Done"},
                  "Done":{"Type":"Pass","Parameters":{"now.$":"$$.State.EnteredTime","in.$":"$"},"End":true}}}"""
                .formatted(waitFields);
    }

    @Test
    void secondsPathWaitsTheRequestedDurationOnTheClock() throws Exception {
        InstantClock clock = new InstantClock(Instant.parse("2026-03-01T10:00:00Z"));
        Execution e = AslFixtures.run(AslFixtures.interpreter(waitThenDone("\"SecondsPath\":\"$.intervalSeconds\""),
                AslFixtures.NO_TASKS, clock), "{\"intervalSeconds\":90}");
        assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(clock.idleWaits()).containsExactly(Duration.ofSeconds(90));
        // the virtual clock moved: the next state entered 90 s later; the input passes through
        assertThat(e.output()).contains(json("{\"now\":\"2026-03-01T10:01:30Z\",\"in\":{\"intervalSeconds\":90}}"));
        assertThat(e.history()).filteredOn(ev -> ev.type() == HistoryEvent.Type.WAIT_STARTED)
                .extracting(ev -> ev.details().get("seconds").doubleValue()).containsExactly(90.0);
    }

    @Test
    void literalSecondsAndZero() throws Exception {
        InstantClock clock = new InstantClock();
        AslFixtures.run(AslFixtures.interpreter(waitThenDone("\"Seconds\":5"), AslFixtures.NO_TASKS, clock), "{}");
        AslFixtures.run(AslFixtures.interpreter(waitThenDone("\"Seconds\":0"), AslFixtures.NO_TASKS, clock), "{}");
        assertThat(clock.idleWaits()).containsExactly(Duration.ofSeconds(5), Duration.ZERO);
    }

    @Test
    void timestampAndTimestampPathWaitUntilThatTime() throws Exception {
        InstantClock clock = new InstantClock(Instant.parse("2026-03-01T10:00:00Z"));
        AslFixtures.run(AslFixtures.interpreter(waitThenDone("\"Timestamp\":\"2026-03-01T10:05:00Z\""),
                AslFixtures.NO_TASKS, clock), "{}");
        AslFixtures.run(AslFixtures.interpreter(waitThenDone("\"TimestampPath\":\"$.at\""),
                AslFixtures.NO_TASKS, clock), "{\"at\":\"2026-03-01T10:06:00+00:00\"}");
        // a time in the past does not wait
        AslFixtures.run(AslFixtures.interpreter(waitThenDone("\"TimestampPath\":\"$.at\""),
                AslFixtures.NO_TASKS, clock), "{\"at\":\"2020-01-01T00:00:00Z\"}");
        assertThat(clock.idleWaits()).containsExactly(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ZERO);
    }

    @Test
    void aBadSecondsPathValueIsAStatesRuntimeError() throws Exception {
        Execution e = AslFixtures.run(waitThenDone("\"SecondsPath\":\"$.s\""), "{\"s\":\"ten\"}", AslFixtures.NO_TASKS);
        assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(e.error()).contains("States.Runtime");
        assertThat(AslFixtures.run(waitThenDone("\"SecondsPath\":\"$.s\""), "{\"s\":-1}", AslFixtures.NO_TASKS).error())
                .contains("States.Runtime");
    }

    @Test
    void speedDividesIdleWaits() throws Exception {
        // 3000 s of workflow time at speed 1e6 is 3 ms of real time
        Execution e = AslFixtures.run(AslFixtures.interpreter(waitThenDone("\"Seconds\":3000"),
                AslFixtures.NO_TASKS, AslClock.scaled(1_000_000)), "{}");
        assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }

    @Test
    void stopWakesAWaitingExecutionPromptly() throws Exception {
        AslInterpreter asl = AslFixtures.interpreter(waitThenDone("\"Seconds\":3600"), AslFixtures.NO_TASKS, AslClock.system());
        Execution e = asl.start("long-wait", json("{}"));
        // the Wait has started once its event is recorded (waited for, not polled: a busy machine may take a while)
        CountDownLatch waiting = new CountDownLatch(1);
        e.subscribe(ev -> {
            if (ev.type() == HistoryEvent.Type.WAIT_STARTED) waiting.countDown();
        });
        assertThat(waiting.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).as("the Wait started").isTrue();
        assertThat(e.status()).isEqualTo(ExecutionStatus.RUNNING);
        e.stop("Stopped", "by test");
        assertThat(e.await(PATIENCE)).isEqualTo(ExecutionStatus.ABORTED);
        // the Wait really woke up: on its own it would have lasted an hour
        e.runEnded.get(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(e.cause()).contains("by test");
        assertThat(e.output()).isEmpty();
        // nothing is recorded after the abort, though the run's thread woke up after it
        assertThat(e.history().getLast().type()).isEqualTo(HistoryEvent.Type.EXECUTION_ABORTED);
        assertThat(asl.running("long-wait")).isEmpty();
    }
}
