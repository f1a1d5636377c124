package dev.flagstep.asl;

import static dev.flagstep.asl.AslFixtures.PATIENCE;
import static dev.flagstep.asl.AslFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.asl.HistoryEvent.Type;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@code arn:aws:states:::states:startExecution}: an execution continues its run in a new one. */
class AslStartExecutionTest {

    /**
     * Counts {@code $.n} up to {@code $.limit}, handing over to a new execution every {@code $.every}
     * steps: the shape of the canary's ContinueAsNew.
     */
    private static final String RELAY = """
            {"StartAt":"Step","States":{
              "Step":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.n, 1)","limit.$":"$.limit","every.$":"$.every",
                        "steps.$":"States.MathAdd($.steps, 1)","generation.$":"$.generation"},"Next":"Where"},
              "Where":{"Type":"Choice","Choices":[
                  {"Variable":"$.n","NumericGreaterThanEqualsPath":"$.limit","Next":"Done"},
                  {"Variable":"$.steps","NumericGreaterThanEqualsPath":"$.every","Next":"Name"}],
                "Default":"Step"},
              "Name":{"Type":"Pass","Parameters":{"n.$":"$.n","limit.$":"$.limit","every.$":"$.every",
                        "generation.$":"States.MathAdd($.generation, 1)"},"Next":"Continue"},
              "Continue":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution",
                "Parameters":{"StateMachineArn.$":"$$.StateMachine.Id",
                  "Name.$":"States.Format('relay.{}', $.generation)",
                  "Input":{"n.$":"$.n","limit.$":"$.limit","every.$":"$.every","steps":0,"generation.$":"$.generation",
                           "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$":"$$.Execution.Id"}},
                "ResultPath":"$.started",
                "Catch":[{"ErrorEquals":["StepFunctions.ExecutionAlreadyExistsException"],"ResultPath":"$.taken","Next":"Taken"},
                         {"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"Broken"}],
                "Next":"HandedOver"},
              "HandedOver":{"Type":"Succeed"},
              "Taken":{"Type":"Succeed"},
              "Broken":{"Type":"Fail","Error":"Broken"},
              "Done":{"Type":"Succeed"}}}""";

    private static AslInterpreter relay() {
        return new AslInterpreter(AslInterpreter.load("relay", RELAY, Map.of()), AslFixtures.NO_TASKS, new InstantClock());
    }

