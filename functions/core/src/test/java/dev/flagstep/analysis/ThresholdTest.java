package dev.flagstep.analysis;

import static dev.flagstep.analysis.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.spec.Analysis;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ThresholdTest {

    @ParameterizedTest
    @CsvSource({"0, 1", "-2, 1", "1, 1", "5, 5"})
    void thresholdBelowOneMeansOne(int spec, int effective) {
        assertThat(Threshold.of(Fixtures.analysis().threshold(spec).build())).isEqualTo(effective);
    }

    /**
     * Simulates Flagger's tick: threshold check first, then the checks (one failed check at most),
     * returning the tick number on which the rollback happens.
     */
    private static int rollbackTick(Analysis a, List<Boolean> checkPassesPerTick) {
        CanaryStatus s = Fixtures.progressing();
        for (int tick = 1; tick <= checkPassesPerTick.size(); tick++) {
            if (Threshold.reached(s, a)) {
                return tick;
            }
            if (!checkPassesPerTick.get(tick - 1)) {
                s = Threshold.countFailure(s, T0.plusSeconds(tick));
            }
        }
        return -1;
    }

    @Test
    void rollbackHappensOnTheTickAfterTheThresholdIsReached() {
        Analysis a = Fixtures.analysis().threshold(2).build();
        // fails on ticks 1 and 2: count reaches 2 at the end of tick 2, rollback at the start of tick 3
        assertThat(rollbackTick(a, List.of(false, false, true, true))).isEqualTo(3);
    }

    @Test
    void successesDoNotResetTheCount() {
        Analysis a = Fixtures.analysis().threshold(3).build();
        assertThat(rollbackTick(a, List.of(false, true, true, false, true, false, true, true))).isEqualTo(7);
    }

    @Test
    void thresholdZeroRollsBackAfterTheFirstFailure() {
        Analysis a = Fixtures.analysis().threshold(0).build();
        assertThat(rollbackTick(a, List.of(true, false, true))).isEqualTo(3);
    }

    @Test
    void neverReachedWhileChecksPass() {
        assertThat(rollbackTick(Fixtures.analysis().threshold(1).build(), new ArrayList<>(List.of(true, true, true))))
                .isEqualTo(-1);
    }

    @ParameterizedTest
    @EnumSource(CanaryPhase.class)
    void onlyProgressingAndWaitingPromotionRollBackOnTheCount(CanaryPhase phase) {
        CanaryStatus s = new CanaryStatus(phase, 0, 5, 0, "", T0, List.of());
        boolean expected = phase == CanaryPhase.PROGRESSING || phase == CanaryPhase.WAITING_PROMOTION;
        assertThat(Threshold.reached(s, Fixtures.analysis().threshold(5).build())).isEqualTo(expected);
    }

    @Test
    void countFailureAddsExactlyOne() {
        CanaryStatus s = Threshold.countFailure(Fixtures.progressing(), T0.plusSeconds(5));
        assertThat(s.failedChecks()).isEqualTo(1);
        assertThat(s.lastTransitionTime()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void rollbackResetsTheCountForTheNextRun() {
        CanaryStatus failed = Lifecycle.rollback(Fixtures.progressing().withFailedChecks(2, T0), 2,
                new PhaseContext("Deployment", 0), Fixtures.MSG, T0).status();
        assertThat(failed.failedChecks()).isZero();
    }
}
