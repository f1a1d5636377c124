package dev.flagstep.crd;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.StatusCondition;
import dev.flagstep.analysis.StatusConditions;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * A {@link CanaryStatus} as Flagger's {@code status} of a {@code Canary} object ({@code CanaryStatus} of
 * {@code pkg/apis/flagger/v1beta1/status.go}): only fields its CRD schema keeps (anything else would be pruned),
 * with the same names and JSON types. Pure.
 *
 * <p>{@code phase}, {@code canaryWeight}, {@code failedChecks} and {@code iterations} are always numbers and
 * {@code conditions} always an array, even empty: Argo CD's health check for Canaries computes
 * {@code tonumber(status.canaryWeight)} and iterates {@code status.conditions} without a guard.
 */
public final class FlaggerStatus {

    /** The condition flagstep adds while the object's spec is invalid: kstatus and Flux read it as stuck. */
    public static final String STALLED = "Stalled";
    public static final String INVALID_SPEC = "InvalidSpec";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private FlaggerStatus() {}

    /**
     * The status as the object should show it.
     *
     * @param invalid what is wrong with the object's spec (e.g. {@code analysis.threshold: must be ...}); present
     *     adds a {@code Stalled} condition (True, reason {@code InvalidSpec}) after {@code Promoted}
     */
    public static ObjectNode render(CanaryStatus status, Optional<String> invalid) {
        ObjectNode s = JSON.objectNode();
        s.put("phase", status.phase().wireName());
        s.put("canaryWeight", status.canaryWeight());
        s.put("failedChecks", status.failedChecks());
        s.put("iterations", status.iterations());
        if (!status.checksum().isEmpty()) s.put("lastAppliedSpec", status.checksum());
        if (!status.promotedChecksum().isEmpty()) s.put("lastPromotedSpec", status.promotedChecksum());
        s.put("lastTransitionTime", time(status.lastTransitionTime()));
        if (!status.trackedConfigs().isEmpty()) {
            // as Flagger: written only when some config is tracked
            ObjectNode configs = s.putObject("trackedConfigs");
            status.trackedConfigs().forEach(configs::put);
        }
        ArrayNode conditions = s.putArray("conditions");
        status.conditions().forEach(c -> conditions.add(condition(c)));
        invalid.ifPresent(problem -> conditions.add(condition(new StatusCondition(STALLED, StatusConditions.TRUE,
                INVALID_SPEC, "Canary spec is invalid: " + problem, status.lastTransitionTime(),
                status.lastTransitionTime()))));
        return s;
    }

    /**
     * The JSON merge patch {@code {"status": {...}}} that gives the object {@link #render}'s status: the
     * checksums flagstep has none of are {@code null}, so a value left by an earlier writer (Flagger) goes.
     * {@code trackedConfigs} is written when some config is tracked (a merge patch adds and updates its keys; a
     * key of a config no longer tracked stays until Flagger's or a later full write); otherwise it and Flagger's
     * session-affinity fields are left as they are.
     */
    public static ObjectNode mergePatch(CanaryStatus status, Optional<String> invalid) {
        ObjectNode s = render(status, invalid);
        for (String optional : new String[] {"lastAppliedSpec", "lastPromotedSpec"}) {
            if (!s.has(optional)) s.putNull(optional);
        }
        ObjectNode patch = JSON.objectNode();
        patch.set("status", s);
        return patch;
    }

    /** Kubernetes {@code metav1.Time}: RFC 3339 in UTC, whole seconds. */
    public static String time(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    private static ObjectNode condition(StatusCondition c) {
        return JSON.objectNode()
                .put("type", c.type())
                .put("status", c.status())
                .put("lastUpdateTime", time(c.lastUpdateTime()))
                .put("lastTransitionTime", time(c.lastTransitionTime()))
                .put("reason", c.reason())
                .put("message", c.message());
    }
}
