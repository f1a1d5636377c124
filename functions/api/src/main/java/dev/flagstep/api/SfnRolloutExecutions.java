package dev.flagstep.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.spec.CanaryId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/** {@link RolloutExecutions} on Step Functions: the executions of the stack's canary state machine. */
public final class SfnRolloutExecutions implements RolloutExecutions {

    private final Supplier<SfnClient> sfn;
    private final String stateMachineArn;
    private final ObjectMapper json;

    public SfnRolloutExecutions(Supplier<SfnClient> sfn, String stateMachineArn, ObjectMapper json) {
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
        this.json = json;
    }

    @Override
    public List<Running> running(String namePrefix) {
        List<Running> runs = new ArrayList<>();
        for (ExecutionListItem item : sfn.get()
                .listExecutionsPaginator(b -> b.stateMachineArn(stateMachineArn).statusFilter(ExecutionStatus.RUNNING))
                .executions()) {
            if (item.name().startsWith(namePrefix)) {
                describeRunning(item.executionArn()).ifPresent(runs::add);
            }
        }
        return runs;
    }

    private Optional<Running> describeRunning(String executionArn) {
        try {
            var d = sfn.get().describeExecution(b -> b.executionArn(executionArn));
            return d.status() == ExecutionStatus.RUNNING
                    ? Optional.of(new Running(executionArn, json.readTree(d.input())))
                    : Optional.empty();
        } catch (ExecutionDoesNotExistException e) {
            return Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty(); // not one of ours
        }
    }

    @Override
    public boolean taken(CanaryId canary, String name) {
        try {
            sfn.get().describeExecution(b -> b.executionArn(executionArn(name)));
            return true;
        } catch (ExecutionDoesNotExistException e) {
            return false;
        }
    }

    @Override
    public boolean start(CanaryId canary, String name, JsonNode input) {
        try {
            sfn.get().startExecution(b -> b.stateMachineArn(stateMachineArn).name(name).input(input.toString()));
            return true;
        } catch (ExecutionAlreadyExistsException e) {
            return false;
        }
    }

    @Override
    public void stop(String executionArn, String error, String cause) {
        try {
            sfn.get().stopExecution(b -> b.executionArn(executionArn).error(error).cause(cause));
        } catch (ExecutionDoesNotExistException e) {
            // ended meanwhile: nothing to stop
        }
    }

    @Override
    public String executionArn(String name) {
        return stateMachineArn.replaceFirst(":stateMachine:", ":execution:") + ":" + name;
    }
}
