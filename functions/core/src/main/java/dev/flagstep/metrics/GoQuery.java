package dev.flagstep.metrics;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Query strings as Go's {@code net/url} reads and writes them, so requests are byte for byte the ones Flagger sends. */
final class GoQuery {

    private GoQuery() {}

    /**
     * Go's {@code url.Values.Encode}: keys sorted, {@code QueryEscape}d (space as {@code +}; only letters,
     * digits and {@code -_.~} unescaped), so the request is the one Flagger's provider sends.
     */
    static String encode(Map<String, String> params) {
        Map<String, List<String>> all = new TreeMap<>();
        params.forEach((k, v) -> all.put(k, List.of(v)));
        return encodeAll(all);
    }

    /** {@link #encode} for keys with several values (kept in their order). */
    static String encodeAll(Map<String, List<String>> params) {
        StringBuilder query = new StringBuilder();
        new TreeMap<>(params).forEach((k, values) -> values.forEach(v -> {
            if (!query.isEmpty()) {
                query.append('&');
            }
            query.append(escape(k)).append('=').append(escape(v));
        }));
        return query.toString();
    }

    private static String escape(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
    }

    /** Go's {@code url.ParseQuery}, which drops pairs it cannot read (empty keys, semicolons, bad escapes). */
    static Map<String, List<String>> parse(String query) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty() || pair.contains(";")) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (!key.isEmpty()) {
                    params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
                }
            } catch (IllegalArgumentException badEscape) {
                // Go skips it too
            }
        }
        return params;
    }
}
