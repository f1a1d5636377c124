package dev.flagstep.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.spec.CanaryId;
import java.util.List;

/**
 * The executions of the canary state machine, as {@link ExecutionRolloutStarter} needs them: the only
 * part of starting a rollout that differs between AWS ({@link SfnRolloutExecutions}: Step Functions)
 * and the local runtime (its in-process interpreter).
 */
public interface RolloutExecutions {

    /** A running execution and its input. */
    record Running(String executionArn, JsonNode input) {}

    /** The running executions whose name starts with {@code namePrefix} (ListExecutions RUNNING). */
    List<Running> running(String namePrefix);

    /**
     * Whether an execution of this name was started before, running or ended: Step Functions keeps a
     * name taken after its execution ends, so a name starts one execution only.
     */
    boolean taken(CanaryId canary, String name);

    /** StartExecution; false when the name is {@link #taken} (ExecutionAlreadyExists). */
    boolean start(CanaryId canary, String name, JsonNode input);

    /**
     * {@link #start} of an execution whose run the run store already holds (a retry, claimed before it starts): a
     * run item under the name must not count as {@link #taken} here.
     */
    default boolean startClaimed(CanaryId canary, String name, JsonNode input) {
        return start(canary, name, input);
    }

    /** StopExecution; an execution that ended meanwhile is no error. */
    void stop(String executionArn, String error, String cause);

    /** The ARN an execution of this name has. */
    String executionArn(String name);
}
