package dev.flagstep.workload;

import static dev.flagstep.testing.KubeCanaries.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DaemonSetReadinessTest {

    static final Instant SINCE = Instant.parse("2026-12-05T10:00:00Z");
    static final Duration DEADLINE = Duration.ofSeconds(600);
    static final Instant WITHIN = SINCE.plusSeconds(600); // the deadline instant itself still waits, as Flagger's Before
    static final Instant PAST = SINCE.plusSeconds(601);

    static JsonNode ds(long generation, long observed, int desired, int updated, int available) {
        return json("""
                metadata: {generation: %d}
                status: {observedGeneration: %d, desiredNumberScheduled: %d, updatedNumberScheduled: %d, numberAvailable: %d}
                """.formatted(generation, observed, desired, updated, available));
    }

    static Readiness judge(JsonNode ds, int threshold, boolean mustServe, Instant now) {
        return DaemonSetReadiness.judge(ds, threshold, mustServe, SINCE, DEADLINE, now);
    }

    @Test
    void anUnobservedGenerationWaitsEvenPastTheDeadline() {
        Readiness r = judge(ds(3, 2, 3, 3, 3), 100, false, PAST);
        assertThat(r).isEqualTo(new Readiness.NotYet(
                "waiting for rollout to finish: observed daemonset generation less than desired generation"));
        assertThat(judge(json("{metadata: {generation: 1}, status: {}}"), 100, false, WITHIN)).isInstanceOf(Readiness.NotYet.class);
    }

    @Test
    void everyNodeUpdatedAndAvailableIsReady() {
        assertThat(judge(ds(2, 2, 3, 3, 3), 100, false, PAST)).isEqualTo(new Readiness.Ready());
        assertThat(judge(ds(2, 2, 3, 3, 3), 100, true, PAST)).isEqualTo(new Readiness.Ready());
    }

    @Test
    void podsNotYetUpdatedWaitUntilTheDeadlineThenFail() {
        assertThat(judge(ds(2, 2, 3, 1, 3), 100, false, WITHIN)).isEqualTo(new Readiness.NotYet(
                "waiting for rollout to finish: 1 out of 3 new pods have been updated"));
        assertThat(judge(ds(2, 2, 3, 1, 3), 100, false, PAST)).isEqualTo(new Readiness.Failed(
                "exceeded its progressDeadlineSeconds: 600"));
    }

    @Test
    void tooFewAvailableWaitUntilTheDeadlineThenFail() {
        assertThat(judge(ds(2, 2, 3, 3, 2), 100, false, WITHIN)).isEqualTo(new Readiness.NotYet(
                "waiting for rollout to finish: 2 of 3 (readyThreshold 100%) updated pods are available"));
        assertThat(judge(ds(2, 2, 3, 3, 2), 100, false, PAST)).isInstanceOf(Readiness.Failed.class);
    }

    /** Flagger's int32(float32(desired) * threshold/100): truncated. */
    @ParameterizedTest
    @CsvSource({
            "3, 50, 1, true",   // int(1.5) = 1
            "3, 50, 0, false",
            "3, 67, 2, true",   // int(2.01) = 2
            "3, 66, 1, true",   // int(1.98) = 1
            "1, 99, 0, true",   // int(0.99) = 0
            "10, 95, 9, true",  // int(9.5) = 9
            "10, 95, 8, false",
            "5, 0, 0, true"})
    void thresholdTruncates(int desired, int threshold, int available, boolean ready) {
        Readiness r = judge(ds(1, 1, desired, desired, available), threshold, false, WITHIN);
        assertThat(r instanceof Readiness.Ready).as(r.toString()).isEqualTo(ready);
    }

    @Test
    void scheduledOnNoNodeIsReadyButCannotServe() {
        // the canary scaled to zero, or no eligible node
        assertThat(judge(ds(4, 4, 0, 0, 0), 100, false, PAST)).isEqualTo(new Readiness.Ready());
        assertThat(judge(ds(4, 4, 0, 0, 0), 100, true, WITHIN)).isEqualTo(new Readiness.NotYet(
                "waiting for rollout to finish: 0 of 1 (readyThreshold 100%) updated pods are available"));
        assertThat(judge(ds(4, 4, 0, 0, 0), 100, true, PAST)).isInstanceOf(Readiness.Failed.class);
    }

    @Test
    void aPrimaryUnderItsThresholdWithNoPodAvailableCannotServe() {
        // int(1 * 0.5) = 0 needed: ready by Flagger's rule, never selected by the apex
        assertThat(judge(ds(1, 1, 1, 1, 0), 50, false, WITHIN)).isEqualTo(new Readiness.Ready());
        assertThat(judge(ds(1, 1, 1, 1, 0), 50, true, WITHIN)).isInstanceOf(Readiness.NotYet.class);
        assertThat(judge(ds(1, 1, 1, 1, 1), 50, true, WITHIN)).isEqualTo(new Readiness.Ready());
    }
}
