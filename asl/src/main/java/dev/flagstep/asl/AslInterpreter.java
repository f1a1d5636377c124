package dev.flagstep.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Runs executions of one state machine, like a Step Functions state machine resource: StartExecution
 * ({@link #start}, and the {@code states:startExecution} task with which an execution continues its
 * run in a new one), the task tokens of SendTaskSuccess/SendTaskFailure ({@link #taskTokens}), and
 * the running executions by name.
 *
 * <pre>{@code
 * StateMachine machine = AslInterpreter.load(Files.readString(asl), Map.of("InitializeFunctionArn", "..."));
 * AslInterpreter asl = new AslInterpreter(machine, (function, payload) -> ..., AslClock.scaled(speed));
 * Execution execution = asl.start("default-podinfo-1", input);
 * execution.chain().await(Duration.ofMinutes(5)); // the run, across the executions that continue it
 * }</pre>
 */
public final class AslInterpreter {

    /** Step Functions' rule for execution names: 1-80 characters, none of these. */
    private static final Pattern INVALID_NAME = Pattern.compile("[\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/\\x00-\\x1f\\x7f-\\x9f]");

    private final StateMachine machine;
    private final TaskInvoker invoker;
    private final AslClock clock;
    private final RandomGenerator jitter;
    private final TaskTokens tokens = new TaskTokens();
    private final Map<String, Execution> running = new HashMap<>();
    /**
     * Names taken by executions that executions started: like AWS, a closed execution keeps its name.
     * (Names a caller starts are forgotten when they end: a caller that must refuse them keeps them itself.)
     * Guarded by {@code running}.
     */
    private final Set<String> continued = new HashSet<>();
    private final List<BiConsumer<Execution, HistoryEvent>> listeners = new CopyOnWriteArrayList<>();

    public AslInterpreter(StateMachine machine, TaskInvoker invoker, AslClock clock) {
        this(machine, invoker, clock, new Random());
    }

    /** @param jitter where {@code "JitterStrategy": "FULL"} draws its delays from (tests seed it) */
    public AslInterpreter(StateMachine machine, TaskInvoker invoker, AslClock clock, RandomGenerator jitter) {
        this.machine = machine;
        this.invoker = invoker;
        this.clock = clock;
        this.jitter = jitter;
    }

    /**
     * Reads a definition, replacing {@code ${Name}} placeholders first (as SAM's
     * DefinitionSubstitutions do: raw text), and validates all of it.
     *
     * @throws AslException for invalid or unsupported ASL, or a placeholder with no substitution
     */
    public static StateMachine load(String definitionJson, Map<String, String> substitutions) {
        return load("StateMachine", definitionJson, substitutions);
    }

    /** As {@link #load(String, Map)}, naming the state machine (it shows in {@code $$.StateMachine}). */
    public static StateMachine load(String stateMachineName, String definitionJson, Map<String, String> substitutions) {
        return DefinitionParser.parse(stateMachineName, definitionJson, substitutions);
    }

    public StateMachine stateMachine() {
        return machine;
    }

    /** Where SendTaskSuccess / SendTaskFailure go, for this interpreter's executions. */
    public TaskTokens taskTokens() {
        return tokens;
    }

    /** Called for every event of every execution started after this call (for the CLI's progress). */
    public void addListener(BiConsumer<Execution, HistoryEvent> listener) {
        listeners.add(listener);
    }

    /**
     * StartExecution: the execution runs on a virtual thread of its own; this returns at once.
     * As for a Standard workflow, starting a name that is running with the same input returns that
     * execution (idempotent); with other input it is refused.
     *
     * @throws ExecutionAlreadyExistsException if the name runs already with other input
     * @throws IllegalArgumentException for a name Step Functions would refuse ({@code InvalidName})
     */
    public Execution start(String executionName, JsonNode input) {
        if (!validName(executionName)) {
            throw new IllegalArgumentException("InvalidName: '" + executionName + "' " + NAME_RULE);
        }
        Execution execution;
        synchronized (running) {
            Optional<Execution> existing = sameRunning(executionName, input);
            if (existing.isPresent()) {
                return existing.get();
            }
            ExecutionChain chain = new ExecutionChain(executionName);
            execution = new Execution(executionName, machine, input.deepCopy(), clock, chain, Optional.empty());
            chain.add(execution);
            running.put(executionName, execution);
        }
        launch(execution);
        return execution;
    }

    /**
     * The {@code states:startExecution} task of {@code parent}: a new execution of this state machine
     * that continues the parent's run ({@link Execution#chain()}). As StartExecution: the same name
     * running with the same input is that execution (a retried task); a name taken otherwise, even
     * by an execution that has ended, is ExecutionAlreadyExists.
     *
     * @throws StatesError with the error names of the Step Functions integration
     */
    Execution startFromTask(Execution parent, String stateMachineArn, String executionName, JsonNode input) {
        if (!stateMachineArn.equals(machine.arn())) {
            throw new StatesError("StepFunctions.StateMachineDoesNotExistException", "State Machine Does Not Exist: '"
                    + stateMachineArn + "' (the local interpreter runs " + machine.arn() + " only)");
        }
        if (!validName(executionName)) {
            throw new StatesError("StepFunctions.InvalidNameException", "Invalid Name: '" + executionName + "' " + NAME_RULE);
        }
        Execution execution;
        synchronized (running) {
            Optional<Execution> existing;
            try {
                existing = sameRunning(executionName, input);
            } catch (ExecutionAlreadyExistsException e) {
                throw alreadyExists(executionName);
            }
            if (existing.isPresent()) {
                return existing.get();
            }
            if (!continued.add(executionName)) {
                throw alreadyExists(executionName);
            }
            execution = new Execution(executionName, machine, input.deepCopy(), clock, parent.chain(),
                    Optional.of(parent.arn()));
            parent.chain().add(execution);
            parent.continuedAs(executionName);
            running.put(executionName, execution);
        }
        launch(execution);
        return execution;
    }

    private StatesError alreadyExists(String executionName) {
        return new StatesError("StepFunctions.ExecutionAlreadyExistsException", "Execution Already Exists: '"
                + machine.executionArn(executionName) + "'");
    }

    private static final String NAME_RULE =
            "must have 1-80 characters and no whitespace, brackets, wildcards or punctuation such as :/$&,;";

    private static boolean validName(String name) {
        return !name.isEmpty() && name.length() <= 80 && !INVALID_NAME.matcher(name).find();
    }

    /** The running execution of this name if its input is the same (caller holds {@code running}). */
    private Optional<Execution> sameRunning(String executionName, JsonNode input) {
        Execution existing = running.get(executionName);
        if (existing != null && existing.isRunning()) {
            if (existing.input().equals(input)) {
                return Optional.of(existing);
            }
            throw new ExecutionAlreadyExistsException(executionName);
        }
        return Optional.empty();
    }

    private void launch(Execution execution) {
        String executionName = execution.name();
        for (BiConsumer<Execution, HistoryEvent> listener : listeners) {
            execution.subscribe(event -> listener.accept(execution, event));
        }
        execution.completion().whenComplete((status, e) -> {
            synchronized (running) {
                running.remove(executionName, execution);
            }
        });
        Thread.ofVirtual().name("asl-" + executionName).start(new ExecutionRun(execution, invoker, clock, tokens, jitter, this));
    }

    /** @throws IllegalArgumentException if {@code inputJson} is not JSON ({@code InvalidExecutionInput}) */
    public Execution start(String executionName, String inputJson) {
        try {
            return start(executionName, Json.parse(inputJson));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("InvalidExecutionInput: " + e.getOriginalMessage(), e);
        }
    }

    /** The running execution with this name, if there is one. */
    public Optional<Execution> running(String executionName) {
        synchronized (running) {
            return Optional.ofNullable(running.get(executionName)).filter(Execution::isRunning);
        }
    }

    /** All running executions. */
    public List<Execution> running() {
        synchronized (running) {
            return running.values().stream().filter(Execution::isRunning).toList();
        }
    }
}
