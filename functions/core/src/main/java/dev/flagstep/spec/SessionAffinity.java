package dev.flagstep.spec;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;

/**
 * {@code analysis.sessionAffinity} (Flagger's {@code SessionAffinity}): a client that reached the canary during a
 * run gets a cookie and stays on the canary until the run ends. Read from {@link Analysis#extra()}; the
 * validator reports a missing or equal cookie name before a router sees it.
 *
 * @param maxAge seconds the canary cookie lives; Flagger's {@code GetMaxAge}: 0 or unset means one day
 */
public record SessionAffinity(
        String cookieName,
        Optional<String> primaryCookieName,
        int maxAge,
        Optional<String> domain,
        boolean httpOnly,
        boolean partitioned,
        Optional<String> path,
        Optional<String> sameSite,
        boolean secure) {

    public static final int DEFAULT_MAX_AGE = 86400;

    /** The block of {@code analysis}, when there is one. */
    public static Optional<SessionAffinity> of(CanarySpec canary) {
        return canary.analysis().flatMap(SessionAffinity::of);
    }

    public static Optional<SessionAffinity> of(Analysis analysis) {
        JsonNode s = analysis.extra().path("sessionAffinity");
        if (!s.isObject()) return Optional.empty();
        int maxAge = s.path("maxAge").asInt(0);
        return Optional.of(new SessionAffinity(
                s.path("cookieName").asText(""),
                text(s, "primaryCookieName"),
                maxAge <= 0 ? DEFAULT_MAX_AGE : maxAge,
                text(s, "domain"),
                s.path("httpOnly").asBoolean(false),
                s.path("partitioned").asBoolean(false),
                text(s, "path"),
                text(s, "sameSite"),
                s.path("secure").asBoolean(false)));
    }

    private static Optional<String> text(JsonNode s, String field) {
        return Optional.of(s.path(field).asText("")).filter(v -> !v.isEmpty());
    }

    /**
     * The {@code Set-Cookie} value for {@code nameValue} ({@code name=value}), Flagger's {@code BuildCookie}:
     * Max-Age, then each attribute that is set, in Flagger's order.
     */
    public String setCookie(String nameValue, long maxAgeSeconds) {
        StringBuilder b = new StringBuilder(nameValue).append("; Max-Age=").append(maxAgeSeconds);
        domain.ifPresent(d -> b.append("; Domain=").append(d));
        if (httpOnly) b.append("; HttpOnly");
        if (partitioned) b.append("; Partitioned");
        path.ifPresent(p -> b.append("; Path=").append(p));
        sameSite.ifPresent(s -> b.append("; SameSite=").append(s));
        if (secure) b.append("; Secure");
        return b.toString();
    }

    /** The header that tells a browser to drop {@code nameValue} now (Flagger adds no attributes to it). */
    public static String expire(String nameValue) {
        return nameValue + "; Max-Age=-1";
    }

    /** The Cookie header regular expression that matches a request carrying {@code nameValue}. */
    public static String cookieRegex(String nameValue) {
        int eq = nameValue.indexOf('=');
        return ".*" + nameValue.substring(0, eq) + ".*" + nameValue.substring(eq + 1) + ".*";
    }
}
