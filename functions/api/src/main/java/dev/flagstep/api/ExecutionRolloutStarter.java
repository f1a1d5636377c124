package dev.flagstep.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.execution.ExecutionNames;
import dev.flagstep.spec.CanaryId;
import java.util.List;

/**
 * The {@link RolloutStarter}, on AWS and locally alike; only the {@link RolloutExecutions} differ.
 *
 * <p>A rollout is one execution of the state machine named {@link ExecutionNames#of} canary and
 * revision, and that name is also its run id: the idempotency key (one rollout per revision, as
 * Flagger analyses a revision once). The runs of a canary are found among the running executions by
 * name prefix and confirmed by their input (prefixes of different canaries can overlap: {@code a-b-c-}
 * is both {@code a/b-c} and {@code a-b/c}); a continued rollout ({@code {name}.1}, ...) is found the
 * same way. Runs of other revisions are stopped ({@code flagstep.Superseded}) before the new one
 * starts, or, without {@code supersede}, answered with a {@link RolloutStart.Conflict}.
 *
 * <p>Synchronized: two requests to one starter must not both start or stop (the local runtime serves
 * its API and CLI from one starter; Lambda sends one request at a time to a container, and the
 * execution name keeps two containers from starting one revision twice).
 */
public final class ExecutionRolloutStarter implements RolloutStarter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RolloutExecutions executions;

    public ExecutionRolloutStarter(RolloutExecutions executions) {
        this.executions = executions;
    }

    @Override
    public synchronized RolloutStart start(RolloutRequest request) {
        CanaryId canary = request.canary();
        String name = ExecutionNames.of(canary, request.revision());
        String arn = executions.executionArn(name);
        List<Run> running = runs(canary);
        if (running.stream().anyMatch(r -> r.revision().equals(request.revision()))) {
            return new RolloutStart.AlreadyStarted(arn, name);
        }
        // a revision that ran before starts nothing, so it must not stop or conflict with the running one
        // (looked up only then: with nothing running, StartExecution itself answers it)
        if (!running.isEmpty() && executions.taken(canary, name)) {
            return new RolloutStart.AlreadyStarted(arn, name);
        }
        if (!running.isEmpty() && !request.supersede()) {
            Run other = running.getFirst();
            return new RolloutStart.Conflict(other.revision(), other.executionArn());
        }
        for (Run other : running) {
            executions.stop(other.executionArn(), "flagstep.Superseded", "superseded by revision " + request.revision());
        }
        if (executions.start(canary, name, input(request, name))) {
            return new RolloutStart.Started(arn, name, running.stream().map(Run::revision).toList());
        }
        // this revision ran before (and finished): starting it again is a no-op, as in Flagger,
        // which only starts an analysis when the revision changes
        return new RolloutStart.AlreadyStarted(arn, name);
    }

    @Override
    public synchronized RolloutStart startRetry(RolloutRequest request, String runId) {
        String arn = executions.executionArn(runId);
        return executions.startClaimed(request.canary(), runId, input(request, runId))
                ? new RolloutStart.Started(arn, runId, List.of())
                : new RolloutStart.AlreadyStarted(arn, runId);
    }

    @Override
    public java.util.Optional<String> executionArn(String runId) {
        return java.util.Optional.of(executions.executionArn(runId));
    }

    /** Whether an execution's input is a rollout of this canary. */
    public static boolean isRolloutOf(JsonNode input, CanaryId canary) {
        JsonNode c = input.path("canary");
        return c.path("namespace").asText().equals(canary.namespace()) && c.path("name").asText().equals(canary.name());
    }

    /** The revision an execution's input rolls out. */
    public static String revisionOf(JsonNode input) {
        return input.path("revision").asText();
    }

    /** The execution's input: {@code {canary:{namespace,name}, runId, revision, intervalSeconds}}. */
    private static ObjectNode input(RolloutRequest request, String runId) {
        ObjectNode in = JSON.createObjectNode();
        in.putObject("canary").put("namespace", request.canary().namespace()).put("name", request.canary().name());
        in.put("runId", runId);
        in.put("revision", request.revision());
        // the state machine waits this long between ticks: never zero
        in.put("intervalSeconds", Math.max(1, request.intervalSeconds()));
        return in;
    }

    private record Run(String executionArn, String revision) {}

    private List<Run> runs(CanaryId canary) {
        return executions.running(ExecutionNames.prefix(canary)).stream()
                .filter(r -> isRolloutOf(r.input(), canary))
                .map(r -> new Run(r.executionArn(), revisionOf(r.input())))
                .toList();
    }
}
