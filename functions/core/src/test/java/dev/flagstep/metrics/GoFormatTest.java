package dev.flagstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoFormatTest {

    @ParameterizedTest(name = "{0}ms -> {1}")
    @CsvSource({"0,0s", "734,734ms", "1000,1s", "1500,1.5s", "61000,1m1s", "60000,1m0s", "3723004,1h2m3.004s"})
    void formatsDurationsAsGoDoes(long millis, String text) {
        assertThat(dev.flagstep.analysis.GoFormat.duration(Duration.ofMillis(millis))).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"99,99", "99.5,99.5", "0.1,0.1", "0,0", "123456,123456", "1000000,1e+06", "0.00001,1e-05", "-2.5,-2.5"})
    void formatsFloatsLikeGoPercentV(double value, String text) {
        assertThat(GoFormat.v(value)).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"91.3,91.30", "0.125,0.12", "0.375,0.38", "100,100.00", "99.999,100.00"})
    void formatsTwoDecimalsLikeGo(double value, String text) {
        assertThat(GoFormat.twoDecimals(value)).isEqualTo(text);
    }
}
