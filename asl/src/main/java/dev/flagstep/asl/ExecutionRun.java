package dev.flagstep.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.asl.HistoryEvent.Type;
import dev.flagstep.asl.StateDefinition.ChoiceState;
import dev.flagstep.asl.StateDefinition.End;
import dev.flagstep.asl.StateDefinition.FailState;
import dev.flagstep.asl.StateDefinition.ForSeconds;
import dev.flagstep.asl.StateDefinition.Io;
import dev.flagstep.asl.StateDefinition.Next;
import dev.flagstep.asl.StateDefinition.PassState;
import dev.flagstep.asl.StateDefinition.Resource;
import dev.flagstep.asl.StateDefinition.SucceedState;
import dev.flagstep.asl.StateDefinition.TaskState;
import dev.flagstep.asl.StateDefinition.Transition;
import dev.flagstep.asl.StateDefinition.UntilTimestamp;
import dev.flagstep.asl.StateDefinition.WaitState;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * Walks one execution through its states, on the execution's own thread. Input and output
 * processing follows the spec's order: InputPath, Parameters, (the work), ResultSelector,
 * ResultPath (into the raw input), OutputPath.
 */
final class ExecutionRun implements Runnable {

    /** What a state decided. */
    private sealed interface Outcome {
    }

    private record Continue(String next, JsonNode output) implements Outcome {
    }

    private record Succeed(JsonNode output) implements Outcome {
    }

    private record Fail(Optional<String> error, Optional<String> cause) implements Outcome {
    }

    /** The execution was stopped while this thread was busy: drop everything and leave. */
    private static final class Halt extends RuntimeException {
        Halt() {
            super(null, null, false, false);
        }
    }

    /** The state machine's own TimeoutSeconds ran out. */
    private static final class ExecutionTimeout extends RuntimeException {
        ExecutionTimeout() {
            super(null, null, false, false);
        }
    }

    private final Execution execution;
    private final StateMachine machine;
    private final TaskInvoker invoker;
    private final AslClock clock;
    private final TaskTokens tokens;
    private final AslInterpreter interpreter;
    private final Optional<Instant> deadline;
    private final ObjectNode executionContext;
    private final ObjectNode stateMachineContext;
    private final RandomGenerator jitter;

    ExecutionRun(Execution execution, TaskInvoker invoker, AslClock clock, TaskTokens tokens, RandomGenerator jitter,
                 AslInterpreter interpreter) {
        this.execution = execution;
        this.machine = execution.stateMachine();
        this.invoker = invoker;
        this.clock = clock;
        this.tokens = tokens;
        this.interpreter = interpreter;
        this.jitter = jitter;
        this.deadline = machine.timeout().map(t -> execution.startTime().plus(t));
        this.executionContext = executionContext(execution);
        this.stateMachineContext = Json.object().put("Id", machine.arn()).put("Name", machine.name());
    }

    @Override
    public void run() {
        try {
            note(Type.EXECUTION_STARTED, Optional.empty(), details("input", execution.input()));
            String current = machine.startAt();
            JsonNode data = execution.input();
            while (true) {
                if (!execution.isRunning()) {
                    throw new Halt(); // stopped, or failed at the history quota
                }
                if (deadline.isPresent() && !clock.now().isBefore(deadline.get())) {
                    throw new ExecutionTimeout();
                }
                StateDefinition state = machine.state(current);
                note(Type.STATE_ENTERED, Optional.of(current),
                        details("input", data).put("type", state.getClass().getSimpleName().replace("State", "")));
                Outcome outcome = runState(state, data, new StateContext(current, clock.now()));
                switch (outcome) {
                    case Continue c -> {
                        note(Type.STATE_EXITED, Optional.of(current), details("output", c.output()).put("next", c.next()));
                        current = c.next();
                        data = c.output();
                    }
                    case Succeed s -> {
                        note(Type.STATE_EXITED, Optional.of(current), details("output", s.output()));
                        execution.succeed(s.output());
                        return;
                    }
                    case Fail f -> {
                        execution.fail(f.error(), f.cause());
                        return;
                    }
                }
            }
        } catch (StatesError e) {
            execution.fail(Optional.of(e.error()), Optional.of(e.errorCause()));
        } catch (ExecutionTimeout e) {
            execution.timeOut();
        } catch (Halt e) {
            // stop() has already recorded ABORTED, or the history quota FAILED
        } catch (RuntimeException | Error bug) {
            execution.fail(Optional.of(StatesError.RUNTIME), Optional.of("Interpreter error: " + bug));
            throw bug;
        } finally {
            execution.runEnded.complete(null);
        }
    }

