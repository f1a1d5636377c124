package dev.flagstep.metrics;

/** The query ran but returned no sample (empty result, or NaN): usually the canary gets no traffic yet. */
public final class NoValuesFoundException extends MetricQueryException {

    public NoValuesFoundException(String detail) {
        super("no values found: " + detail);
    }
}
