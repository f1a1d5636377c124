package dev.flagstep.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.aws.AwsException;
import dev.flagstep.aws.StepFunctions;
import dev.flagstep.spec.CanaryId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** {@link RolloutExecutions} on Step Functions: the executions of the stack's canary state machine. */
public final class SfnRolloutExecutions implements RolloutExecutions {

    private static final String RUNNING = "RUNNING";

    private final Supplier<StepFunctions> sfn;
    private final String stateMachineArn;
    private final ObjectMapper json;

    public SfnRolloutExecutions(Supplier<StepFunctions> sfn, String stateMachineArn, ObjectMapper json) {
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
        this.json = json;
    }

    @Override
    public List<Running> running(String namePrefix) {
        List<Running> runs = new ArrayList<>();
        for (StepFunctions.Execution item : sfn.get().listExecutions(stateMachineArn, RUNNING)) {
            if (item.name().startsWith(namePrefix)) {
                describeRunning(item.executionArn()).ifPresent(runs::add);
            }
        }
        return runs;
    }

    private Optional<Running> describeRunning(String executionArn) {
        try {
            var d = sfn.get().describeExecution(executionArn);
            return d.status().equals(RUNNING)
                    ? Optional.of(new Running(executionArn, json.readTree(d.input().orElse(""))))
                    : Optional.empty();
        } catch (AwsException e) {
            return absent(e, Optional.empty());
        } catch (JsonProcessingException e) {
            return Optional.empty(); // not one of ours
        }
    }

    @Override
    public boolean taken(CanaryId canary, String name) {
        try {
            sfn.get().describeExecution(executionArn(name));
            return true;
        } catch (AwsException e) {
            return absent(e, false);
        }
    }

    @Override
    public boolean start(CanaryId canary, String name, JsonNode input) {
        try {
            sfn.get().startExecution(stateMachineArn, name, input.toString());
            return true;
        } catch (AwsException e) {
            if (!e.errorCode().equals(StepFunctions.EXECUTION_ALREADY_EXISTS)) {
                throw e;
            }
            return false;
        }
    }

    @Override
    public void stop(String executionArn, String error, String cause) {
        try {
            sfn.get().stopExecution(executionArn, error, cause);
        } catch (AwsException e) {
            absent(e, null); // ended meanwhile: nothing to stop
        }
    }

    @Override
    public String executionArn(String name) {
        return stateMachineArn.replaceFirst(":stateMachine:", ":execution:") + ":" + name;
    }

    /** {@code whenAbsent} for ExecutionDoesNotExist; any other error is thrown on. */
    private static <T> T absent(AwsException e, T whenAbsent) {
        if (!e.errorCode().equals(StepFunctions.EXECUTION_DOES_NOT_EXIST)) {
            throw e;
        }
        return whenAbsent;
    }
}
