package dev.flagstep.metrics;

import dev.flagstep.spec.GoDuration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The time window a provider queries, from the metric's interval as Flagger derives it: most providers
 * look back ten intervals ({@code now - 10 x interval .. now}; CloudWatch, Datadog, Dynatrace, Splunk),
 * New Relic one. Flagger gives templateRef metrics no default interval and then fails with the puzzling
 * "error parsing metric interval"; this fails too, but says what to write.
 */
record MetricWindow(Instant from, Instant to) {

    /** Flagger's usual look-back, in metric intervals. */
    static final int FLAGGER_INTERVALS = 10;

    /** {@code [now - intervals x interval, now]} on {@code clock}. */
    static MetricWindow last(String provider, Optional<String> interval, int intervals, Clock clock) {
        Duration length = length(provider, interval, intervals);
        Instant now = clock.instant();
        return new MetricWindow(now.minus(length), now);
    }

    /** {@code intervals x interval}, the interval being required and a positive Go duration. */
    static Duration length(String provider, Optional<String> interval, int intervals) {
        String text = interval.filter(i -> !i.isBlank()).orElseThrow(() -> new MetricQueryException(
                provider + " needs the metric's interval (its window is " + intervals + " x interval): set metrics[].interval, e.g. 1m;"
                        + " templateRef metrics get no default"));
        Duration d = GoDuration.parse(text.strip()).orElseThrow(() -> new MetricQueryException(
                "error parsing metric interval: invalid duration \"" + text + "\" (use Go syntax such as 30s, 1m, 1h30m)"));
        if (d.isNegative() || d.isZero()) {
            throw new MetricQueryException("error parsing metric interval: " + text + " is not a positive duration");
        }
        return d.multipliedBy(intervals);
    }
}
