package dev.flagstep.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A request through an HTTPRoute as a Gateway API data plane routes it, as far as the sticky-session tests need:
 * the matching rule with the most header matches wins (Gateway API's precedence for equal paths), a backend is
 * drawn by weight, and the {@code Set-Cookie} headers of the rule's and the backend's filters are the response's.
 */
record HttpRouteClient(JsonNode route) {

    /** Where the request went and the cookies the response set. */
    record Answer(String backend, List<String> setCookies) {
    }

    /**
     * @param cookie the request's {@code Cookie} header, if any
     * @param draw   in [0, 100): the data plane's random draw; weights are laid out in backend order
     */
    Answer send(Optional<String> cookie, int draw) {
        JsonNode best = null;
        int bestHeaders = -1;
        for (JsonNode rule : route.path("spec").path("rules")) {
            int headers = matchedHeaders(rule, cookie);
            if (headers > bestHeaders) {
                best = rule;
                bestHeaders = headers;
            }
        }
        if (best == null) throw new AssertionError("no rule of " + route.path("metadata").path("name") + " matches");
        int total = 0;
        for (JsonNode b : best.path("backendRefs")) total += b.path("weight").asInt(1);
        int point = draw * total / 100;
        JsonNode chosen = null;
        for (JsonNode b : best.path("backendRefs")) {
            point -= b.path("weight").asInt(1);
            if (point < 0) {
                chosen = b;
                break;
            }
        }
        if (chosen == null) throw new AssertionError("no backend with weight in " + best);
        List<String> cookies = new ArrayList<>(setCookies(best.path("filters")));
        cookies.addAll(setCookies(chosen.path("filters")));
        return new Answer(chosen.path("name").asText(), cookies);
    }

    /** How many header matches of the rule's best matching match hold; -1 when none holds. */
    private static int matchedHeaders(JsonNode rule, Optional<String> cookie) {
        if (rule.path("matches").isEmpty()) return 0;
        int best = -1;
        for (JsonNode match : rule.path("matches")) {
            boolean all = true;
            for (JsonNode h : match.path("headers")) {
                if (!"Cookie".equalsIgnoreCase(h.path("name").asText())) throw new AssertionError("unexpected header match " + h);
                String value = h.path("value").asText();
                all &= cookie.isPresent() && ("RegularExpression".equals(h.path("type").asText())
                        ? Pattern.compile(value).matcher(cookie.get()).matches() : value.equals(cookie.get()));
            }
            if (all) best = Math.max(best, match.path("headers").size());
        }
        return best;
    }

    private static List<String> setCookies(JsonNode filters) {
        List<String> out = new ArrayList<>();
        for (JsonNode f : filters) {
            for (JsonNode h : f.path("responseHeaderModifier").path("add")) {
                if ("Set-Cookie".equalsIgnoreCase(h.path("name").asText())) out.add(h.path("value").asText());
            }
        }
        return out;
    }
}
