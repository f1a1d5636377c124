package dev.flagstep.metrics;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Go's {@code fmt} verbs for floats, so event texts read exactly as Flagger's do. */
final class GoFormat {

    private GoFormat() {}

    /** {@code %.2f}: the exact binary value rounded half-even, as Go's strconv does. */
    static String twoDecimals(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        return new BigDecimal(value).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** {@code %v}: the shortest representation, in exponent form when the exponent is below -4 or at least 6. */
    static String v(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == 0) {
            return "0";
        }
        BigDecimal shortest = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        int exponent = shortest.precision() - shortest.scale() - 1;
        if (exponent < -4 || exponent >= 6) {
            BigDecimal mantissa = shortest.movePointLeft(exponent);
            String e = String.format("%02d", Math.abs(exponent));
            return mantissa.toPlainString() + "e" + (exponent < 0 ? "-" : "+") + e;
        }
        return shortest.toPlainString();
    }
}
