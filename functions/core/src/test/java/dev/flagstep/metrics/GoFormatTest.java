package dev.flagstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoFormatTest {

    @ParameterizedTest(name = "{0} = {1}ms")
    @CsvSource({"1m,60000", "30s,30000", "1h30m,5400000", "1.5m,90000", "500ms,500", "2h,7200000", "0,0", "1m30s,90000"})
    void parsesGoDurations(String text, long millis) {
        assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1 minute", "m", "1d", "1m 30s"})
    void rejectsWhatGoRejects(String text) {
        assertThatThrownBy(() -> GoDuration.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0}ms -> {1}")
    @CsvSource({"0,0s", "734,734ms", "1000,1s", "1500,1.5s", "61000,1m1s", "60000,1m0s", "3723004,1h2m3.004s"})
    void formatsDurationsAsGoDoes(long millis, String text) {
        assertThat(GoDuration.formatMillis(millis)).isEqualTo(text);
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
