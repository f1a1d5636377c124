package dev.flagstep.api;

import java.util.List;

/** What starting a rollout did. Every outcome names the execution (run) of the requested revision. */
public sealed interface RolloutStart {

    /** A new execution started, after stopping the runs of other revisions listed here. */
    record Started(String executionId, String runId, List<String> supersededRevisions) implements RolloutStart {
        public Started {
            supersededRevisions = List.copyOf(supersededRevisions);
        }
    }

    /** This revision was already started (running or finished): nothing changed. Idempotent success. */
    record AlreadyStarted(String executionId, String runId) implements RolloutStart {}

    /** Another revision is running and the request did not ask to supersede it. */
    record Conflict(String runningRevision, String runningExecutionId) implements RolloutStart {}
}
