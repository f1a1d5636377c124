package dev.flagstep.spec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Go's {@code time.ParseDuration}: a signed sequence of decimal numbers, each with an optional
 * fraction and a unit ({@code ns}, {@code us}/{@code µs}, {@code ms}, {@code s}, {@code m}, {@code h}),
 * e.g. {@code 1m30s}, {@code 1.5h}, {@code 300ms}. Flagger parses every interval and timeout this way,
 * so we accept exactly the strings Flagger accepts (and nothing else, e.g. not {@code 10} or {@code 1d}).
 */
public final class GoDuration {

    private static final Map<String, Long> UNIT_NANOS = Map.of(
            "ns", 1L,
            "us", 1_000L,
            "\u00b5s", 1_000L, // micro sign, as Go accepts
            "\u03bcs", 1_000L, // Greek mu, as Go accepts
            "ms", 1_000_000L,
            "s", 1_000_000_000L,
            "m", 60_000_000_000L,
            "h", 3_600_000_000_000L);

    /** Go's limit: a duration is an int64 count of nanoseconds. */
    private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);

    private GoDuration() {}

    /** The duration, or empty when Go's {@code time.ParseDuration} would return an error. */
    public static Optional<Duration> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) { // the only unit-less value Go accepts
            return Optional.of(Duration.ZERO);
        }
        if (s.isEmpty()) {
            return Optional.empty();
        }
        BigInteger total = BigInteger.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && isDigit(s.charAt(i))) {
                i++;
            }
            String whole = s.substring(start, i);
            String fraction = "";
            if (i < s.length() && s.charAt(i) == '.') {
                int fractionStart = ++i;
                while (i < s.length() && isDigit(s.charAt(i))) {
                    i++;
                }
                fraction = s.substring(fractionStart, i);
            }
            if (whole.isEmpty() && fraction.isEmpty()) {
                return Optional.empty(); // e.g. "s", ".s" or "1m.s"
            }
            int unitStart = i;
            while (i < s.length() && !isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            Long unit = UNIT_NANOS.get(s.substring(unitStart, i));
            if (unit == null) {
                return Optional.empty(); // missing or unknown unit
            }
            // Go truncates each term to whole nanoseconds; BigDecimal keeps huge inputs exact.
            BigDecimal number = new BigDecimal((whole.isEmpty() ? "0" : whole) + (fraction.isEmpty() ? "" : "." + fraction));
            total = total.add(number.multiply(BigDecimal.valueOf(unit)).toBigInteger());
            if (total.compareTo(MAX_NANOS.add(BigInteger.ONE)) > 0) {
                return Optional.empty(); // overflows int64 nanoseconds, as Go reports
            }
        }
        if (!negative && total.compareTo(MAX_NANOS) > 0) {
            return Optional.empty();
        }
        long nanos = total.longValue(); // 2^63 wraps to Long.MIN_VALUE, which is exactly -2^63
        return Optional.of(Duration.ofNanos(negative ? -nanos : nanos));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