    /** Records an event; if the execution has ended meanwhile (stopped, or at its history quota), leaves. */
    private void note(Type type, Optional<String> state, ObjectNode details) {
        if (!execution.record(type, state, details)) {
            throw new Halt();
        }
    }

    /** Name and entry time of the current state, for {@code $$.State}. */
    private record StateContext(String name, Instant entered) {
    }

    private Outcome runState(StateDefinition state, JsonNode raw, StateContext at) {
        return switch (state) {
            case PassState p -> pass(p, raw, at);
            case TaskState t -> task(t, raw, at);
            case ChoiceState c -> choice(c, raw, at);
            case WaitState w -> waitState(w, raw, at);
            case SucceedState s -> {
                JsonNode context = context(at, 0, Optional.empty());
                yield new Succeed(outputPath(s.io(), inputPath(s.io(), raw, context), context));
            }
            case FailState f -> {
                JsonNode context = context(at, 0, Optional.empty());
                yield new Fail(f.error().map(e -> text(e.evaluate(raw, context, "ErrorPath"), "ErrorPath")),
                        f.cause().map(c -> text(c.evaluate(raw, context, "CausePath"), "CausePath")));
            }
        };
    }

    private Outcome pass(PassState p, JsonNode raw, StateContext at) {
        JsonNode context = context(at, 0, Optional.empty());
        JsonNode effective = inputPath(p.io(), raw, context);
        JsonNode parameters = p.parameters().map(t -> t.evaluate(effective, context)).orElse(effective);
        JsonNode result = p.result().<JsonNode>map(JsonNode::deepCopy).orElse(parameters);
        JsonNode output = outputPath(p.io(), resultPath(p.resultPath(), raw, result), context);
        return transition(p.transition(), output);
    }

    private Outcome choice(ChoiceState c, JsonNode raw, StateContext at) {
        JsonNode context = context(at, 0, Optional.empty());
        JsonNode effective = inputPath(c.io(), raw, context);
        String next = c.choices().stream()
                .filter(b -> b.rule().matches(effective, context))
                .map(ChoiceRule.Branch::next)
                .findFirst()
                .or(c::defaultNext)
                .orElseThrow(() -> new StatesError(StatesError.NO_CHOICE_MATCHED,
                        "No Matches! (state '" + c.name() + "')"));
        return new Continue(next, outputPath(c.io(), effective, context));
    }

    private Outcome waitState(WaitState w, JsonNode raw, StateContext at) {
        JsonNode context = context(at, 0, Optional.empty());
        JsonNode effective = inputPath(w.io(), raw, context);
        Duration duration = switch (w.waitFor()) {
            case ForSeconds f -> Duration.ofSeconds(seconds(f.seconds().evaluate(effective, context, "SecondsPath"),
                    "SecondsPath", 0));
            case UntilTimestamp u -> {
                JsonNode value = u.timestamp().evaluate(effective, context, "TimestampPath");
                Instant until = ChoiceRule.timestamp(value).orElseThrow(() -> StatesError.runtime(
                        "The TimestampPath value " + Json.abbreviate(value) + " is not an RFC 3339 timestamp"));
                Duration left = Duration.between(clock.now(), until);
                yield left.isNegative() ? Duration.ZERO : left;
            }
        };
        note(Type.WAIT_STARTED, Optional.of(w.name()), Json.object()
                .put("seconds", duration.toMillis() / 1000.0)
                .put("until", clock.now().plus(duration).toString()));
        waitFor(new CompletableFuture<>(), duration, true);
        return transition(w.transition(), outputPath(w.io(), effective, context));
    }

    // ---- Task ----

