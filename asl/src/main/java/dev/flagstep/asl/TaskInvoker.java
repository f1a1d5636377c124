package dev.flagstep.asl;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs the function a Task names. The local runtime maps names and ARNs to handler classes;
 * tests pass lambdas. Called on a thread of its own, so it may block.
 */
@FunctionalInterface
public interface TaskInvoker {

    /**
     * @param functionName the Task's {@code FunctionName} after substitution: a name, an ARN or an alias ARN
     * @param payload the Task's {@code Payload}
     * @return the function's result (Step Functions puts it under {@code Payload})
     * @throws TaskFailure when the function fails; its error type is what Retry and Catch see
     */
    JsonNode invoke(String functionName, JsonNode payload) throws TaskFailure;
}
