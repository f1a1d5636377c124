package dev.flagstep.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Go's fmt renderings used in event texts (the analysis and metrics cases, merged). */
class GoFormatTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"99, 99", "99.5, 99.5", "0.1, 0.1", "0, 0", "-0.0, -0", "123456, 123456", "1000000, 1e+06",
        "123456789, 1.23456789e+08", "1e21, 1e+21", "0.00001, 1e-05", "-2.5, -2.5"})
    void goPercentV(double value, String expected) {
        assertThat(GoFormat.value(value)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"91.3, 91.30", "0.125, 0.12", "0.375, 0.38", "100, 100.00", "99.999, 100.00", "1, 1.00", "2.675, 2.67"})
    void goFixed2RoundsTheBinaryValue(double value, String expected) {
        assertThat(GoFormat.fixed2(value)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}ns -> {1}")
    @CsvSource({"0, 0s", "1, 1ns", "1500, 1.5µs", "512000000, 512ms", "1500000000, 1.5s",
        "60000000000, 1m0s", "90500000000, 1m30.5s", "3600000000000, 1h0m0s"})
    void goDuration(long nanos, String expected) {
        assertThat(GoFormat.duration(Duration.ofNanos(nanos))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}ms -> {1}")
    @CsvSource({"0,0s", "734,734ms", "1000,1s", "1500,1.5s", "61000,1m1s", "60000,1m0s", "3723004,1h2m3.004s"})
    void goDurationOfWholeMilliseconds(long millis, String expected) {
        assertThat(GoFormat.duration(Duration.ofMillis(millis))).isEqualTo(expected);
    }
}
