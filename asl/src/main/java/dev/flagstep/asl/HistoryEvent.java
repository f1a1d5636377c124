package dev.flagstep.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/**
 * One entry of an execution's history, in the spirit of GetExecutionHistory but with one type per
 * kind of step rather than per state type. Every entry whose type {@link Type#countsInAws() counts}
 * stands for exactly one event AWS writes (STATE_ENTERED for a Task is TaskStateEntered, for a
 * Choice ChoiceStateEntered, ...), so {@link Execution#historyEventCount()} is the count AWS holds
 * against its 25,000-event quota; the few that do not count say what AWS shows only in the
 * neighbouring events (a retry's backoff, the catcher taken, a Wait's length).
 *
 * @param id 1, 2, 3... in the order things happened (entries that do not count included)
 * @param state the state this event belongs to; empty for execution-level events
 * @param details what happened, as JSON: {@code input}/{@code output} for states and executions,
 *     {@code functionName}/{@code payload} for scheduled tasks, {@code error}/{@code cause} for
 *     failures, {@code retry}/{@code delaySeconds} for retries, {@code seconds} for waits. Do not modify.
 */
public record HistoryEvent(long id, Instant timestamp, Type type, Optional<String> state, JsonNode details) {

    public enum Type {
        EXECUTION_STARTED,
        /** {@code {Type}StateEntered}, for every state type (a Fail state has no exit) */
        STATE_ENTERED,
        STATE_EXITED,
        TASK_SCHEDULED,
        /** written right after TaskScheduled, once the work was handed to the function (or service) */
        TASK_STARTED,
        /** a {@code .waitForTaskToken} function returned: the task now waits for its token */
        TASK_SUBMITTED,
        TASK_SUCCEEDED,
        TASK_FAILED,
        TASK_TIMED_OUT,
        /** a Retry will run the task again after {@code delaySeconds} (AWS writes no event) */
        TASK_RETRY_SCHEDULED(false),
        /** a Catch sent the error to {@code next} (AWS writes no event) */
        TASK_CAUGHT(false),
        /** a Wait state starts waiting {@code seconds} (AWS writes no event) */
        WAIT_STARTED(false),
        EXECUTION_SUCCEEDED,
        EXECUTION_FAILED,
        EXECUTION_TIMED_OUT,
        EXECUTION_ABORTED;

        private final boolean countsInAws;

        Type() {
            this(true);
        }

        Type(boolean countsInAws) {
            this.countsInAws = countsInAws;
        }

        /** Whether AWS writes an event for this: what counts against the 25,000-event quota. */
        public boolean countsInAws() {
            return countsInAws;
        }

        /** The event that ends an execution: it is written even as the 25,000th. */
        boolean closesExecution() {
            return this == EXECUTION_SUCCEEDED || this == EXECUTION_FAILED || this == EXECUTION_TIMED_OUT
                    || this == EXECUTION_ABORTED;
        }
    }

    @Override
    public String toString() {
        return "#" + id + " " + type + state.map(s -> " " + s).orElse("") + " " + Json.abbreviate(details);
    }
}
