package dev.flagstep.net;

/**
 * A URL that may name a cluster Service could not be routed or reached through the API server proxy
 * (the namespace lookup was forbidden, the API was unavailable, the proxy answered an error).
 * {@link #retryable()} tells a blip worth another attempt from an answer that will not change.
 */
public final class ClusterServiceException extends RuntimeException {

    private final boolean retryable;
    private final boolean apiUnavailable;

    public ClusterServiceException(String message, boolean retryable) {
        this(message, retryable, false);
    }

    /** @param apiUnavailable the Kubernetes API server itself could not be reached or was overloaded (retryable) */
    public ClusterServiceException(String message, boolean retryable, boolean apiUnavailable) {
        super(message);
        this.retryable = retryable || apiUnavailable;
        this.apiUnavailable = apiUnavailable;
    }

    public boolean retryable() {
        return retryable;
    }

    /** An outage of the Kubernetes API server: a flagstep infrastructure fault, not the receiver's. */
    public boolean apiUnavailable() {
        return apiUnavailable;
    }
}
