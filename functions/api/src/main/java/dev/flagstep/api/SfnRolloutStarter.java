package dev.flagstep.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.aws.AwsException;
import dev.flagstep.aws.StepFunctions;
import dev.flagstep.execution.ExecutionNames;
import dev.flagstep.spec.CanaryId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link RolloutStarter} on Step Functions. The execution name ({@link ExecutionNames}) is the
 * idempotency key: StartExecution answering ExecutionAlreadyExists for this revision's name is a
 * success. Runs of other revisions of the same canary are found among the RUNNING executions by
 * name prefix and confirmed by their input (prefixes of different canaries can overlap:
 * {@code a-b-c-} is both {@code a/b-c} and {@code a-b/c}), then stopped before the new one starts.
 */
public final class SfnRolloutStarter implements RolloutStarter {

    private static final String RUNNING = "RUNNING";

    private final Supplier<StepFunctions> sfn;
    private final String stateMachineArn;
    private final ObjectMapper json;

    public SfnRolloutStarter(Supplier<StepFunctions> sfn, String stateMachineArn, ObjectMapper json) {
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
        this.json = json;
    }

    @Override
    public RolloutStart start(RolloutRequest request) {
        String name = ExecutionNames.of(request.canary(), request.revision());
        String arn = executionArn(name);
        List<Run> running = runningRuns(request.canary());
        if (running.stream().anyMatch(r -> r.revision().equals(request.revision()))) {
            return new RolloutStart.AlreadyStarted(arn, name);
        }
        if (!running.isEmpty() && !request.supersede()) {
            Run other = running.getFirst();
            return new RolloutStart.Conflict(other.revision(), other.executionArn());
        }
        for (Run other : running) {
            stop(other, request.revision());
        }
        try {
            sfn.get().startExecution(stateMachineArn, name, input(request, name));
            return new RolloutStart.Started(arn, name, running.stream().map(Run::revision).toList());
        } catch (AwsException e) {
            if (!e.errorCode().equals(StepFunctions.EXECUTION_ALREADY_EXISTS)) {
                throw e;
            }
            // This revision ran before (and finished): starting it again is a no-op, as in Flagger,
            // which only starts an analysis when the revision changes.
            return new RolloutStart.AlreadyStarted(arn, name);
        }
    }

    /** The execution ARN Step Functions gives an execution of this state machine with this name. */
    String executionArn(String name) {
        return stateMachineArn.replaceFirst(":stateMachine:", ":execution:") + ":" + name;
    }

    private String input(RolloutRequest request, String runId) {
        ObjectNode in = json.createObjectNode();
        ObjectNode canary = in.putObject("canary");
        canary.put("namespace", request.canary().namespace());
        canary.put("name", request.canary().name());
        in.put("runId", runId);
        in.put("revision", request.revision());
        in.put("intervalSeconds", request.intervalSeconds());
        return in.toString();
    }

    private record Run(String executionArn, String revision) {}

    private List<Run> runningRuns(CanaryId canary) {
        String prefix = ExecutionNames.prefix(canary);
        List<Run> runs = new ArrayList<>();
        for (StepFunctions.Execution item : sfn.get().listExecutions(stateMachineArn, RUNNING)) {
            if (item.name().startsWith(prefix)) {
                describe(item.executionArn(), canary).ifPresent(runs::add);
            }
        }
        return runs;
    }

    private Optional<Run> describe(String executionArn, CanaryId canary) {
        try {
            var d = sfn.get().describeExecution(executionArn);
            if (!d.status().equals(RUNNING)) {
                return Optional.empty();
            }
            JsonNode in = json.readTree(d.input().orElse(""));
            boolean same = in.path("canary").path("namespace").asText().equals(canary.namespace())
                    && in.path("canary").path("name").asText().equals(canary.name());
            return same ? Optional.of(new Run(executionArn, in.path("revision").asText())) : Optional.empty();
        } catch (AwsException e) {
            if (!e.errorCode().equals(StepFunctions.EXECUTION_DOES_NOT_EXIST)) {
                throw e;
            }
            return Optional.empty();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Optional.empty(); // not one of ours
        }
    }

    private void stop(Run run, String newRevision) {
        try {
            sfn.get().stopExecution(run.executionArn(), "flagstep.Superseded", "superseded by revision " + newRevision);
        } catch (AwsException e) {
            if (!e.errorCode().equals(StepFunctions.EXECUTION_DOES_NOT_EXIST)) {
                throw e;
            }
            // ended meanwhile: nothing to stop
        }
    }
}
