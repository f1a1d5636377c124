package dev.flagstep.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/**
 * One entry of an execution's history, in the spirit of GetExecutionHistory but with one type per
 * kind of step rather than per state type.
 *
 * @param id 1, 2, 3... in the order things happened
 * @param state the state this event belongs to; empty for execution-level events
 * @param details what happened, as JSON: {@code input}/{@code output} for states and executions,
 *     {@code functionName}/{@code payload} for scheduled tasks, {@code error}/{@code cause} for
 *     failures, {@code retry}/{@code delaySeconds} for retries, {@code seconds} for waits. Do not modify.
 */
public record HistoryEvent(long id, Instant timestamp, Type type, Optional<String> state, JsonNode details) {

    public enum Type {
        EXECUTION_STARTED,
        STATE_ENTERED,
        STATE_EXITED,
        TASK_SCHEDULED,
        TASK_SUCCEEDED,
        TASK_FAILED,
        TASK_TIMED_OUT,
        /** a Retry will run the task again after {@code delaySeconds} */
        TASK_RETRY_SCHEDULED,
        /** a Catch sent the error to {@code next} */
        TASK_CAUGHT,
        /** a Wait state starts waiting {@code seconds} */
        WAIT_STARTED,
        EXECUTION_SUCCEEDED,
        EXECUTION_FAILED,
        EXECUTION_TIMED_OUT,
        EXECUTION_ABORTED
    }

    @Override
    public String toString() {
        return "#" + id + " " + type + state.map(s -> " " + s).orElse("") + " " + Json.abbreviate(details);
    }
}
