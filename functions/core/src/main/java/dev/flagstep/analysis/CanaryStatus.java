package dev.flagstep.analysis;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Flagger's {@code status}: phase, counters and the Promoted condition. {@code canaryWeight} is
 * informational, as in Flagger: routing decisions re-read the router. {@code checksum} identifies the
 * run for webhook receivers (opaque; changes with the revision, stable within a run): it is Flagger's
 * {@code lastAppliedSpec}. {@code promotedChecksum} is Flagger's {@code lastPromotedSpec}: the checksum
 * when the phase last became Initialized or Succeeded, so going back to the promoted template is no new
 * revision. {@code trackedConfigs} is Flagger's {@code status.trackedConfigs}: {@code configmap/NAME} or
 * {@code secret/NAME} → checksum of the data, for the revision the checksum names (empty when none is tracked).
 */
public record CanaryStatus(
        CanaryPhase phase,
        int canaryWeight,
        int failedChecks,
        int iterations,
        String checksum,
        Instant lastTransitionTime,
        List<StatusCondition> conditions,
        String promotedChecksum,
        Map<String, String> trackedConfigs) {

    public CanaryStatus {
        conditions = List.copyOf(conditions);
        trackedConfigs = Collections.unmodifiableSortedMap(new TreeMap<>(trackedConfigs));
    }

    /** A status with no tracked config. */
    public CanaryStatus(CanaryPhase phase, int canaryWeight, int failedChecks, int iterations, String checksum,
            Instant lastTransitionTime, List<StatusCondition> conditions, String promotedChecksum) {
        this(phase, canaryWeight, failedChecks, iterations, checksum, lastTransitionTime, conditions, promotedChecksum,
                Map.of());
    }

    /** A status with nothing promoted yet. */
    public CanaryStatus(CanaryPhase phase, int canaryWeight, int failedChecks, int iterations, String checksum,
            Instant lastTransitionTime, List<StatusCondition> conditions) {
        this(phase, canaryWeight, failedChecks, iterations, checksum, lastTransitionTime, conditions, "");
    }

    /** The status of a canary nobody has rolled out yet. */
    public static CanaryStatus initial(Instant now) {
        return new CanaryStatus(CanaryPhase.INITIALIZING, 0, 0, 0, "", now, List.of(), "");
    }

    // The setters below mirror pkg/canary/status.go. Like Flagger, every write stamps
    // lastTransitionTime with `now` (Flagger does so on weight, iteration and failed-check writes
    // too, not only on a phase change), and only phase writes touch the Promoted condition.

    /**
     * Flagger's {@code SetStatusPhase}: canaryWeight and iterations go to 0 for every phase except
     * Progressing, Waiting and Promoting; WaitingPromotion then sets iterations to
     * {@code analysisIterations - 1} (-1 for the canary strategy). failedChecks is kept. Initialized and
     * Succeeded record the checksum as promoted.
     */
    public CanaryStatus setPhase(CanaryPhase newPhase, PhaseContext context, Instant now) {
        int weight = canaryWeight;
        int iters = iterations;
        if (newPhase != CanaryPhase.PROGRESSING && newPhase != CanaryPhase.WAITING && newPhase != CanaryPhase.PROMOTING) {
            weight = 0;
            iters = newPhase == CanaryPhase.WAITING_PROMOTION ? context.analysisIterations() - 1 : 0;
        }
        boolean promoted = newPhase == CanaryPhase.INITIALIZED || newPhase == CanaryPhase.SUCCEEDED;
        return new CanaryStatus(newPhase, weight, failedChecks, iters, checksum, now,
                conditionsFor(newPhase, context, now), promoted ? checksum : promotedChecksum, trackedConfigs);
    }

    /**
     * Flagger's {@code SyncStatus}: overwrites phase, weight, failedChecks and iterations at once. It
     * is how a run starts (Progressing, all 0), restarts on a new revision, and fails (Failed, 0), so
     * failedChecks is back to 0 after a rollback. The caller refreshes {@link #withChecksum} when the
     * revision changed, as Flagger recomputes lastAppliedSpec here.
     */
    public CanaryStatus sync(CanaryPhase newPhase, int weight, int failed, int iters, PhaseContext context, Instant now) {
        return new CanaryStatus(newPhase, weight, failed, iters, checksum, now, conditionsFor(newPhase, context, now),
                promotedChecksum, trackedConfigs);
    }

    /** Flagger's {@code SetStatusWeight} (informational: routing decisions re-read the router). */
    public CanaryStatus withCanaryWeight(int weight, Instant now) {
        return new CanaryStatus(phase, weight, failedChecks, iterations, checksum, now, conditions, promotedChecksum, trackedConfigs);
    }

    /** Flagger's {@code SetStatusFailedChecks}. */
    public CanaryStatus withFailedChecks(int failed, Instant now) {
        return new CanaryStatus(phase, canaryWeight, failed, iterations, checksum, now, conditions, promotedChecksum, trackedConfigs);
    }

    /** Flagger's {@code SetStatusIterations}. */
    public CanaryStatus withIterations(int iters, Instant now) {
        return new CanaryStatus(phase, canaryWeight, failedChecks, iters, checksum, now, conditions, promotedChecksum, trackedConfigs);
    }

    /** A new run identifier for webhook receivers; not a status write of its own in Flagger. */
    public CanaryStatus withChecksum(String newChecksum) {
        return new CanaryStatus(phase, canaryWeight, failedChecks, iterations, newChecksum, lastTransitionTime,
                conditions, promotedChecksum, trackedConfigs);
    }

    /** The checksums of the tracked configs of the revision {@link #checksum()} names (Flagger's {@code SyncStatus}). */
    public CanaryStatus withTrackedConfigs(Map<String, String> configs) {
        return new CanaryStatus(phase, canaryWeight, failedChecks, iterations, checksum, lastTransitionTime,
                conditions, promotedChecksum, configs);
    }

    /** The {@code Promoted} condition, once any phase has been set. */
    public Optional<StatusCondition> promotedCondition() {
        return conditions.stream().filter(c -> StatusConditions.PROMOTED.equals(c.type())).findFirst();
    }

    private List<StatusCondition> conditionsFor(CanaryPhase newPhase, PhaseContext context, Instant now) {
        return StatusConditions.forPhase(conditions, newPhase, context.targetKind(), now).orElse(conditions);
    }
}
