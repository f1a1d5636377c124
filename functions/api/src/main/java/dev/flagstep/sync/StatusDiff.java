package dev.flagstep.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.StatusCondition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Whether a Canary object's {@code status} still says what flagstep's store says (pure), on Flagger's fields:
 * phase, canaryWeight, failedChecks, iterations, lastAppliedSpec, lastPromotedSpec, lastTransitionTime (to the
 * second, as RFC 3339 on the object may drop the fraction), the Promoted condition's status and reason, and a
 * {@code Stalled} condition exactly while the object is invalid. The sync writes the status when it does not: a
 * write the phases could not make (the API server was down) is made up within a pass.
 */
public final class StatusDiff {

    private StatusDiff() {}

    public static boolean differs(JsonNode object, CanaryStatus stored, Optional<String> invalid) {
        return !matches(object.path("status"), stored, invalid);
    }

    static boolean matches(JsonNode status, CanaryStatus stored, Optional<String> invalid) {
        return ObjectStatus.text(status, "phase").equals(stored.phase().wireName())
                && same(status, "canaryWeight", stored.canaryWeight())
                && same(status, "failedChecks", stored.failedChecks())
                && same(status, "iterations", stored.iterations())
                && ObjectStatus.text(status, "lastAppliedSpec").equals(stored.checksum())
                && ObjectStatus.text(status, "lastPromotedSpec").equals(stored.promotedChecksum())
                && ObjectStatus.time(status, "lastTransitionTime").map(StatusDiff::seconds)
                        .equals(Optional.of(seconds(stored.lastTransitionTime())))
                && promotedMatches(status, stored.promotedCondition())
                && trackedConfigsMatch(status, stored)
                && stalledMatches(status, invalid);
    }

    /** Nothing tracked: whatever the object holds stays (written only when there are some, as Flagger). */
    private static boolean trackedConfigsMatch(JsonNode status, CanaryStatus stored) {
        if (stored.trackedConfigs().isEmpty()) return true;
        JsonNode onObject = status.path("trackedConfigs");
        // extra keys are not compared: a merge patch cannot remove them, comparing them would rewrite every pass
        if (!onObject.isObject()) return false;
        return stored.trackedConfigs().entrySet().stream()
                .allMatch(e -> e.getValue().equals(onObject.path(e.getKey()).asText(null)));
    }

    private static boolean same(JsonNode status, String field, int value) {
        return status.path(field).isNumber() && status.path(field).asInt() == value;
    }

    private static boolean promotedMatches(JsonNode status, Optional<StatusCondition> stored) {
        List<JsonNode> onObject = ObjectStatus.conditions(status, dev.flagstep.analysis.StatusConditions.PROMOTED);
        if (stored.isEmpty()) return onObject.isEmpty();
        return onObject.size() == 1
                && onObject.getFirst().path("status").asText("").equals(stored.get().status())
                && onObject.getFirst().path("reason").asText("").equals(stored.get().reason());
    }

    /** The object shows Stalled (True, naming the problem) exactly while it is invalid. */
    static boolean stalledMatches(JsonNode status, Optional<String> invalid) {
        List<JsonNode> stalled = ObjectStatus.conditions(status, ObjectStatus.STALLED).stream()
                .filter(c -> c.path("status").asText("").equals("True")).toList();
        if (invalid.isEmpty()) return stalled.isEmpty();
        return stalled.size() == 1 && stalled.getFirst().path("message").asText("").contains(invalid.get());
    }

    private static Instant seconds(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS);
    }
}
