package dev.flagstep.analysis;

import java.time.Instant;
import java.util.List;

/**
 * Flagger's {@code status}: phase, counters and the Promoted condition. {@code canaryWeight} is
 * informational, as in Flagger: routing decisions re-read the router. {@code checksum} identifies the
 * run for webhook receivers (opaque; changes with the revision, stable within a run).
 */
public record CanaryStatus(
        Phase phase,
        int canaryWeight,
        int failedChecks,
        int iterations,
        String checksum,
        Instant lastTransitionTime,
        List<StatusCondition> conditions) {

    public CanaryStatus {
        conditions = List.copyOf(conditions);
    }

    /** The status of a canary nobody has rolled out yet. */
    public static CanaryStatus initial(Instant now) {
        return new CanaryStatus(Phase.INITIALIZING, 0, 0, 0, "", now, List.of());
    }
}
