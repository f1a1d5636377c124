package dev.flagstep.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.CanaryStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * Taking over a canary Flagger managed (pure): flagstep has no status for it yet, but the object has one.
 * Flagger's {@code lastAppliedSpec} is a hash flagstep cannot reproduce (a dump of Go structs), so the phase
 * decides:
 * <ul>
 *   <li>settled, Initialized or Succeeded: the current template is the promoted one; the status is seeded with
 *       the object's phase, counters and conditions and checksum = promoted = the current revision, so nothing
 *       starts until the template changes;
 *   <li>Failed: checksum = the current revision, nothing promoted: a failed revision is not retried until the
 *       template changes, as in Flagger;
 *   <li>in flight (Progressing, Waiting, WaitingPromotion, Promoting, Finalising): seeded with the object's
 *       {@code lastAppliedSpec}, a value that matches no flagstep revision, so the sync starts a rollout and
 *       Initialize restarts the analysis (traffic back to the primary first);
 *   <li>Initializing, no phase, or anything else: nothing to adopt; flagstep onboards it as a new canary.
 * </ul>
 */
public final class Adoption {

    private Adoption() {}

    public static Optional<CanaryStatus> seed(JsonNode objectStatus, String currentRevision, Instant now) {
        Optional<CanaryPhase> phase = ObjectStatus.phase(objectStatus);
        if (phase.isEmpty()) return Optional.empty();
        String checksum;
        String promoted;
        switch (phase.get()) {
            case INITIALIZED, SUCCEEDED -> {
                checksum = currentRevision;
                promoted = currentRevision;
            }
            case FAILED -> {
                checksum = currentRevision;
                promoted = "";
            }
            case PROGRESSING, WAITING, WAITING_PROMOTION, PROMOTING, FINALISING -> {
                checksum = ObjectStatus.text(objectStatus, "lastAppliedSpec");
                promoted = "";
                if (checksum.isEmpty() || checksum.equals(currentRevision)) return Optional.empty();
            }
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(new CanaryStatus(phase.get(),
                ObjectStatus.number(objectStatus, "canaryWeight"),
                ObjectStatus.number(objectStatus, "failedChecks"),
                ObjectStatus.number(objectStatus, "iterations"),
                checksum,
                ObjectStatus.time(objectStatus, "lastTransitionTime").orElse(now),
                ObjectStatus.promotedConditions(objectStatus, now),
                promoted));
    }
}
