package dev.flagstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.metrics.ThresholdRangeCheck.Bound;
import dev.flagstep.metrics.ThresholdRangeCheck.Kind;
import dev.flagstep.metrics.ThresholdRangeCheck.Source;
import dev.flagstep.metrics.ThresholdRangeCheck.Violation;
import dev.flagstep.spec.ThresholdRange;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThresholdRangeCheckTest {

    private static Optional<Double> opt(String s) {
        return s == null ? Optional.empty() : Optional.of(Double.parseDouble(s));
    }

    /**
     * kind | min | max | threshold | value | expected (PASS, or BOUND:limit:SOURCE).
     * Every rule of Flagger's scheduler_metrics.go, for all three kinds.
     */
    @ParameterizedTest(name = "{0} min={1} max={2} threshold={3} value={4} -> {5}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // thresholdRange: min is inclusive, max is inclusive
            "SUCCESS_RATE | 99  | -   | -  | 99    | PASS",
            "SUCCESS_RATE | 99  | -   | -  | 98.99 | MIN:99:RANGE",
            "SUCCESS_RATE | -   | 50  | -  | 50.01 | MAX:50:RANGE",
            "SUCCESS_RATE | 90  | 95  | -  | 96    | MAX:95:RANGE",
            "SUCCESS_RATE | 90  | 95  | -  | 89    | MIN:90:RANGE",
            "SUCCESS_RATE | 90  | 95  | -  | 92    | PASS",
            "CUSTOM       | 10  | 1000| -  | 9.99  | MIN:10:RANGE",
            "CUSTOM       | 10  | 1000| -  | 1000  | PASS",
            "CUSTOM       | 10  | 1000| -  | 1000.5| MAX:1000:RANGE",
            "CUSTOM       | -   | 5   | -  | -3    | PASS",
            "DURATION     | -   | 500 | -  | 500   | PASS",
            "DURATION     | -   | 500 | -  | 501   | MAX:500:RANGE",
            "DURATION     | 100 | -   | -  | 99    | MIN:100:RANGE",
            // a range wins over the deprecated threshold
            "SUCCESS_RATE | -   | 100 | 99 | 50    | PASS",
            "CUSTOM       | 0   | -   | 1  | 5     | PASS",
            // deprecated threshold: a min for request-success-rate ...
            "SUCCESS_RATE | -   | -   | 99 | 98    | MIN:99:THRESHOLD",
            "SUCCESS_RATE | -   | -   | 99 | 99    | PASS",
            // ... a max for request-duration and custom metrics
            "DURATION     | -   | -   | 500| 501   | MAX:500:THRESHOLD",
            "DURATION     | -   | -   | 500| 500   | PASS",
            "CUSTOM       | -   | -   | 5  | 5.01  | MAX:5:THRESHOLD",
            "CUSTOM       | -   | -   | 5  | 4     | PASS",
            // neither: success rate never fails on the implicit 0 minimum ...
            "SUCCESS_RATE | -   | -   | -  | 0     | PASS",
            // ... but custom metrics and request-duration fail whenever the value is above 0 (Flagger's rule)
            "CUSTOM       | -   | -   | -  | 0.001 | MAX:0:IMPLICIT_ZERO",
            "CUSTOM       | -   | -   | -  | 0     | PASS",
            "CUSTOM       | -   | -   | -  | -1    | PASS",
            "DURATION     | -   | -   | -  | 1     | MAX:0:IMPLICIT_ZERO",
            "DURATION     | -   | -   | -  | 0     | PASS",
            // request-duration limits are whole milliseconds, truncated as Go's time.Duration(float) does
            "DURATION     | -   | 500.9 | - | 501  | MAX:500:RANGE",
            "DURATION     | 99.9| -   | -  | 99    | PASS",
            "CUSTOM       | -   | 500.9 | - | 501  | MAX:500.9:RANGE",
    })
    void appliesFlaggersRules(Kind kind, String min, String max, String threshold, double value, String expected) {
        Optional<Violation> violation = ThresholdRangeCheck.evaluate(kind, new ThresholdRange(opt(min), opt(max)), opt(threshold), value);

        if (expected.equals("PASS")) {
            assertThat(violation).isEmpty();
        } else {
            String[] parts = expected.split(":");
            assertThat(violation).contains(new Violation(Bound.valueOf(parts[0]), Double.parseDouble(parts[1]), Source.valueOf(parts[2])));
        }
    }
}
