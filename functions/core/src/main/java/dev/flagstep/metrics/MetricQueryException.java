package dev.flagstep.metrics;

/**
 * A metric query that could not produce a value: the provider was unreachable, answered an error, or
 * answered something that is not one number. Its {@link NoValuesFoundException} subtype is Flagger's
 * {@code ErrNoValuesFound}, which gets its own "probably not receiving traffic" event.
 */
public sealed class MetricQueryException extends RuntimeException permits NoValuesFoundException {

    public MetricQueryException(String message) {
        super(message);
    }

    public MetricQueryException(String message, Throwable cause) {
        super(message, cause);
    }
}
