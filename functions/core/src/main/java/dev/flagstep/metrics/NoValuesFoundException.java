package dev.flagstep.metrics;

/** The query ran but returned no sample (empty result, or NaN): usually the canary gets no traffic yet. */
public final class NoValuesFoundException extends MetricQueryException {

    /**
     * Flagger's {@code ErrNoValuesFound}, as its events quote it: the detail of one query (what the backend
     * answered) goes to the logs, never into the event text receivers match on.
     */
    public static final String FLAGGER_ERROR = "no values found";

    public NoValuesFoundException(String detail) {
        super("no values found: " + detail);
    }
}
