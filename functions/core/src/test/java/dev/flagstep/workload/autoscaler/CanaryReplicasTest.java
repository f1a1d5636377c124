package dev.flagstep.workload.autoscaler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Flagger's ScaleFromZero, every branch; -1 stands for "none". */
class CanaryReplicasTest {

    @ParameterizedTest(name = "target {0}, autoscaler {1}, primary {2}, min {3} -> {4}")
    @CsvSource({
            // the target's own replicas win
            "3, false, 5, -1, 3",
            "3, true, 5, 4, 3",
            "1, true, -1, 4, 1",
            // no autoscaler: the primary's, else 1
            "0, false, 5, 4, 5",
            "0, false, 0, 4, 1",
            "0, false, -1, 4, 1",
            // an autoscaler: its minimum when above 1 (the primary's replicas do not count), else 1
            "0, true, 5, 2, 2",
            "0, true, 5, 1, 1",
            "0, true, 5, 0, 1",
            "0, true, 5, -1, 1",
            "-1, true, 5, 3, 3"})
    void scalesUpAsFlagger(int target, boolean autoscaler, int primary, int min, int expected) {
        assertThat(CanaryReplicas.scaleUp(target, autoscaler, opt(primary), opt(min))).isEqualTo(expected);
    }

    private static OptionalInt opt(int n) {
        return n < 0 ? OptionalInt.empty() : OptionalInt.of(n);
    }
}
