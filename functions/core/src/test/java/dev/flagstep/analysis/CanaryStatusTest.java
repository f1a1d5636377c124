package dev.flagstep.analysis;

import static dev.flagstep.analysis.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanaryStatusTest {

    private static final PhaseContext BG5 = new PhaseContext("Deployment", 5);
    private static final PhaseContext CANARY = new PhaseContext("Deployment", 0);
    private static final Instant T1 = T0.plusSeconds(60);

    private static CanaryStatus midRun() {
        return new CanaryStatus(CanaryPhase.PROGRESSING, 40, 2, 3, "abc", T0, List.of());
    }

    @ParameterizedTest(name = "setPhase({0}) records the checksum as promoted: {1}")
    @CsvSource({"INITIALIZED, true", "SUCCEEDED, true", "PROGRESSING, false", "WAITING_PROMOTION, false",
        "PROMOTING, false", "FINALISING, false", "FAILED, false", "WAITING, false"})
    void onlyInitializedAndSucceededPromoteTheChecksumAsFlaggersLastPromotedSpec(CanaryPhase phase, boolean promoted) {
        CanaryStatus s = midRun().setPhase(phase, BG5, T1);

        assertThat(s.promotedChecksum()).isEqualTo(promoted ? "abc" : "");
        // the other writers keep it
        assertThat(s.withChecksum("def").withCanaryWeight(10, T1).sync(CanaryPhase.FAILED, 0, 0, 0, BG5, T1).promotedChecksum())
                .isEqualTo(promoted ? "abc" : "");
    }

    @ParameterizedTest(name = "setPhase({0}) -> weight {1}, iterations {2}, condition {3}")
    @CsvSource({
        "INITIALIZING,      0,  0, Unknown, 'New Deployment detected, starting initialization.'",
        "INITIALIZED,       0,  0, True,    Deployment initialization completed.",
        "WAITING,           40, 3, Unknown, Waiting for approval.",
        "PROGRESSING,       40, 3, Unknown, 'New revision detected, progressing canary analysis.'",
        "WAITING_PROMOTION, 0,  4, Unknown, Waiting for approval.",
        "PROMOTING,         40, 3, Unknown, 'Canary analysis completed, starting primary rolling update.'",
        "FINALISING,        0,  0, Unknown, 'Canary analysis completed, routing all traffic to primary.'",
        "SUCCEEDED,         0,  0, True,    'Canary analysis completed successfully, promotion finished.'",
        "FAILED,            0,  0, False,   'Canary analysis failed, Deployment scaled to zero.'",
        "TERMINATING,       0,  0, Unknown, 'New Deployment detected, starting initialization.'",
        "TERMINATED,        0,  0, Unknown, 'New Deployment detected, starting initialization.'",
    })
    void setPhaseSideEffects(CanaryPhase phase, int weight, int iterations, String conditionStatus, String message) {
        CanaryStatus s = midRun().setPhase(phase, BG5, T1);

        assertThat(s.phase()).isEqualTo(phase);
        assertThat(s.canaryWeight()).isEqualTo(weight);
        assertThat(s.iterations()).isEqualTo(iterations);
        assertThat(s.failedChecks()).as("setPhase never touches failedChecks").isEqualTo(2);
        assertThat(s.checksum()).isEqualTo("abc");
        assertThat(s.lastTransitionTime()).isEqualTo(T1);
        StatusCondition c = s.promotedCondition().orElseThrow();
        assertThat(c.type()).isEqualTo("Promoted");
        assertThat(c.status()).isEqualTo(conditionStatus);
        assertThat(c.reason()).isEqualTo(phase.wireName());
        assertThat(c.message()).isEqualTo(message);
        assertThat(c.lastUpdateTime()).isEqualTo(T1);
    }

    @Test
    void waitingPromotionForTheCanaryStrategySetsIterationsMinusOne() {
        assertThat(midRun().setPhase(CanaryPhase.WAITING_PROMOTION, CANARY, T1).iterations()).isEqualTo(-1);
    }

    @Test
    void conditionKeepsItsTransitionTimeWhileItsStatusStaysTheSame() {
        CanaryStatus progressing = CanaryStatus.initial(T0).setPhase(CanaryPhase.PROGRESSING, CANARY, T0);
        CanaryStatus waiting = progressing.setPhase(CanaryPhase.WAITING_PROMOTION, CANARY, T1);
        StatusCondition c = waiting.promotedCondition().orElseThrow();
        assertThat(c.reason()).isEqualTo("WaitingPromotion");
        assertThat(c.lastUpdateTime()).isEqualTo(T1);
        assertThat(c.lastTransitionTime()).as("Unknown -> Unknown").isEqualTo(T0);

        StatusCondition failed = waiting.setPhase(CanaryPhase.FAILED, CANARY, T1.plusSeconds(1)).promotedCondition().orElseThrow();
        assertThat(failed.lastTransitionTime()).isEqualTo(T1.plusSeconds(1));
    }

    @Test
    void sameStatusAndReasonLeavesTheConditionAlone() {
        CanaryStatus first = CanaryStatus.initial(T0).setPhase(CanaryPhase.PROGRESSING, CANARY, T0);
        CanaryStatus again = first.setPhase(CanaryPhase.PROGRESSING, CANARY, T1);
        assertThat(again.conditions()).isEqualTo(first.conditions());
        assertThat(again.lastTransitionTime()).as("but every write stamps the status").isEqualTo(T1);
    }

    @Test
    void onlyOnePromotedConditionEverExists() {
        CanaryStatus s = CanaryStatus.initial(T0)
                .setPhase(CanaryPhase.INITIALIZED, CANARY, T0)
                .setPhase(CanaryPhase.PROGRESSING, CANARY, T0)
                .setPhase(CanaryPhase.SUCCEEDED, CANARY, T1);
        assertThat(s.conditions()).hasSize(1);
        assertThat(s.promotedCondition().orElseThrow().status()).isEqualTo("True");
    }

    @Test
    void syncOverwritesAllCountersIncludingFailedChecks() {
        CanaryStatus s = midRun().sync(CanaryPhase.FAILED, 0, 0, 0, CANARY, T1);
        assertThat(s).extracting(CanaryStatus::phase, CanaryStatus::canaryWeight, CanaryStatus::failedChecks,
                CanaryStatus::iterations, CanaryStatus::lastTransitionTime)
                .containsExactly(CanaryPhase.FAILED, 0, 0, 0, T1);
        assertThat(s.promotedCondition().orElseThrow().status()).isEqualTo("False");

        CanaryStatus restarted = midRun().sync(CanaryPhase.PROGRESSING, 0, 0, 0, CANARY, T1);
        assertThat(restarted.failedChecks()).isZero();
        assertThat(restarted.canaryWeight()).isZero();
    }

    @Test
    void singleFieldSettersTouchOnlyTheirFieldAndTheTime() {
        CanaryStatus s = midRun();
        assertThat(s.withCanaryWeight(60, T1)).isEqualTo(new CanaryStatus(CanaryPhase.PROGRESSING, 60, 2, 3, "abc", T1, List.of()));
        assertThat(s.withFailedChecks(3, T1)).isEqualTo(new CanaryStatus(CanaryPhase.PROGRESSING, 40, 3, 3, "abc", T1, List.of()));
        assertThat(s.withIterations(4, T1)).isEqualTo(new CanaryStatus(CanaryPhase.PROGRESSING, 40, 2, 4, "abc", T1, List.of()));
        assertThat(s.withChecksum("def")).isEqualTo(new CanaryStatus(CanaryPhase.PROGRESSING, 40, 2, 3, "def", T0, List.of()));
    }
}
