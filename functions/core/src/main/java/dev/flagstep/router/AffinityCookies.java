package dev.flagstep.router;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;

/**
 * The session-affinity cookies of a run ({@code name=value}), Flagger's {@code status.sessionAffinityCookie},
 * {@code previousSessionAffinityCookie} and {@code primarySessionAffinityCookie}. flagstep keeps them as
 * annotations of the router object they route by, so the narrow router interface needs no status access and
 * the cookie is written in the same edit as the rules that match it.
 */
final class AffinityCookies {

    static final String CURRENT = "flagstep.dev/session-affinity-cookie";
    static final String PREVIOUS = "flagstep.dev/previous-session-affinity-cookie";
    static final String PRIMARY = "flagstep.dev/primary-session-affinity-cookie";

    private AffinityCookies() {
    }

    static Optional<String> get(ObjectNode object, String key) {
        return Optional.of(object.path("metadata").path("annotations").path(key).asText("")).filter(v -> !v.isEmpty());
    }

    /** The stored cookie, or a new {@code name=value} stored now. */
    static String getOrCreate(ObjectNode object, String key, String cookieName, CookieValues values) {
        return get(object, key).orElseGet(() -> {
            String cookie = cookieName + "=" + values.next();
            RouterObjects.annotations(object).put(key, cookie);
            return cookie;
        });
    }

    /**
     * The canary weight is back to 0 (run ended, rolled back or restarted): the current cookie becomes the
     * previous one, which routers expire. Returns the cookie to expire, if any.
     */
    static Optional<String> retire(ObjectNode object) {
        get(object, CURRENT).ifPresent(c -> {
            RouterObjects.annotations(object).put(PREVIOUS, c);
            RouterObjects.annotations(object).remove(CURRENT);
        });
        return get(object, PREVIOUS);
    }
}
