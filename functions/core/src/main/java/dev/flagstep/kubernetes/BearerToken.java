package dev.flagstep.kubernetes;

import java.util.Optional;

/**
 * Where the {@code Authorization: Bearer} value comes from, asked once per request so that short-lived
 * tokens (EKS: 15 minutes) are never held past their validity.
 */
@FunctionalInterface
public interface BearerToken {

    /** The token for the next request, or empty for none (client-certificate or anonymous access). */
    Optional<String> current();

    static BearerToken none() {
        return Optional::empty;
    }

    static BearerToken of(String token) {
        Optional<String> t = Optional.of(token);
        return () -> t;
    }
}
