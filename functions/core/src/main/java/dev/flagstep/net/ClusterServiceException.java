package dev.flagstep.net;

/**
 * A URL that may name a cluster Service could not be routed or reached through the API server proxy
 * (the namespace lookup was forbidden, the API was unavailable, the proxy answered an error).
 * {@link #retryable()} tells a blip worth another attempt from an answer that will not change.
 */
public final class ClusterServiceException extends RuntimeException {

    private final boolean retryable;

    public ClusterServiceException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
