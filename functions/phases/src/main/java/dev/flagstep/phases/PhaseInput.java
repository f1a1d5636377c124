package dev.flagstep.phases;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.spec.CanaryId;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What every state of canary.asl.json hands its Lambda: which canary and run, the tick length, a tick
 * id unique per state entry ({@code State@EnteredTime}, so a task Step Functions runs twice is
 * recognised), and, in the waiting states, the task token to park on the gate (on the run's pause when {@code pauseWait}: WaitForResume). {@code error} is the
 * caught error on the rollback path.
 */
public record PhaseInput(
        CanaryId canary,
        String runId,
        String revision,
        int intervalSeconds,
        String tick,
        Optional<String> taskToken,
        Optional<JsonNode> error,
        OptionalInt ticks,
        Optional<String> execution,
        boolean pauseWait) {

    /** A delivery of any state but WaitForResume. */
    public PhaseInput(CanaryId canary, String runId, String revision, int intervalSeconds, String tick,
            Optional<String> taskToken, Optional<JsonNode> error, OptionalInt ticks, Optional<String> execution) {
        this(canary, runId, revision, intervalSeconds, tick, taskToken, error, ticks, execution, false);
    }

    /** The caught error as Step Functions names it, {@code "Error: Cause"}. */
    Optional<String> errorText() {
        return error.map(e -> e.path("Error").asText("error") + ": " + e.path("Cause").asText(""));
    }

    /** True when the caught error is a phase that kept hitting transient faults for its whole retry window. */
    boolean gaveUp() {
        return error.filter(e -> TransientFault.ERROR.equals(e.path("Error").asText())).isPresent();
    }
}
