package dev.flagstep.metrics;

import dev.flagstep.spec.ThresholdRange;
import java.util.Optional;

/**
 * Flagger's pass/fail rule for one metric value against its {@code thresholdRange} (not to be confused with
 * {@link dev.flagstep.analysis.Threshold}, the failed-checks count that triggers a rollback).
 * <ul>
 *   <li>With a {@code thresholdRange}: fail when {@code value < min} or {@code value > max}.</li>
 *   <li>Without one, the deprecated {@code threshold} applies (0 when absent): it is a minimum for
 *       {@code request-success-rate} and a maximum for {@code request-duration} and custom metrics.
 *       So a custom metric (or request-duration) with neither setting fails whenever its value is
 *       above 0 — Flagger's rule, kept so that existing documents behave the same.</li>
 *   <li>request-duration compares whole milliseconds: Flagger converts both the value and the limits
 *       to {@code time.Duration} in ms, which truncates fractions.</li>
 * </ul>
 */
public final class ThresholdRangeCheck {

    /** Which of Flagger's three code paths a metric takes. */
    public enum Kind { SUCCESS_RATE, DURATION, CUSTOM }

    /** Which side of the accepted range was crossed. */
    public enum Bound { MIN, MAX }

    /**
     * A failed check: the bound crossed, its limit, and where the limit came from ({@code RANGE},
     * the deprecated {@code THRESHOLD}, or the implicit 0 when neither is set).
     */
    public record Violation(Bound bound, double limit, Source source) {}

    public enum Source { RANGE, THRESHOLD, IMPLICIT_ZERO }

    private ThresholdRangeCheck() {}

    public static Optional<Violation> evaluate(Kind kind, ThresholdRange range, Optional<Double> threshold, double value) {
        if (!range.isEmpty()) {
            Optional<Double> min = range.min().map(m -> limit(kind, m));
            Optional<Double> max = range.max().map(m -> limit(kind, m));
            if (min.isPresent() && value < min.get()) {
                return Optional.of(new Violation(Bound.MIN, min.get(), Source.RANGE));
            }
            if (max.isPresent() && value > max.get()) {
                return Optional.of(new Violation(Bound.MAX, max.get(), Source.RANGE));
            }
            return Optional.empty();
        }
        double limit = limit(kind, threshold.orElse(0.0));
        Source source = threshold.isPresent() ? Source.THRESHOLD : Source.IMPLICIT_ZERO;
        return switch (kind) {
            case SUCCESS_RATE -> value < limit ? Optional.of(new Violation(Bound.MIN, limit, source)) : Optional.empty();
            case DURATION, CUSTOM -> value > limit ? Optional.of(new Violation(Bound.MAX, limit, source)) : Optional.empty();
        };
    }

    private static double limit(Kind kind, double configured) {
        return kind == Kind.DURATION ? (double) (long) configured : configured;
    }
}
