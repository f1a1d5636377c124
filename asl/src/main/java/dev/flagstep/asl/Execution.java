package dev.flagstep.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A running or finished execution: its status, result, history, and StopExecution. The states are
 * walked by {@link ExecutionRun} on a virtual thread of its own; this handle is what other threads
 * (the CLI, the HTTP API, tests) hold. All methods are thread-safe.
 *
 * <p>As in AWS, an execution fails once its history reaches {@value #HISTORY_LIMIT} events
 * ({@link #historyEventCount()}); a workflow that must run longer continues in a new execution
 * ({@code states:startExecution}), which joins this one's {@link #chain()}.
 */
public final class Execution {

    /** Step Functions' hard quota of events in one execution's history. */
    public static final int HISTORY_LIMIT = 25_000;
    /** What AWS reports, as event 25,000, when an execution reaches the quota (no Catch runs). */
    static final String HISTORY_LIMIT_CAUSE = "The execution reached the maximum number of history events (25000).";

    private final String name;
    private final StateMachine machine;
    private final JsonNode input;
    private final Instant startTime;
    private final AslClock clock;
    private final ExecutionChain chain;
    private final Optional<String> startedBy;

    private final Object lock = new Object();
    private final List<HistoryEvent> history = new ArrayList<>();
    private final List<Consumer<HistoryEvent>> listeners = new ArrayList<>();
    private final CompletableFuture<ExecutionStatus> finished = new CompletableFuture<>();
    private ExecutionStatus status = ExecutionStatus.RUNNING;
    private Optional<JsonNode> output = Optional.empty();
    private Optional<String> error = Optional.empty();
    private Optional<String> cause = Optional.empty();
    private Optional<String> successor = Optional.empty();
    /** Events AWS would have written so far (entries that do not count left out). */
    private int historyEventCount;
    /** Completed when the run's thread has left (after a stop() it may still be busy for a moment). */
    final CompletableFuture<Void> runEnded = new CompletableFuture<>();
    /** Completed by stop() so that whatever the execution waits for right now ends at once. */
    private CompletableFuture<Void> wake = new CompletableFuture<>();

    /**
     * @param chain the run this execution belongs to: a new one for an execution a caller started,
     *     the starting execution's for one started by a {@code states:startExecution} task
     * @param startedBy the ARN of the execution whose task started this one
     */
    Execution(String name, StateMachine machine, JsonNode input, AslClock clock, ExecutionChain chain,
              Optional<String> startedBy) {
        this.name = name;
        this.machine = machine;
        this.input = input;
        this.clock = clock;
        this.startTime = clock.now();
        this.chain = chain;
        this.startedBy = startedBy;
    }

    public String name() {
        return name;
    }

    /** The ARN that {@code $$.Execution.Id} shows. */
    public String arn() {
        return machine.executionArn(name);
    }

    public StateMachine stateMachine() {
        return machine;
    }

    public JsonNode input() {
        return input.deepCopy();
    }

    public Instant startTime() {
        return startTime;
    }

    public ExecutionStatus status() {
        synchronized (lock) {
            return status;
        }
    }

    public boolean isRunning() {
        return status() == ExecutionStatus.RUNNING;
    }

    /** Waits until the execution has finished or {@code timeout} has passed; returns the status then. */
    public ExecutionStatus await(Duration timeout) throws InterruptedException {
        try {
            return finished.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return status();
        } catch (ExecutionException e) {
            throw new IllegalStateException("finished is only ever completed normally", e);
        }
    }

    /** Completes with the final status; for callers that would rather not block. */
    public CompletableFuture<ExecutionStatus> completion() {
        return finished.thenApply(s -> s);
    }

    /** The output of a SUCCEEDED execution. */
    public Optional<JsonNode> output() {
        synchronized (lock) {
            return output.map(JsonNode::deepCopy);
        }
    }

    /** The error of a FAILED, TIMED_OUT or ABORTED execution (ABORTED: what stop() was given). */
    public Optional<String> error() {
        synchronized (lock) {
            return error;
        }
    }

    public Optional<String> cause() {
        synchronized (lock) {
            return cause;
        }
    }

    public List<HistoryEvent> history() {
        synchronized (lock) {
            return List.copyOf(history);
        }
    }

    /** How many events AWS's history of this execution holds now: what counts against {@value #HISTORY_LIMIT}. */
    public int historyEventCount() {
        synchronized (lock) {
            return historyEventCount;
        }
    }

    /** The run: this execution and the ones that continued it; {@link ExecutionChain#latest()} is the newest. */
    public ExecutionChain chain() {
        return chain;
    }

    /** The ARN of the execution that started this one with {@code states:startExecution}, if one did. */
    public Optional<String> startedBy() {
        return startedBy;
    }

    /** The name of the execution this one started to continue its run, if it did. */
    public Optional<String> successor() {
        synchronized (lock) {
            return successor;
        }
    }

    /**
     * Calls {@code listener} with every event so far, then with every new one as it happens, in
     * order, on the thread that records it. A listener that throws is ignored: printing progress
     * must never break an execution.
     */
    public void subscribe(Consumer<HistoryEvent> listener) {
        synchronized (lock) {
            history.forEach(e -> notify(listener, e));
            listeners.add(listener);
        }
    }

    /**
     * StopExecution: the execution ends ABORTED at once, and a Wait or a task it is waiting on is
     * abandoned (a function already running finishes on its own; its result is dropped, as in AWS).
     *
     * @return false if the execution had already finished
     */
    public boolean stop(String error, String cause) {
        return finish(ExecutionStatus.ABORTED, HistoryEvent.Type.EXECUTION_ABORTED, Optional.empty(),
                Optional.ofNullable(error), Optional.ofNullable(cause));
    }

    // ---- used by ExecutionRun ----

    /**
     * Records an event, unless the execution has finished (a stopped run's last steps are not
     * history). An event that would be the {@value #HISTORY_LIMIT}th fails the execution instead,
     * as AWS does: that slot is the ExecutionFailed event, and no Catch runs.
     *
     * @return false if the event was not recorded: the execution has ended and must do nothing more
     */
    boolean record(HistoryEvent.Type type, Optional<String> state, ObjectNode details) {
        synchronized (lock) {
            if (status != ExecutionStatus.RUNNING) {
                return false;
            }
            if (!type.countsInAws() || historyEventCount < HISTORY_LIMIT - 1) {
                append(type, state, details);
                return true;
            }
        }
        fail(Optional.of(StatesError.RUNTIME), Optional.of(HISTORY_LIMIT_CAUSE));
        return false;
    }

    void continuedAs(String successorName) {
        synchronized (lock) {
            successor = Optional.of(successorName);
        }
    }

    boolean succeed(JsonNode result) {
        return finish(ExecutionStatus.SUCCEEDED, HistoryEvent.Type.EXECUTION_SUCCEEDED, Optional.of(result),
                Optional.empty(), Optional.empty());
    }

    boolean fail(Optional<String> failError, Optional<String> failCause) {
        return finish(ExecutionStatus.FAILED, HistoryEvent.Type.EXECUTION_FAILED, Optional.empty(), failError, failCause);
    }

    boolean timeOut() {
        return finish(ExecutionStatus.TIMED_OUT, HistoryEvent.Type.EXECUTION_TIMED_OUT, Optional.empty(),
                Optional.of(StatesError.TIMEOUT), Optional.of("The execution ran longer than the state machine's TimeoutSeconds"));
    }

    /** A fresh future for the next wait; already complete if the execution has finished. */
    CompletableFuture<Void> newWake() {
        synchronized (lock) {
            wake = new CompletableFuture<>();
            if (status != ExecutionStatus.RUNNING) {
                wake.complete(null);
            }
            return wake;
        }
    }

    /** Only the first finish counts: a stop() racing with the last state leaves one outcome. */
    private boolean finish(ExecutionStatus end, HistoryEvent.Type type, Optional<JsonNode> result,
                           Optional<String> endError, Optional<String> endCause) {
        synchronized (lock) {
            if (status != ExecutionStatus.RUNNING) {
                return false;
            }
            ObjectNode details = Json.object();
            result.ifPresent(r -> details.set("output", r));
            endError.ifPresent(e -> details.put("error", e));
            endCause.ifPresent(c -> details.put("cause", c));
            // the final event before the status flips, so it is recorded with the rest
            append(type, Optional.empty(), details);
            status = end;
            output = result;
            error = endError;
            cause = endCause;
            wake.complete(null);
        }
        finished.complete(end);
        return true;
    }

    private void append(HistoryEvent.Type type, Optional<String> state, ObjectNode details) {
        if (type.countsInAws()) {
            historyEventCount++;
        }
        HistoryEvent event = new HistoryEvent(history.size() + 1, clock.now(), type, state, details);
        history.add(event);
        listeners.forEach(l -> notify(l, event));
    }

    private static void notify(Consumer<HistoryEvent> listener, HistoryEvent event) {
        try {
            listener.accept(event);
        } catch (RuntimeException ignored) {
            // a broken progress printer is not the execution's problem
        }
    }

    @Override
    public String toString() {
        return "Execution[" + name + ", " + status() + "]";
    }
}
