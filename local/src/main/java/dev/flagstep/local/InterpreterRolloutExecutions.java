package dev.flagstep.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.api.RolloutExecutions;
import dev.flagstep.asl.AslInterpreter;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionAlreadyExistsException;
import dev.flagstep.asl.ExecutionChain;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.RunStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link RolloutExecutions} on the local interpreter. Step Functions keeps an execution's name taken
 * after it ends; the interpreter forgets it, so this remembers the names it started (while the runtime
 * runs) and reads the table for the others: a rollout's name is its run id, so a run in the table (of an
 * earlier process on the same {@code --db}) took its name.
 */
final class InterpreterRolloutExecutions implements RolloutExecutions {

    private final AslInterpreter interpreter;
    private final RunStore runs;
    /** Execution name -> the run started under it (a chain holds its latest execution only). */
    private final Map<String, ExecutionChain> started = new ConcurrentHashMap<>();

    InterpreterRolloutExecutions(AslInterpreter interpreter, RunStore runs) {
        this.interpreter = interpreter;
        this.runs = runs;
    }

    @Override
    public List<Running> running(String namePrefix) {
        return interpreter.running().stream().filter(e -> e.name().startsWith(namePrefix))
                .map(e -> new Running(e.arn(), e.input())).toList();
    }

    @Override
    public boolean taken(CanaryId canary, String name) {
        return started.containsKey(name) || runs.run(canary, name).isPresent();
    }

    @Override
    public boolean start(CanaryId canary, String name, JsonNode input) {
        return !taken(canary, name) && startClaimed(canary, name, input);
    }

    @Override
    public boolean startClaimed(CanaryId canary, String name, JsonNode input) {
        if (started.containsKey(name)) {
            return false;
        }
        try {
            started.put(name, interpreter.start(name, input).chain());
            return true;
        } catch (ExecutionAlreadyExistsException e) {
            return false;
        }
    }

    @Override
    public void stop(String executionArn, String error, String cause) {
        interpreter.running().stream().filter(e -> e.arn().equals(executionArn)).forEach(e -> e.stop(error, cause));
    }

    @Override
    public String executionArn(String name) {
        return interpreter.stateMachine().executionArn(name);
    }

    /**
     * The execution that carries (or ended) the rollout of this name: its first until it hands over. Empty
     * for a rollout this runtime neither started nor runs (one of an earlier process).
     */
    Optional<Execution> latest(String name) {
        return Optional.ofNullable(started.get(name)).map(ExecutionChain::latest).or(() -> interpreter.running().stream()
                .filter(e -> e.chain().firstName().equals(name)).map(e -> e.chain().latest()).findFirst());
    }
}
