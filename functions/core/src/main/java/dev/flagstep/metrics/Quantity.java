package dev.flagstep.metrics;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes resource quantity ({@code 1500m}, {@code 2k}, {@code 1Ki}, {@code 1e3}, {@code 12}) read exactly,
 * then as a double: the External Metrics API gives its values this way.
 */
final class Quantity {

    private static final Pattern FORM = Pattern.compile("([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?");
    private static final Map<String, BigDecimal> SUFFIX = Map.ofEntries(
            Map.entry("n", new BigDecimal("1e-9")), Map.entry("u", new BigDecimal("1e-6")), Map.entry("m", new BigDecimal("1e-3")),
            Map.entry("k", new BigDecimal("1e3")), Map.entry("M", new BigDecimal("1e6")), Map.entry("G", new BigDecimal("1e9")),
            Map.entry("T", new BigDecimal("1e12")), Map.entry("P", new BigDecimal("1e15")), Map.entry("E", new BigDecimal("1e18")),
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)), Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)), Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)), Map.entry("Ei", BigDecimal.valueOf(1L << 60)));

    private Quantity() {}

    /** The quantity's value, or empty when {@code text} is not a quantity. */
    static Optional<Double> parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        BigDecimal number = new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1));
        String suffix = Optional.ofNullable(m.group(2)).orElse("");
        if (suffix.startsWith("e") || suffix.startsWith("E")) {
            return Optional.of(number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1))).doubleValue());
        }
        return Optional.of(number.multiply(SUFFIX.getOrDefault(suffix, BigDecimal.ONE)).doubleValue());
    }
}
