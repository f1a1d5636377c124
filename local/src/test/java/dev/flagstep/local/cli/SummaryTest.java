package dev.flagstep.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.testing.DefaultLocale;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The summary reads the same on every machine: the test JVMs run in tr-TR, where %.1f writes 9,6. */
class SummaryTest {

    private static final RolloutWatcher.Outcome PODINFO = new RolloutWatcher.Outcome(new CanaryId("test", "podinfo"),
            ExecutionStatus.SUCCEEDED, 1, Optional.empty(), CanaryPhase.SUCCEEDED,
            List.of(new RolloutWatcher.PhaseSpan(CanaryPhase.INITIALIZED, Duration.ofMillis(300)),
                    new RolloutWatcher.PhaseSpan(CanaryPhase.PROGRESSING, Duration.ofMillis(7_100))),
            List.of(10, 20, 0), 0, 2, List.of(), Duration.ofMillis(9_600));

    private static String print() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Summary.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of(PODINFO),
                Optional.of(Map.of("podinfo.test", "approve x1")));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void secondsAreWrittenWithADecimalPointAndAsciiDigitsWhateverTheLocale() {
        for (String out : List.of(print(), DefaultLocale.under(DefaultLocale.ARABIC_DIGITS, SummaryTest::print))) {
            assertThat(out).contains(
                    "  podinfo.test: Succeeded in 9.6s (execution SUCCEEDED)\n",
                    "    phases:        Initialized 0.3s, Progressing 7.1s\n",
                    "    canary weight: 10 -> 20 -> 0\n",
                    "    failed checks: 0/2\n",
                    "    hooks called:  approve x1\n");
        }
    }
}
