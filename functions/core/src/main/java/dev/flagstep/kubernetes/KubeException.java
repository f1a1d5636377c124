package dev.flagstep.kubernetes;

/**
 * Why a Kubernetes call failed, as a closed set, so that callers can tell "the object is missing" (a user
 * error to report) from "the API is down" (worth retrying later). Every message names the object and the call.
 */
public abstract sealed class KubeException extends RuntimeException
        permits KubeException.NotFound, KubeException.Conflict, KubeException.Rejected, KubeException.Unavailable {

    private KubeException(String message, Throwable cause) {
        super(message, cause);
    }

    /** 404: the object does not exist. */
    public static final class NotFound extends KubeException {
        private final KubeRef ref;

        public NotFound(KubeRef ref) {
            super(ref + " not found: create it or let Initialize bootstrap it", null);
            this.ref = ref;
        }

        public KubeRef ref() {
            return ref;
        }
    }

    /** 409/422 that re-reading did not resolve within the retry bound, or a create of an existing object. */
    public static final class Conflict extends KubeException {
        public Conflict(String message) {
            super(message, null);
        }
    }

    /** Any other 4xx: the request itself is wrong or not allowed (RBAC). Retrying will not help. */
    public static final class Rejected extends KubeException {
        private final int status;

        public Rejected(String message, int status) {
            super(message, null);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** The API could not be reached, answered 5xx/429, or did not answer within the timeout. Transient. */
    public static final class Unavailable extends KubeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
