package dev.flagstep.analysis;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * The few Go {@code fmt} renderings that end up in Flagger's event texts, so receivers matching on
 * them see the same characters: {@code %v} and {@code %.2f} of a float64, and {@code time.Duration}'s
 * {@code String()}. Locale-free on purpose.
 */
public final class GoFormat {

    private GoFormat() {}

    /** Go's {@code %.2f}: the exact binary value rounded half-to-even, as strconv does. */
    public static String fixed2(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        return new BigDecimal(value).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }

    /**
     * Go's {@code %v} of a float64, which fmt prints as {@code %g} with the shortest precision: the shortest
     * representation, plain unless the decimal exponent is below -4 or at least 6 (strconv's
     * {@code formatDigits}: "if precision was the shortest possible, use precision 6 for this decision"),
     * so {@code 99}, {@code 99.5}, {@code 123456}, {@code 1e+06}, {@code 1e-05}, {@code -0}.
     */
    public static String value(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == 0) {
            return (1 / value < 0) ? "-0" : "0";
        }
        // Double.toString is the shortest round-tripping decimal (JDK 19+), as Go's 'g' with precision -1
        BigDecimal shortest = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        int exponent = shortest.precision() - shortest.scale() - 1;
        if (exponent < -4 || exponent >= 6) {
            BigDecimal mantissa = shortest.movePointLeft(exponent);
            String exp = String.valueOf(Math.abs(exponent));
            return mantissa.toPlainString() + "e" + (exponent < 0 ? "-" : "+") + (exp.length() < 2 ? "0" + exp : exp);
        }
        return shortest.toPlainString();
    }

    /** Go's {@code time.Duration.String()}: {@code 0s}, {@code 250ms}, {@code 1.5s}, {@code 2m0s}, {@code 1h0m0s}. */
    public static String duration(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        String sign = nanos < 0 ? "-" : "";
        long u = Math.abs(nanos);
        if (u < 1_000_000_000L) {
            if (u < 1_000L) {
                return sign + u + "ns";
            }
            if (u < 1_000_000L) {
                return sign + fraction(u, 1_000L) + "µs";
            }
            return sign + fraction(u, 1_000_000L) + "ms";
        }
        long hours = u / 3_600_000_000_000L;
        long rest = u % 3_600_000_000_000L;
        long minutes = rest / 60_000_000_000L;
        long secondsNanos = rest % 60_000_000_000L;
        StringBuilder out = new StringBuilder(sign);
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        return out.append(fraction(secondsNanos, 1_000_000_000L)).append('s').toString();
    }

    private static String fraction(long amount, long unit) {
        return BigDecimal.valueOf(amount).divide(BigDecimal.valueOf(unit)).stripTrailingZeros().toPlainString();
    }
}
