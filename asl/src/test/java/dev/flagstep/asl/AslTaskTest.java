package dev.flagstep.asl;

import static dev.flagstep.asl.AslFixtures.json;
import static dev.flagstep.asl.AslFixtures.output;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AslTaskTest {

    /** A Task "T" invoking function "fn" with {@code extra} fields, then Done (or the catchers' states). */
    private static String task(String extra) {
        return """
                {"StartAt":"T","States":{
                  "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                       "Parameters":{"FunctionName":"fn","Payload.$":"$"}%s,"Next":"Done"},
                  "Done":{"Type":"Succeed"},
                  "A":{"Type":"Pass","Result":"A","ResultPath":"$.caughtBy","End":true},
                  "B":{"Type":"Pass","Result":"B","ResultPath":"$.caughtBy","End":true}}}""".formatted(extra);
    }

    /** Catchers make every state reachable; tests without them add a dummy catcher to A and B. */
    private static final String CATCH_AB = ",\"Catch\":[{\"ErrorEquals\":[\"Nope.A\"],\"Next\":\"A\"},{\"ErrorEquals\":[\"Nope.B\"],\"Next\":\"B\"}]";

    /** Fails with {@code error} the first {@code failures} times, then returns {"ok":true}. */
    private static TaskInvoker failing(int failures, String error, AtomicInteger calls) {
        return (name, payload) -> {
            if (calls.incrementAndGet() <= failures) {
                throw new TaskFailure(error, "attempt " + calls.get());
            }
            return json("{\"ok\":true}");
        };
    }

    @Test
    void lambdaInvokeResultHasTheServiceShape() throws Exception {
        List<String> names = new CopyOnWriteArrayList<>();
        JsonNode out = output(task(CATCH_AB), "{\"in\":1}", (name, payload) -> {
            names.add(name);
            return json("{\"echo\":" + payload + "}");
        });
        assertThat(names).containsExactly("fn");
        assertThat(out.get("Payload")).isEqualTo(json("{\"echo\":{\"in\":1}}"));
        assertThat(out.get("StatusCode").intValue()).isEqualTo(200);
        assertThat(out.get("ExecutedVersion").textValue()).isEqualTo("$LATEST");
        assertThat(out.at("/SdkHttpMetadata/HttpStatusCode").intValue()).isEqualTo(200);
    }

    @Test
    void resultSelectorPicksFromTheResponseAndResultPathMergesIt() throws Exception {
        String def = task(",\"ResultSelector\":{\"decision.$\":\"$.Payload.decision\",\"code.$\":\"$.StatusCode\"},"
                + "\"ResultPath\":\"$.result\"" + CATCH_AB);
        JsonNode out = output(def, "{\"canary\":\"c\"}", (name, payload) -> json("{\"decision\":\"promote\"}"));
        assertThat(out).isEqualTo(json("{\"canary\":\"c\",\"result\":{\"decision\":\"promote\",\"code\":200}}"));
    }

    @Test
    void functionNameAndPayloadComeFromSubstitutionsAndPaths() throws Exception {
        String def = """
                {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                  "Parameters":{"FunctionName":"${FnArn}","Payload":{"canary.$":"$.c","state.$":"$$.State.Name"}},
                  "OutputPath":"$.Payload","End":true}}}""";
        List<String> names = new CopyOnWriteArrayList<>();
        AslInterpreter asl = new AslInterpreter(
                AslInterpreter.load(def, Map.of("FnArn", "arn:aws:lambda:eu-west-1:1:function:Init:live")),
                (name, payload) -> {
                    names.add(name);
                    return payload;
                }, new InstantClock());
        Execution e = AslFixtures.run(asl, "{\"c\":\"podinfo\"}");
        assertThat(names).containsExactly("arn:aws:lambda:eu-west-1:1:function:Init:live");
        assertThat(e.output()).contains(json("{\"canary\":\"podinfo\",\"state\":\"T\"}"));
    }

    /** As Lambda's Java runtime reports an uncaught exception: errorType is the class's binary name. */
    @Test
    void aHandlerExceptionIsNamedByItsClassAndFailsTheExecution() throws Exception {
        Execution e = AslFixtures.run(task(CATCH_AB), "{}", (name, payload) -> {
            throw new IllegalStateException("boom");
        });
        assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(e.error()).contains("java.lang.IllegalStateException");
        assertThat(e.cause()).contains("boom");
    }

    /** {@code "JitterStrategy": "FULL"}: each delay is a random share (0 to 1) of the capped backoff. */
    @Test
    void fullJitterWaitsARandomShareOfEachCappedDelay() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        InstantClock clock = new InstantClock();
        double[] draws = {0.5, 0.25, 1.0, 0.0};
        AtomicInteger draw = new AtomicInteger();
        java.util.random.RandomGenerator scripted = new java.util.random.RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException("the retrier draws doubles");
            }

            @Override
            public double nextDouble() {
                return draws[draw.getAndIncrement()];
            }
        };
        String def = task(",\"Retry\":[{\"ErrorEquals\":[\"X\"],\"IntervalSeconds\":2,\"BackoffRate\":2,"
                + "\"MaxDelaySeconds\":6,\"MaxAttempts\":4,\"JitterStrategy\":\"FULL\"}]" + CATCH_AB);
        AslInterpreter asl = new AslInterpreter(AslInterpreter.load(def, Map.of()), failing(4, "X", calls), clock, scripted);
        Execution e = AslFixtures.run(asl, "{}");
        assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        // capped backoff 2, 4, 6, 6 seconds, times the draws
        assertThat(clock.idleWaits()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(6), Duration.ZERO);
    }

    /** With a seeded source the jittered delays repeat from run to run, and each stays within its cap. */
    @Test
    void fullJitterIsRepeatableWithASeedAndNeverExceedsTheCap() throws Exception {
        String def = task(",\"Retry\":[{\"ErrorEquals\":[\"X\"],\"IntervalSeconds\":2,\"BackoffRate\":2,"
                + "\"MaxDelaySeconds\":60,\"MaxAttempts\":10,\"JitterStrategy\":\"FULL\"}]" + CATCH_AB);
        List<List<Duration>> runs = new java.util.ArrayList<>();
        for (int run = 0; run < 2; run++) {
            InstantClock clock = new InstantClock();
            AslInterpreter asl = new AslInterpreter(AslInterpreter.load(def, Map.of()),
                    failing(10, "X", new AtomicInteger()), clock, new java.util.Random(7));
            assertThat(AslFixtures.run(asl, "{}").status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            runs.add(clock.idleWaits());
        }
        assertThat(runs.get(1)).isEqualTo(runs.get(0)).hasSize(10);
        long[] caps = {2, 4, 8, 16, 32, 60, 60, 60, 60, 60};
        for (int i = 0; i < caps.length; i++) {
            assertThat(runs.get(0).get(i)).isBetween(Duration.ZERO, Duration.ofSeconds(caps[i]));
        }
        assertThat(runs.get(0)).as("jittered, not the caps themselves").doesNotContain(Duration.ofSeconds(60));
    }

    @Test
    void retriesWithExponentialBackoffThenSucceeds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        InstantClock clock = new InstantClock();
        String def = task(",\"Retry\":[{\"ErrorEquals\":[\"Lambda.ServiceException\"],\"IntervalSeconds\":1,"
                + "\"MaxAttempts\":3,\"BackoffRate\":2}]" + CATCH_AB);
        Execution e = AslFixtures.run(AslFixtures.interpreter(def, failing(3, "Lambda.ServiceException", calls), clock), "{}");
        assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(calls.get()).isEqualTo(4);
        assertThat(clock.idleWaits()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
        assertThat(e.history()).filteredOn(ev -> ev.type() == HistoryEvent.Type.TASK_RETRY_SCHEDULED)
                .extracting(ev -> ev.details().get("delaySeconds").doubleValue()).containsExactly(1.0, 2.0, 4.0);
    }

    @Test
    void retryCountIsInTheContextObject() throws Exception {
        List<JsonNode> payloads = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        String def = """
                {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                  "Parameters":{"FunctionName":"fn","Payload":{"retry.$":"$$.State.RetryCount"}},
                  "Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":2}],"End":true}}}""";
        Execution e = AslFixtures.run(def, "{}", (name, payload) -> {
            payloads.add(payload);
            if (calls.incrementAndGet() < 3) {
                throw new TaskFailure("Flaky", "again");
            }
            return payload;
        });
        assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(payloads).extracting(p -> p.get("retry").intValue()).containsExactly(0, 1, 2);
    }

    @Test
    void maxDelaySecondsCapsTheBackoffAndExhaustedRetriesFailTheExecution() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        InstantClock clock = new InstantClock();
        String def = task(",\"Retry\":[{\"ErrorEquals\":[\"States.TaskFailed\"],\"IntervalSeconds\":3,"
                + "\"MaxAttempts\":4,\"BackoffRate\":3,\"MaxDelaySeconds\":10}]" + CATCH_AB);
        Execution e = AslFixtures.run(AslFixtures.interpreter(def, failing(99, "Custom.Error", calls), clock), "{}");
        assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(e.error()).contains("Custom.Error");
        assertThat(calls.get()).isEqualTo(5);
        assertThat(clock.idleWaits()).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(9),
                Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    @Test
    void defaultsAreOneSecondThreeAttemptsRateTwo() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        InstantClock clock = new InstantClock();
        String def = task(",\"Retry\":[{\"ErrorEquals\":[\"States.ALL\"]}]" + CATCH_AB);
        AslFixtures.run(AslFixtures.interpreter(def, failing(99, "X", calls), clock), "{}");
        assertThat(calls.get()).isEqualTo(4);
        assertThat(clock.idleWaits()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    @Test
    void maxAttemptsZeroNeverRetries() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        InstantClock clock = new InstantClock();
        String def = task(",\"Retry\":[{\"ErrorEquals\":[\"X\"],\"MaxAttempts\":0},{\"ErrorEquals\":[\"States.ALL\"]}]" + CATCH_AB);
        Execution e = AslFixtures.run(AslFixtures.interpreter(def, failing(99, "X", calls), clock), "{}");
        // the first matching retrier decides, even when it allows no retry: the catch-all is not used
        assertThat(calls.get()).isEqualTo(1);
        assertThat(clock.idleWaits()).isEmpty();
        assertThat(e.error()).contains("X");
    }

    @Test
    void eachRetrierCountsItsOwnAttempts() throws Exception {
        List<String> errors = List.of("A", "B", "A", "B");
        AtomicInteger calls = new AtomicInteger();
        String def = task(",\"Retry\":[{\"ErrorEquals\":[\"A\"],\"MaxAttempts\":2},{\"ErrorEquals\":[\"B\"],\"MaxAttempts\":2}]" + CATCH_AB);
        Execution e = AslFixtures.run(def, "{}", (name, payload) -> {
            int n = calls.getAndIncrement();
            if (n < errors.size()) {
                throw new TaskFailure(errors.get(n), "");
            }
            return payload;
        });
        assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(calls.get()).isEqualTo(5);
    }

    @Test
    void retriesComeBeforeCatchers() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String def = task(",\"Retry\":[{\"ErrorEquals\":[\"X\"],\"MaxAttempts\":2}],"
                + "\"Catch\":[{\"ErrorEquals\":[\"X\"],\"Next\":\"A\"},{\"ErrorEquals\":[\"Y\"],\"Next\":\"B\"}]");
        JsonNode out = output(def, "{}", failing(99, "X", calls));
        assertThat(calls.get()).isEqualTo(3);
        assertThat(out.get("caughtBy").textValue()).isEqualTo("A");
    }

    @Test
    void firstMatchingCatcherWinsAndStatesAllIsTheFallback() throws Exception {
        String def = task(",\"Catch\":[{\"ErrorEquals\":[\"Other\"],\"Next\":\"B\"},"
                + "{\"ErrorEquals\":[\"Lambda.Unknown\",\"X\"],\"Next\":\"A\"},{\"ErrorEquals\":[\"States.ALL\"],\"Next\":\"B\"}]");
        assertThat(output(def, "{}", failing(1, "X", new AtomicInteger())).get("caughtBy").textValue()).isEqualTo("A");
        assertThat(output(def, "{}", failing(1, "Y", new AtomicInteger())).get("caughtBy").textValue()).isEqualTo("B");
    }

    @Test
    void catchResultPathPutsErrorOutputIntoTheRawInputWithoutOutputPath() throws Exception {
        String reachable = """
                {"StartAt":"T","States":{
                  "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","InputPath":"$.narrow",
                       "Parameters":{"FunctionName":"fn","Payload.$":"$"},"OutputPath":"$.never","End":true,
                       "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Done","ResultPath":"$.error"}]},
                  "Done":{"Type":"Succeed"}}}""";
        JsonNode out = output(reachable, "{\"narrow\":{\"x\":1},\"keep\":true}", failing(1, "Boom", new AtomicInteger()));
        assertThat(out).isEqualTo(json("{\"narrow\":{\"x\":1},\"keep\":true,\"error\":{\"Error\":\"Boom\",\"Cause\":\"attempt 1\"}}"));
    }

    @Test
    void catchWithoutResultPathReplacesTheInputWithTheErrorOutput() throws Exception {
        String def = """
                {"StartAt":"T","States":{
                  "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                       "Parameters":{"FunctionName":"fn"},"End":true,
                       "Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"Done"}]},
                  "Done":{"Type":"Succeed"}}}""";
        assertThat(output(def, "{\"a\":1}", failing(1, "E", new AtomicInteger())))
                .isEqualTo(json("{\"Error\":\"E\",\"Cause\":\"attempt 1\"}"));
    }

    @Test
    void statesRuntimeErrorsAreNeitherRetriedNorCaught() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String def = """
                {"StartAt":"T","States":{
                  "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                       "Parameters":{"FunctionName":"fn","Payload.$":"$.missing"},"End":true,
                       "Retry":[{"ErrorEquals":["States.ALL"]}],
                       "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Done"}]},
                  "Done":{"Type":"Succeed"}}}""";
        Execution e = AslFixtures.run(def, "{}", failing(0, "", calls));
        assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(e.error()).contains("States.Runtime");
        assertThat(calls.get()).isZero();
    }

    @Test
    void aPlainTaskTimeoutIsStatesTimeoutWhichTaskFailedDoesNotMatch() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        String def = """
                {"StartAt":"T","States":{
                  "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSeconds":1,
                       "Parameters":{"FunctionName":"fn"},"End":true,
                       "Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"Failed"},
                                {"ErrorEquals":["States.Timeout"],"Next":"TimedOut","ResultPath":"$.e"}]},
                  "Failed":{"Type":"Fail","Error":"Wrong"},
                  "TimedOut":{"Type":"Succeed"}}}""";
        // running timeouts are real time: a fast test clock compresses them too
        AslInterpreter asl = AslFixtures.interpreter(def, (name, payload) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return payload;
        }, new ScaledClock(1000, 1000));
        Execution e = AslFixtures.run(asl, "{}");
        release.countDown();
        assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(e.output().orElseThrow().at("/e/Error").textValue()).isEqualTo("States.Timeout");
        assertThat(e.history()).extracting(HistoryEvent::type).contains(HistoryEvent.Type.TASK_TIMED_OUT);
    }
}