    private Outcome task(TaskState t, JsonNode raw, StateContext at) {
        int[] retriesPerRetrier = new int[t.retry().size()];
        int retries = 0;
        while (true) {
            JsonNode result;
            try {
                result = invokeOnce(t, raw, at, retries);
            } catch (StatesError e) {
                if (!e.retriableOrCatchable()) {
                    throw e;
                }
                // the first retrier whose ErrorEquals matches decides, even when it is used up
                Optional<Integer> retrier = firstMatching(t, e.error());
                if (retrier.isPresent() && retriesPerRetrier[retrier.get()] < t.retry().get(retrier.get()).maxAttempts()) {
                    int r = retrier.get();
                    Duration delay = t.retry().get(r).delay(retriesPerRetrier[r], jitter);
                    retriesPerRetrier[r]++;
                    retries++;
                    note(Type.TASK_RETRY_SCHEDULED, Optional.of(t.name()), Json.object()
                            .put("error", e.error()).put("cause", e.errorCause())
                            .put("retry", retries).put("delaySeconds", delay.toMillis() / 1000.0));
                    waitFor(new CompletableFuture<>(), delay, true);
                    continue;
                }
                for (Catcher catcher : t.catchers()) {
                    if (catcher.matches(e.error())) {
                        ObjectNode errorOutput = Json.object().put("Error", e.error()).put("Cause", e.errorCause());
                        note(Type.TASK_CAUGHT, Optional.of(t.name()),
                                errorOutput.deepCopy().put("next", catcher.next()));
                        return new Continue(catcher.next(), resultPath(catcher.resultPath(), raw, errorOutput));
                    }
                }
                throw e;
            }
            JsonNode context = context(at, retries, Optional.empty());
            JsonNode selected = t.resultSelector().map(s -> s.evaluate(result, context)).orElse(result);
            JsonNode output = outputPath(t.io(), resultPath(t.resultPath(), raw, selected), context);
            return transition(t.transition(), output);
        }
    }