    @Test
    void anExecutionStartsItsSuccessorAndTheChainFollowsTheRunToItsEnd() throws Exception {
        AslInterpreter asl = relay();
        // A predecessor still runs its last states after its successor started: the run can end first. Make that
        // the case every time (its thread held once it has handed over, until the run has ended), so the
        // predecessor is awaited rather than caught by luck.
        CountDownLatch runEnded = new CountDownLatch(1);
        asl.addListener((execution, event) -> {
            if (execution.name().equals("relay") && event.type() == Type.TASK_SUCCEEDED) {
                try {
                    runEnded.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Execution first = asl.start("relay", json("{\"n\":0,\"limit\":10,\"every\":3,\"steps\":0,\"generation\":0}"));
        ExecutionChain run = first.chain();
        assertThat(run.await(PATIENCE)).isEqualTo(ExecutionStatus.SUCCEEDED);
        runEnded.countDown();
        // the run's end is its latest execution's; a predecessor that handed over ends on its own
        assertThat(first.await(PATIENCE)).isEqualTo(ExecutionStatus.SUCCEEDED);

        // 10 steps, 3 per execution: relay, relay.1, relay.2, relay.3
        assertThat(run.length()).isEqualTo(4);
        assertThat(run.firstName()).isEqualTo("relay");
        Execution last = run.latest();
        assertThat(last.name()).isEqualTo("relay.3");
        assertThat(last.output().orElseThrow().get("n").intValue()).isEqualTo(10);
        assertThat(last.startedBy()).contains("arn:aws:states:local:000000000000:execution:relay:relay.2");
        assertThat(last.successor()).isEmpty();
        assertThat(first.successor()).contains("relay.1");
        assertThat(first.startedBy()).isEmpty();
        assertThat(first.output().orElseThrow().at("/started/ExecutionArn").asText())
                .isEqualTo("arn:aws:states:local:000000000000:execution:relay:relay.1");
        // as AWS: the started execution's input links it to the one that started it
        assertThat(last.input().get("AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID").asText()).isEqualTo(last.startedBy().orElseThrow());

        // the task writes what a request-response Task writes
        List<Type> continueEvents = first.history().stream()
                .filter(e -> e.state().filter("Continue"::equals).isPresent() && e.type().countsInAws())
                .map(HistoryEvent::type).toList();
        assertThat(continueEvents).containsExactly(Type.STATE_ENTERED, Type.TASK_SCHEDULED, Type.TASK_STARTED,
                Type.TASK_SUCCEEDED, Type.STATE_EXITED);
    }

    @Test
    void aWaiterOnTheRunMovesOnToTheSuccessorWhileThePredecessorStillRuns() throws Exception {
        AslInterpreter asl = relay();
        // The waiter blocks on the first execution before its successor exists (held at the hand-over until the
        // waiter is parked), and the first execution is then held after the hand-over until the run has ended:
        // only a waiter that wakes when a successor joins sees the run end.
        AtomicReference<Thread> waiter = new AtomicReference<>();
        CountDownLatch runEnded = new CountDownLatch(1);
        asl.addListener((execution, event) -> {
            if (!execution.name().equals("relay")) {
                return;
            }
            try {
                if (event.type() == Type.TASK_SCHEDULED) {
                    long deadline = System.nanoTime() + PATIENCE.toNanos();
                    while (!parked(waiter.get()) && System.nanoTime() < deadline) {
                        Thread.sleep(1);
                    }
                } else if (event.type() == Type.TASK_SUCCEEDED) {
                    runEnded.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Execution first = asl.start("relay", json("{\"n\":0,\"limit\":4,\"every\":2,\"steps\":0,\"generation\":0}"));
        AtomicReference<ExecutionStatus> seen = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                seen.set(first.chain().await(PATIENCE));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.set(t);
        t.start();
        t.join(PATIENCE.toMillis());
        runEnded.countDown();

        assertThat(seen.get()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(first.chain().latest().name()).isEqualTo("relay.1");
        assertThat(first.await(PATIENCE)).isEqualTo(ExecutionStatus.SUCCEEDED);
    }

    private static boolean parked(Thread t) {
        return t != null && (t.getState() == Thread.State.TIMED_WAITING || t.getState() == Thread.State.WAITING);
    }

    @Test
    void everyExecutionStartedSoFarIsReportedToTheInterpretersListeners() throws Exception {
        AslInterpreter asl = relay();
        List<String> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        asl.addListener((execution, event) -> {
            if (event.type() == Type.EXECUTION_STARTED) {
                started.add(execution.name());
            }
        });
        Execution first = asl.start("relay", json("{\"n\":0,\"limit\":4,\"every\":2,\"steps\":0,\"generation\":0}"));
        assertThat(first.chain().await(PATIENCE)).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(started).containsExactly("relay", "relay.1");
    }

    @Test
    void aNameAlreadyTakenByAnEndedContinuationIsExecutionAlreadyExists() throws Exception {
        AslInterpreter asl = relay();
        assertThat(asl.start("relay", json("{\"n\":0,\"limit\":3,\"every\":2,\"steps\":0,\"generation\":0}"))
                .chain().await(PATIENCE)).isEqualTo(ExecutionStatus.SUCCEEDED);
        // another run that would continue as relay.1: the name stays taken after its execution ended
        Execution other = asl.start("again", json("{\"n\":0,\"limit\":3,\"every\":2,\"steps\":0,\"generation\":0}"));
        assertThat(other.chain().await(PATIENCE)).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(other.chain().length()).isOne();
        JsonNode taken = other.output().orElseThrow().get("taken");
        assertThat(taken.get("Error").asText()).isEqualTo("StepFunctions.ExecutionAlreadyExistsException");
        assertThat(taken.get("Cause").asText()).contains("relay.1");
    }

    @Test
    void theSameNameAndInputWhileRunningIsThatExecutionAsARetriedStartFinds() throws Exception {
        AslInterpreter asl = new AslInterpreter(AslInterpreter.load("gate", """
                {"StartAt":"Wait","States":{"Wait":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
                  "Parameters":{"FunctionName":"fn"},"End":true}}}""", Map.of()), (f, p) -> json("{}"), AslClock.system());
        Execution parent = asl.start("parent", json("{}"));
        Execution child = asl.startFromTask(parent, asl.stateMachine().arn(), "parent.1", json("{\"a\":1}"));
        assertThat(asl.startFromTask(parent, asl.stateMachine().arn(), "parent.1", json("{\"a\":1}"))).isSameAs(child);
        assertThatThrownBy(() -> asl.startFromTask(parent, asl.stateMachine().arn(), "parent.1", json("{\"a\":2}")))
                .isInstanceOfSatisfying(StatesError.class,
                        e -> assertThat(e.error()).isEqualTo("StepFunctions.ExecutionAlreadyExistsException"));
        assertThat(parent.chain().latest()).isSameAs(child);
        assertThat(parent.chain().length()).isEqualTo(2);
        assertThatThrownBy(() -> asl.startFromTask(parent, "arn:aws:states:local:000000000000:stateMachine:other", "x", json("{}")))
                .isInstanceOfSatisfying(StatesError.class,
                        e -> assertThat(e.error()).isEqualTo("StepFunctions.StateMachineDoesNotExistException"));
        assertThatThrownBy(() -> asl.startFromTask(parent, asl.stateMachine().arn(), "bad name", json("{}")))
                .isInstanceOfSatisfying(StatesError.class,
                        e -> assertThat(e.error()).isEqualTo("StepFunctions.InvalidNameException"));
        parent.chain().stop("Test", "done");
        parent.stop("Test", "done");
    }

    @Test
    void onlyTheRequestResponseStartWithItsOwnParametersIsSupported() {
        String task = """
                {"StartAt":"S","States":{"S":{"Type":"Task","Resource":"%s","Parameters":%s,"End":true}}}""";
        assertThatThrownBy(() -> AslInterpreter.load(task.formatted("arn:aws:states:::states:startExecution.sync:2",
                "{\"StateMachineArn\":\"x\"}"), Map.of()))
                .isInstanceOf(AslException.class).hasMessageContaining("unsupported resource")
                .hasMessageContaining("arn:aws:states:::states:startExecution)");
        assertThatThrownBy(() -> AslInterpreter.load(task.formatted("arn:aws:states:::states:startExecution",
                "{\"Name\":\"x\"}"), Map.of()))
                .isInstanceOf(AslException.class).hasMessageContaining("StateMachineArn");
        assertThatThrownBy(() -> AslInterpreter.load(task.formatted("arn:aws:states:::states:startExecution",
                "{\"StateMachineArn\":\"x\",\"TraceHeader\":\"t\"}"), Map.of()))
                .isInstanceOf(AslException.class).hasMessageContaining("Parameters.TraceHeader");
    }
}
