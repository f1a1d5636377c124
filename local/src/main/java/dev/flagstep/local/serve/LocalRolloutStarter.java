package dev.flagstep.local.serve;

import dev.flagstep.execution.ExecutionNames;
import dev.flagstep.api.RolloutRequest;
import dev.flagstep.api.RolloutStart;
import dev.flagstep.api.RolloutStarter;
import dev.flagstep.local.LocalRuntime;
import dev.flagstep.asl.Execution;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API's {@link RolloutStarter} on the local runtime, with the contract {@code SfnRolloutStarter}
 * keeps on AWS: one rollout per revision (its first execution named by {@link ExecutionNames}, a
 * rollout that outlives it continued by further executions); the same revision again, running or
 * finished, is {@link RolloutStart.AlreadyStarted}; another revision running is stopped first
 * ({@link LocalRuntime#startRollout} does that) or, without {@code supersede}, a
 * {@link RolloutStart.Conflict}.
 *
 * <p>Step Functions remembers finished executions by name (so StartExecution answers
 * ExecutionAlreadyExists); the local interpreter forgets them when they end, so this starter keeps
 * the names it started for as long as the server runs.
 */
public final class LocalRolloutStarter implements RolloutStarter {

    private final LocalRuntime runtime;
    /** Execution name -> the execution this server started under it. Guarded by {@code this}. */
    private final Map<String, Execution> started = new HashMap<>();

    public LocalRolloutStarter(LocalRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * Synchronized: two requests for one revision must not both start it (the interpreter would refuse
     * the second with ExecutionAlreadyExists, its input having another runId), and a start must see the
     * runs the previous one left.
     */
    @Override
    public synchronized RolloutStart start(RolloutRequest request) {
        String name = ExecutionNames.of(request.canary(), request.revision());
        List<Execution> running = runtime.runningRollouts(request.canary());
        // the rollout is named by its first execution, whichever execution carries it now
        Optional<Execution> same = Optional.ofNullable(started.get(name))
                .or(() -> running.stream().filter(e -> request.revision().equals(LocalRuntime.revisionOf(e))).findFirst());
        if (same.isPresent()) {
            return new RolloutStart.AlreadyStarted(same.get().arn(), runId(same.get()));
        }
        if (!running.isEmpty() && !request.supersede()) {
            Execution other = running.getFirst();
            return new RolloutStart.Conflict(revision(other), other.arn());
        }
        Execution execution = runtime.startRollout(request.canary(), request.revision(), request.intervalSeconds());
        started.put(name, execution);
        return new RolloutStart.Started(execution.arn(), runId(execution),
                running.stream().map(LocalRolloutStarter::revision).toList());
    }

    private static String runId(Execution e) {
        return e.input().path("runId").asText();
    }

    private static String revision(Execution e) {
        return LocalRuntime.revisionOf(e);
    }
}
