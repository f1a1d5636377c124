package dev.flagstep.metrics;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of one analysis tick's metric checks. {@link Failed} and {@link NoValues} both count as
 * one failed check for the tick; they differ in the event Flagger records (a threshold or query error,
 * versus "no values found ... probably not receiving traffic").
 *
 * <p>{@code message} is for people and logs ({@code request-success-rate 91.30 below min 99});
 * {@code event} is Flagger's own event text for the canary's event history and event webhooks
 * ({@code Halt podinfo.test advancement success rate 91.30% < 99%}), always severity Warning.
 */
public sealed interface MetricCheckResult {

    boolean passed();

    /** Every check passed; the values in the order they were checked. */
    record AllPassed(List<MetricValue> values) implements MetricCheckResult {
        public AllPassed {
            values = List.copyOf(values);
        }

        @Override
        public boolean passed() {
            return true;
        }
    }

    /**
     * A check failed: its value was out of range ({@code value} present), or its query could not run
     * (template missing, provider unreachable or erroring; {@code value} empty). Later checks did not run.
     */
    record Failed(String metric, Optional<Double> value, String message, String event) implements MetricCheckResult {
        @Override
        public boolean passed() {
            return false;
        }
    }

    /** The query returned nothing (or NaN): usually the canary receives no traffic. Later checks did not run. */
    record NoValues(String metric, String message, String event) implements MetricCheckResult {
        @Override
        public boolean passed() {
            return false;
        }
    }
}
