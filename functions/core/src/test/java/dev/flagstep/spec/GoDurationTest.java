package dev.flagstep.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

    @ParameterizedTest(name = "{0} = {1} ns")
    @CsvSource({
            "1m30s, 90000000000",
            "15s, 15000000000",
            "3m, 180000000000",
            "1.5h, 5400000000000",
            "300ms, 300000000",
            "2h45m, 9900000000000",
            "0, 0",
            "+0, 0",
            "-0, 0",
            "0s, 0",
            "-1m, -60000000000",
            "+5s, 5000000000",
            "1us, 1000",
            "1\u00b5s, 1000",
            "1\u03bcs, 1000",
            "7ns, 7",
            ".5s, 500000000",
            "1.s, 1000000000",
            "1.0000000001s, 1000000000", // Go truncates below a nanosecond
            "1h1m1s1ms1us1ns, 3661001001001",
            "10s10s, 20000000000", // Go accepts repeated units
            "9223372036854775807ns, 9223372036854775807",
            "-9223372036854775808ns, -9223372036854775808",
    })
    void parsesWhatGoParses(String text, long nanos) {
        assertThat(GoDuration.parse(text)).contains(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "10", "s", "-", "+", ".s", "1d", "1 m", " 1m", "1m ", "1M", "1S", "1.2.3s",
            "1m-1s", "abc", "1e3s", "9223372036854775808ns", "2562048h", "0x10s", "--1s", "1mm",
            "1 minute", "m", "1m 30s"})
    void rejectsWhatGoRejects(String text) {
        assertThat(GoDuration.parse(text)).isEmpty();
    }

    /** Metric intervals as documents write them (moved from the metrics package's own parser). */
    @ParameterizedTest(name = "{0} = {1}ms")
    @CsvSource({"1m,60000", "30s,30000", "1h30m,5400000", "1.5m,90000", "500ms,500", "2h,7200000", "0,0", "1m30s,90000"})
    void parsesMetricIntervals(String text, long millis) {
        assertThat(GoDuration.parse(text)).contains(Duration.ofMillis(millis));
    }

    @org.junit.jupiter.api.Test
    void nullIsNotADuration() {
        assertThat(GoDuration.parse(null)).isEmpty();
    }
}