    private static Optional<Integer> firstMatching(TaskState t, String error) {
        for (int i = 0; i < t.retry().size(); i++) {
            if (t.retry().get(i).matches(error)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    /** One attempt: the raw result (the Lambda response, the token's output, the started execution), or a StatesError. */
    private JsonNode invokeOnce(TaskState t, JsonNode raw, StateContext at, int retries) {
        if (t.resource() == Resource.STATES_START_EXECUTION) {
            return startExecutionOnce(t, raw, at, retries);
        }
        boolean waitForToken = t.resource() == Resource.LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN;
        Optional<String> token = waitForToken ? Optional.of(tokens.open()) : Optional.empty();
        try {
            // evaluated again on each attempt: $$.State.RetryCount and $$.Task.Token change
            JsonNode context = context(at, retries, token);
            JsonNode effective = inputPath(t.io(), raw, context);
            JsonNode parameters = t.parameters().evaluate(effective, context);
            JsonNode functionName = parameters.get("FunctionName");
            if (functionName == null || !functionName.isTextual()) {
                throw StatesError.runtime("The field 'FunctionName' must be a string, not "
                        + (functionName == null ? "missing" : Json.abbreviate(functionName)));
            }
            JsonNode payload = parameters.has("Payload") ? parameters.get("Payload") : Json.object();
            Duration timeout = t.timeout()
                    .map(e -> Duration.ofSeconds(seconds(e.evaluate(effective, context, "TimeoutSecondsPath"), "TimeoutSecondsPath", 1)))
                    .orElse(AslClock.FOREVER);
            ObjectNode scheduled = Json.object().put("resource", t.resource().arn)
                    .put("functionName", functionName.textValue());
            scheduled.set("payload", payload);
            if (timeout.compareTo(AslClock.FOREVER) < 0) {
                scheduled.put("timeoutSeconds", timeout.toSeconds());
            }
            token.ifPresent(tk -> scheduled.put("taskToken", tk));
            note(Type.TASK_SCHEDULED, Optional.of(t.name()), scheduled);
            note(Type.TASK_STARTED, Optional.of(t.name()), Json.object().put("resource", t.resource().arn));

            CompletableFuture<JsonNode> invocation = invoke(functionName.textValue(), payload);
            JsonNode result = token.isPresent()
                    ? awaitToken(t, invocation, tokens.outcome(token.get()), timeout)
                    : awaitInvocation(t, invocation, timeout);
            note(Type.TASK_SUCCEEDED, Optional.of(t.name()), details("output", result));
            return result;
        } catch (StatesError e) {
            failed(t, e);
            throw e;
        } finally {
            token.ifPresent(tokens::close);
        }
    }

    /** TaskFailed or TaskTimedOut for an attempt that failed (a States.Runtime error fails the execution instead). */
    private void failed(TaskState t, StatesError e) {
        if (e.retriableOrCatchable()) {
            note(e.error().equals(StatesError.TIMEOUT) ? Type.TASK_TIMED_OUT : Type.TASK_FAILED,
                    Optional.of(t.name()), Json.object().put("error", e.error()).put("cause", e.errorCause()));
        }
    }

    /**
     * {@code states:startExecution} (request-response): starts a new execution of this state machine,
     * which continues this one's run, and answers as StartExecution does.
     */
    private JsonNode startExecutionOnce(TaskState t, JsonNode raw, StateContext at, int retries) {
        try {
            JsonNode context = context(at, retries, Optional.empty());
            JsonNode effective = inputPath(t.io(), raw, context);
            JsonNode parameters = t.parameters().evaluate(effective, context);
            String stateMachineArn = text(parameters.path("StateMachineArn"), "StateMachineArn");
            String name = parameters.has("Name") ? text(parameters.get("Name"), "Name") : UUID.randomUUID().toString();
            JsonNode input = executionInput(parameters.get("Input"));
            ObjectNode scheduled = Json.object().put("resource", t.resource().arn)
                    .put("stateMachineArn", stateMachineArn).put("name", name);
            scheduled.set("input", input);
            note(Type.TASK_SCHEDULED, Optional.of(t.name()), scheduled);
            note(Type.TASK_STARTED, Optional.of(t.name()), Json.object().put("resource", t.resource().arn));
            Execution started = interpreter.startFromTask(execution, stateMachineArn, name, input);
            JsonNode result = Json.object().put("ExecutionArn", started.arn()).put("StartDate", time(started.startTime()));
            note(Type.TASK_SUCCEEDED, Optional.of(t.name()), details("output", result));
            return result;
        } catch (StatesError e) {
            failed(t, e);
            throw e;
        }
    }

    /** Input as the integration takes it: JSON, or text holding JSON; none is {@code {}}. */
    private static JsonNode executionInput(JsonNode input) {
        if (input == null || input.isNull()) {
            return Json.object();
        }
        if (!input.isTextual()) {
            return input;
        }
        try {
            return Json.parse(input.textValue());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StatesError("StepFunctions.InvalidExecutionInputException",
                    "Invalid State Machine Execution Input: " + e.getOriginalMessage());
        }
    }

    /** The function runs on a thread of its own, so a timeout or stop() need not wait for it. */
    private CompletableFuture<JsonNode> invoke(String functionName, JsonNode payload) {
        CompletableFuture<JsonNode> invocation = new CompletableFuture<>();
        Thread.ofVirtual().name("asl-task-" + execution.name()).start(() -> {
            try {
                JsonNode result = invoker.invoke(functionName, payload.deepCopy());
                invocation.complete(result == null ? NullNode.getInstance() : result);
            } catch (Throwable thrown) {
                invocation.completeExceptionally(TaskFailure.of(thrown));
            }
        });
        return invocation;
    }

    private JsonNode awaitInvocation(TaskState t, CompletableFuture<JsonNode> invocation, Duration timeout) {
        if (!waitFor(invocation, timeout, false)) {
            throw timedOut(t, timeout);
        }
        return lambdaResponse(resultOf(invocation));
    }

    /**
     * The function's own result is dropped: the task ends when its token is completed. Until the
     * function has returned the wait counts as running (test clocks must not skip it), after that as
     * idle; the timeout applies to each part, not to their sum.
     */
    private JsonNode awaitToken(TaskState t, CompletableFuture<JsonNode> invocation,
                                CompletableFuture<TaskTokens.Outcome> outcome, Duration timeout) {
        CompletableFuture<Object> either = CompletableFuture.anyOf(invocation, outcome);
        if (!waitFor(either, timeout, false)) {
            throw timedOut(t, timeout);
        }
        if (!outcome.isDone() && invocation.isCompletedExceptionally()) {
            resultOf(invocation); // throws the function's error
        }
        if (invocation.isDone() && !invocation.isCompletedExceptionally()) {
            note(Type.TASK_SUBMITTED, Optional.of(t.name()), details("output", lambdaResponse(invocation.join())));
        }
        if (!outcome.isDone() && !waitFor(outcome, timeout, true)) {
            throw timedOut(t, timeout);
        }
        return switch (outcome.join()) {
            case TaskTokens.Success s -> s.output();
            case TaskTokens.Failure f -> throw new StatesError(f.error(), f.cause());
        };
    }

    private static JsonNode resultOf(CompletableFuture<JsonNode> invocation) {
        try {
            return invocation.join();
        } catch (java.util.concurrent.CompletionException e) {
            TaskFailure failure = TaskFailure.of(e.getCause());
            throw new StatesError(failure.error(), failure.errorCause());
        }
    }

    private static StatesError timedOut(TaskState t, Duration timeout) {
        return new StatesError(StatesError.TIMEOUT, "Task '" + t.name() + "' timed out after " + timeout.toSeconds() + " seconds");
    }

    /** What lambda:invoke returns in AWS, so ResultSelector {@code "x.$": "$.Payload"} works the same. */
    private static JsonNode lambdaResponse(JsonNode payload) {
        // an id, not a secret: no SecureRandom on every invocation
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        String requestId = new UUID(random.nextLong() & ~0xF000L | 0x4000L, random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L).toString();
        ObjectNode response = Json.object().put("ExecutedVersion", "$LATEST");
        response.set("Payload", payload);
        ObjectNode http = response.putObject("SdkHttpMetadata");
        http.putObject("HttpHeaders").put("Content-Type", "application/json")
                .put("X-Amz-Executed-Version", "$LATEST").put("x-amzn-RequestId", requestId);
        http.put("HttpStatusCode", 200);
        response.putObject("SdkResponseMetadata").put("RequestId", requestId);
        response.put("StatusCode", 200);
        return response;
    }

    // ---- waiting ----

    /**
     * Waits for {@code done} at most {@code timeout}, and no longer than the execution may still run.
     *
     * @return true if {@code done} completed, false if the timeout passed
     * @throws Halt if the execution was stopped meanwhile
     * @throws ExecutionTimeout if the state machine's TimeoutSeconds ran out first
     */
    private boolean waitFor(CompletableFuture<?> done, Duration timeout, boolean idle) {
        Duration limit = timeout;
        boolean executionLimit = false;
        if (deadline.isPresent()) {
            Duration remaining = Duration.between(clock.now(), deadline.get());
            if (remaining.compareTo(timeout) < 0) {
                limit = remaining.isNegative() ? Duration.ZERO : remaining;
                executionLimit = true;
            }
        }
        CompletableFuture<Void> wake = execution.newWake();
        done.whenComplete((r, e) -> wake.complete(null));
        try {
            clock.await(wake, limit, idle);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Halt();
        }
        if (!execution.isRunning()) {
            throw new Halt();
        }
        if (done.isDone()) {
            return true;
        }
        if (executionLimit) {
            throw new ExecutionTimeout();
        }
        return false;
    }

    // ---- input and output processing ----

    private static JsonNode inputPath(Io io, JsonNode raw, JsonNode context) {
        return io.inputPath().map(p -> fromContextCopied(p, p.require(raw, context, "InputPath"))).orElseGet(Json::object);
    }

    private static JsonNode outputPath(Io io, JsonNode output, JsonNode context) {
        return io.outputPath().map(p -> fromContextCopied(p, p.require(output, context, "OutputPath"))).orElseGet(Json::object);
    }

    /** The shared context object must not become state data that a later step could change. */
    private static JsonNode fromContextCopied(JsonPath path, JsonNode value) {
        return path.isContext() ? value.deepCopy() : value;
    }

    /** The result goes into the raw input (not the InputPath-filtered one); null ResultPath drops it. */
    private static JsonNode resultPath(Optional<JsonPath> resultPath, JsonNode raw, JsonNode result) {
        return resultPath.map(p -> p.write(raw, result)).orElse(raw);
    }

    private static Outcome transition(Transition transition, JsonNode output) {
        return switch (transition) {
            case Next n -> new Continue(n.state(), output);
            case End e -> new Succeed(output);
        };
    }

    private static long seconds(JsonNode value, String field, long min) {
        if (!Json.isIntegral(value) || value.longValue() < min || value.longValue() > 99_999_999) {
            throw StatesError.runtime("The value of '" + field + "' must be an integer from " + min
                    + " to 99999999, not " + Json.abbreviate(value));
        }
        return value.longValue();
    }

    private static String text(JsonNode value, String field) {
        if (!value.isTextual()) {
            throw StatesError.runtime("The value of '" + field + "' must be a string, not " + Json.abbreviate(value));
        }
        return value.textValue();
    }

    /**
     * The context object ({@code $$}). Its Execution and StateMachine parts never change, so they
     * are built once and shared: nothing writes into the context (paths only read it, and what a
     * Parameters template or an InputPath/OutputPath takes from it is copied).
     */
    private JsonNode context(StateContext at, int retries, Optional<String> token) {
        ObjectNode context = Json.object();
        context.set("Execution", executionContext);
        context.putObject("State").put("EnteredTime", time(at.entered())).put("Name", at.name()).put("RetryCount", retries);
        context.set("StateMachine", stateMachineContext);
        token.ifPresent(tk -> context.putObject("Task").put("Token", tk));
        return context;
    }

    private static ObjectNode executionContext(Execution execution) {
        ObjectNode exec = Json.object();
        exec.put("Id", execution.arn());
        exec.set("Input", execution.input());
        exec.put("Name", execution.name());
        exec.put("RoleArn", "arn:aws:iam::000000000000:role/flagstep-local");
        exec.put("StartTime", time(execution.startTime()));
        return exec;
    }

    /** AWS shows context times with millisecond precision. */
    private static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static ObjectNode details(String field, JsonNode value) {
        ObjectNode details = Json.object();
        details.set(field, value);
        return details;
    }
}
