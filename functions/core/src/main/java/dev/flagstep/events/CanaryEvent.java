package dev.flagstep.events;

import dev.flagstep.analysis.Message.Severity;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.spec.CanaryId;
import java.time.Instant;

/**
 * One event Flagger would record for a canary ("Advance podinfo.test canary weight 20"), with the
 * canary's state at that moment. It goes to the event history, to EventBridge, and to the canary's
 * {@code event} webhooks with Flagger's payload. Its {@link Severity} is the analysis {@code Message}'s:
 * the Kubernetes event type Flagger sends in {@code eventType}. The message is kept within
 * {@link MessageLimit#EVENT_MESSAGE_BYTES} (a response body quoted in it is cut and marked).
 */
public record CanaryEvent(
        CanaryId canary,
        Severity severity,
        String message,
        CanaryPhase phase,
        Instant timestamp,
        int canaryWeight,
        int failedChecks,
        String runId,
        String checksum) {

    public CanaryEvent {
        message = message == null ? null : MessageLimit.truncate(message, MessageLimit.EVENT_MESSAGE_BYTES);
    }
}
