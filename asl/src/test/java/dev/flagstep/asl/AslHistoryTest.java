package dev.flagstep.asl;

import static dev.flagstep.asl.AslFixtures.PATIENCE;
import static dev.flagstep.asl.AslFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.asl.HistoryEvent.Type;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The history as AWS counts it, per state type (GetExecutionHistory's event types: a Task is
 * TaskStateEntered, TaskScheduled, TaskStarted, then TaskSucceeded / TaskFailed / TaskTimedOut, and
 * TaskSubmitted for a token task whose function returned; each retry attempt writes its own
 * Scheduled, Started, Failed; Choice, Pass, Wait and Succeed states write Entered and Exited, a Fail
 * state Entered only), and the 25,000-event quota.
 */
class AslHistoryTest {

    /** The AWS events of a finished execution, in order: what GetExecutionHistory would list. */
    private static List<Type> aws(Execution e) {
        return e.history().stream().map(HistoryEvent::type).filter(Type::countsInAws).toList();
    }

    /**
     * The machine of scripts/history-events.py, whose history moto's port of the AWS interpreter
     * prints: ExecutionStarted, Pass/Choice/Wait Entered+Exited, TaskStateEntered, TaskScheduled,
     * TaskStarted, TaskFailed, TaskScheduled, TaskStarted, TaskSucceeded, TaskStateExited,
     * TaskStateEntered, TaskScheduled, TaskStarted, TaskSubmitted, TaskTimedOut, TaskStateExited,
     * SucceedStateEntered, SucceedStateExited, ExecutionSucceeded: 24 events.
     */
    @Test
    void theSameHistoryAsAwsForEveryKindOfStateTheCanaryUses() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Execution e = AslFixtures.run("""
                {"StartAt":"P","States":{
                  "P":{"Type":"Pass","Next":"C"},
                  "C":{"Type":"Choice","Choices":[{"Variable":"$.x","NumericEquals":1,"Next":"W"}],"Default":"W"},
                  "W":{"Type":"Wait","Seconds":0,"Next":"T"},
                  "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"fn","Payload":{}},
                       "Retry":[{"ErrorEquals":["Lambda.ServiceException"],"IntervalSeconds":1,"MaxAttempts":2}],
                       "ResultPath":null,"Next":"G"},
                  "G":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
                       "Parameters":{"FunctionName":"fn","Payload":{"token.$":"$$.Task.Token"}},
                       "TimeoutSeconds":1,"ResultPath":null,
                       "Catch":[{"ErrorEquals":["States.Timeout"],"ResultPath":null,"Next":"S"}],"Next":"S"},
                  "S":{"Type":"Succeed"}}}""", "{\"x\":1}", (name, payload) -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new TaskFailure("Lambda.ServiceException", "busy");
                    }
                    return json("{}");
                });
        Type entered = Type.STATE_ENTERED;
        Type exited = Type.STATE_EXITED;
        assertThat(aws(e)).containsExactly(Type.EXECUTION_STARTED,
                entered, exited, entered, exited, entered, exited,
                entered, Type.TASK_SCHEDULED, Type.TASK_STARTED, Type.TASK_FAILED,
                Type.TASK_SCHEDULED, Type.TASK_STARTED, Type.TASK_SUCCEEDED, exited,
                entered, Type.TASK_SCHEDULED, Type.TASK_STARTED, Type.TASK_SUBMITTED, Type.TASK_TIMED_OUT, exited,
                entered, exited, Type.EXECUTION_SUCCEEDED);
        assertThat(e.historyEventCount()).isEqualTo(24);
    }

    @Test
    void passChoiceWaitAndSucceedWriteEnteredAndExited() throws Exception {
        Execution e = AslFixtures.run("""
                {"StartAt":"P","States":{
                  "P":{"Type":"Pass","Next":"C"},
                  "C":{"Type":"Choice","Choices":[{"Variable":"$.go","BooleanEquals":true,"Next":"W"}],"Default":"W"},
                  "W":{"Type":"Wait","Seconds":10,"Next":"S"},
                  "S":{"Type":"Succeed"}}}""", "{\"go\":true}", AslFixtures.NO_TASKS);
        assertThat(aws(e)).containsExactly(Type.EXECUTION_STARTED,
                Type.STATE_ENTERED, Type.STATE_EXITED, Type.STATE_ENTERED, Type.STATE_EXITED,
                Type.STATE_ENTERED, Type.STATE_EXITED, Type.STATE_ENTERED, Type.STATE_EXITED,
                Type.EXECUTION_SUCCEEDED);
        assertThat(e.historyEventCount()).isEqualTo(10);
        // the Wait's length is a local note, not an AWS event
        assertThat(e.history()).hasSize(11);
    }

    @Test
    void aFailStateIsEnteredOnlyThenTheExecutionFails() throws Exception {
        Execution e = AslFixtures.run(AslFixtures.single("{\"Type\":\"Fail\",\"Error\":\"E\"}"), "{}", AslFixtures.NO_TASKS);
        assertThat(aws(e)).containsExactly(Type.EXECUTION_STARTED, Type.STATE_ENTERED, Type.EXECUTION_FAILED);
    }

    @Test
    void aTaskWritesFiveEventsAndEachRetryAttemptThreeMore() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Execution e = AslFixtures.run(AslFixtures.single("""
                {"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"fn"},
                 "Retry":[{"ErrorEquals":["Lambda.ServiceException"],"IntervalSeconds":1,"MaxAttempts":3}],"End":true}"""),
                "{}", (name, payload) -> {
                    if (calls.incrementAndGet() <= 2) {
                        throw new TaskFailure("Lambda.ServiceException", "busy");
                    }
                    return payload;
                });
        assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(aws(e)).containsExactly(Type.EXECUTION_STARTED, Type.STATE_ENTERED,
                Type.TASK_SCHEDULED, Type.TASK_STARTED, Type.TASK_FAILED,
                Type.TASK_SCHEDULED, Type.TASK_STARTED, Type.TASK_FAILED,
                Type.TASK_SCHEDULED, Type.TASK_STARTED, Type.TASK_SUCCEEDED,
                Type.STATE_EXITED, Type.EXECUTION_SUCCEEDED);
        assertThat(e.historyEventCount()).isEqualTo(2 + 5 + 2 * 3 + 0 + 0);
    }

    @Test
    void aCaughtFailureExitsTheTaskAndAnUncaughtOneEndsTheExecution() throws Exception {
        TaskInvoker failing = (name, payload) -> {
            throw new TaskFailure("Boom", "no");
        };
        Execution caught = AslFixtures.run("""
                {"StartAt":"T","States":{
                  "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"fn"},
                       "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Done"}],"End":true},
                  "Done":{"Type":"Succeed"}}}""", "{}", failing);
        assertThat(aws(caught)).containsExactly(Type.EXECUTION_STARTED, Type.STATE_ENTERED,
                Type.TASK_SCHEDULED, Type.TASK_STARTED, Type.TASK_FAILED, Type.STATE_EXITED,
                Type.STATE_ENTERED, Type.STATE_EXITED, Type.EXECUTION_SUCCEEDED);
        Execution uncaught = AslFixtures.run(AslFixtures.single("""
                {"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"fn"},"End":true}"""),
                "{}", failing);
        assertThat(aws(uncaught)).containsExactly(Type.EXECUTION_STARTED, Type.STATE_ENTERED,
                Type.TASK_SCHEDULED, Type.TASK_STARTED, Type.TASK_FAILED, Type.EXECUTION_FAILED);
    }

    @Test
    void aTokenTaskWritesSubmittedOnceItsFunctionReturnedThenTimesOutOrSucceeds() throws Exception {
        String gate = """
                {"StartAt":"Gate","States":{
                  "Gate":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
                          "Parameters":{"FunctionName":"gate","Payload":{"token.$":"$$.Task.Token"}},
                          "TimeoutSeconds":60,"ResultPath":null,"Next":"Open",
                          "Catch":[{"ErrorEquals":["States.Timeout"],"ResultPath":null,"Next":"Closed"}]},
                  "Open":{"Type":"Succeed"},
                  "Closed":{"Type":"Succeed"}}}""";
        Execution timedOut = AslFixtures.run(gate, "{}", (name, payload) -> json("{}"));
        assertThat(aws(timedOut)).containsExactly(Type.EXECUTION_STARTED, Type.STATE_ENTERED,
                Type.TASK_SCHEDULED, Type.TASK_STARTED, Type.TASK_SUBMITTED, Type.TASK_TIMED_OUT, Type.STATE_EXITED,
                Type.STATE_ENTERED, Type.STATE_EXITED, Type.EXECUTION_SUCCEEDED);

        AslInterpreter[] asl = new AslInterpreter[1];
        asl[0] = AslFixtures.interpreter(gate, (name, payload) -> {
            // completed on another thread once the function has returned, as the gate API does
            String token = payload.get("token").textValue();
            Thread.ofVirtual().start(() -> {
                while (!asl[0].taskTokens().waiting().contains(token)) {
                    Thread.onSpinWait();
                }
                asl[0].taskTokens().sendTaskSuccess(token, "{}");
            });
            return json("{}");
        }, AslClock.system());
        Execution opened = asl[0].start("opened", json("{}"));
        assertThat(opened.await(PATIENCE)).isEqualTo(ExecutionStatus.SUCCEEDED);
        List<Type> events = aws(opened);
        assertThat(events).startsWith(Type.EXECUTION_STARTED, Type.STATE_ENTERED, Type.TASK_SCHEDULED, Type.TASK_STARTED)
                .contains(Type.TASK_SUCCEEDED).doesNotContain(Type.TASK_TIMED_OUT)
                .endsWith(Type.STATE_EXITED, Type.STATE_ENTERED, Type.STATE_EXITED, Type.EXECUTION_SUCCEEDED);
        assertThat(events).hasSizeBetween(9, 10); // TaskSubmitted unless the token beat the function's return
    }

    @Test
    void theEventThatWouldBeThe25000thFailsTheExecutionAndNoCatchRuns() throws Exception {
        // a Task whose every failure is caught, in a loop that never ends: 1 + 7 events a round
        AtomicInteger calls = new AtomicInteger();
        Execution e = AslFixtures.run("""
                {"StartAt":"Loop","States":{
                  "Loop":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"fn"},
                          "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":null,"Next":"Caught"}],
                          "ResultPath":null,"Next":"Again"},
                  "Again":{"Type":"Choice","Choices":[{"Variable":"$.stop","BooleanEquals":true,"Next":"Caught"}],
                           "Default":"Loop"},
                  "Caught":{"Type":"Succeed"}}}""", "{\"stop\":false}", (name, payload) -> {
                    calls.incrementAndGet();
                    return json("{}");
                });
        assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(e.error()).contains("States.Runtime");
        assertThat(e.cause()).contains("The execution reached the maximum number of history events (25000).");
        assertThat(e.historyEventCount()).isEqualTo(Execution.HISTORY_LIMIT);
        List<Type> events = aws(e);
        assertThat(events.getLast()).isEqualTo(Type.EXECUTION_FAILED);
        // after 3,571 rounds, 24,998 events; Loop's TaskStateEntered is the 24,999th, and its
        // TaskScheduled would have been the 25,000th: the function is not invoked again
        assertThat(events.get(24_998 - 1)).isEqualTo(Type.STATE_EXITED);
        assertThat(events.get(24_999 - 1)).isEqualTo(Type.STATE_ENTERED);
        assertThat(calls.get()).isEqualTo(3_571);
        assertThat(e.history()).noneMatch(ev -> ev.state().filter("Caught"::equals).isPresent());
    }

    /** Counts to {@code $.limit} with a Pass and a Choice (4 events a round), then succeeds. */
    private static final String COUNTER = """
            {"StartAt":"Count","States":{
              "Count":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.n, 1)","limit.$":"$.limit"},"Next":"Enough"},
              "Enough":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThanEqualsPath":"$.limit","Next":"Done"}],
                        "Default":"Count"},
              "Done":{"Type":"Succeed"}}}""";

    @Test
    void theClosingEventMayBeThe25000th() throws Exception {
        // 1 + 4 * 6249 + 2 + 1 = 25,000
        Execution fits = AslFixtures.run(COUNTER, "{\"n\":0,\"limit\":6249}", AslFixtures.NO_TASKS);
        assertThat(fits.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(fits.historyEventCount()).isEqualTo(25_000);
        // one round more: Count's PassStateExited is the 24,999th event, Enough's entry would be the 25,000th
        Execution over = AslFixtures.run(COUNTER, "{\"n\":0,\"limit\":6250}", AslFixtures.NO_TASKS);
        assertThat(over.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(over.historyEventCount()).isEqualTo(25_000);
        assertThat(over.history().getLast().type()).isEqualTo(Type.EXECUTION_FAILED);
        assertThat(over.history().get(over.history().size() - 2).state()).contains("Count");
    }
}
