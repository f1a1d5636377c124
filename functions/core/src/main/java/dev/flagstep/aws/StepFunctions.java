package dev.flagstep.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Step Functions operations flagstep calls, on {@link AwsJsonClient}. Error codes are Step Functions'
 * own ({@code ExecutionAlreadyExists}, {@code TaskDoesNotExist}, ...): see {@link AwsException#errorCode()}.
 */
public final class StepFunctions {

    public static final String EXECUTION_ALREADY_EXISTS = "ExecutionAlreadyExists";
    public static final String EXECUTION_DOES_NOT_EXIST = "ExecutionDoesNotExist";
    /** A token nobody waits on any more: SendTaskSuccess answers one of these. */
    public static final List<String> TOKEN_ENDED = List.of("TaskTimedOut", "TaskDoesNotExist", "InvalidToken");

    /** An execution as ListExecutions and DescribeExecution name it; the input only from DescribeExecution. */
    public record Execution(String executionArn, String name, String status, Optional<String> input) {}

    private final AwsJsonClient client;

    public StepFunctions(AwsJsonClient client) {
        this.client = client;
    }

    public void sendTaskSuccess(String taskToken, String output) {
        client.call("SendTaskSuccess", client.object().put("taskToken", taskToken).put("output", output));
    }

    /** @throws AwsException {@link #EXECUTION_ALREADY_EXISTS} when the name was used (and the input differs or it ended) */
    public void startExecution(String stateMachineArn, String name, String input) {
        client.call("StartExecution", client.object().put("stateMachineArn", stateMachineArn).put("name", name).put("input", input));
    }

    /** Every execution of the state machine with this status, all pages. */
    public List<Execution> listExecutions(String stateMachineArn, String status) {
        List<Execution> all = new ArrayList<>();
        Optional<String> next = Optional.empty();
        do {
            ObjectNode in = client.object().put("stateMachineArn", stateMachineArn).put("statusFilter", status);
            next.ifPresent(t -> in.put("nextToken", t));
            JsonNode page = client.call("ListExecutions", in);
            for (JsonNode e : page.path("executions")) {
                all.add(new Execution(e.path("executionArn").asText(), e.path("name").asText(), e.path("status").asText(),
                        Optional.empty()));
            }
            next = Optional.of(page.path("nextToken").asText("")).filter(t -> !t.isEmpty());
        } while (next.isPresent());
        return all;
    }

    /** @throws AwsException {@link #EXECUTION_DOES_NOT_EXIST} */
    public Execution describeExecution(String executionArn) {
        JsonNode d = client.call("DescribeExecution", client.object().put("executionArn", executionArn));
        return new Execution(d.path("executionArn").asText(executionArn), d.path("name").asText(), d.path("status").asText(),
                Optional.ofNullable(d.get("input")).filter(JsonNode::isTextual).map(JsonNode::asText));
    }

    /** @throws AwsException {@link #EXECUTION_DOES_NOT_EXIST} */
    public void stopExecution(String executionArn, String error, String cause) {
        client.call("StopExecution", client.object().put("executionArn", executionArn).put("error", error).put("cause", cause));
    }
}
