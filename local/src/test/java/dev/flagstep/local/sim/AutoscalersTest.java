package dev.flagstep.local.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The simulated HPA and KEDA controllers' replica rules; -1 stands for "leave it" / "not paused". */
class AutoscalersTest {

    @ParameterizedTest(name = "HPA {1}..{2} at {0} -> {3}")
    @CsvSource({"0, 2, 4, -1", "1, 2, 4, 2", "3, 2, 4, 3", "9, 2, 4, 4", "0, 0, 4, 0"})
    void anHpaLeavesATargetAtZeroAlone(int replicas, int min, int max, int expected) {
        assertThat(Autoscalers.hpaReplicas(replicas, min, max))
                .isEqualTo(expected < 0 ? OptionalInt.empty() : OptionalInt.of(expected));
    }

    @ParameterizedTest(name = "KEDA {2}..{3} at {0}, paused {1} -> {4}")
    @CsvSource({"0, -1, 2, 5, 2", "0, 0, 2, 5, 0", "3, 0, 2, 5, 0", "3, 1, 2, 5, 1", "9, -1, 2, 5, 5", "0, -1, 0, 5, 0"})
    void kedaScalesFromZeroUnlessPaused(int replicas, int paused, int min, int max, int expected) {
        assertThat(Autoscalers.kedaReplicas(replicas, paused < 0 ? OptionalInt.empty() : OptionalInt.of(paused), min, max))
                .isEqualTo(expected);
    }
}
