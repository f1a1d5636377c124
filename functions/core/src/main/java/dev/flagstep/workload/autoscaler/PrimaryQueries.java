package dev.flagstep.workload.autoscaler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;

/**
 * The trigger queries of the primary's ScaledObject (Flagger's {@code setPrimaryScaledObjectQueries}): only each
 * trigger's {@code metadata.query} changes. Pure.
 */
public final class PrimaryQueries {

    private static final String CANARY = "-canary";
    private static final String PRIMARY = "-primary";

    private PrimaryQueries() {}

    /**
     * Rewrites {@code triggers} (the copy's {@code spec.triggers}, changed in place). With {@code primaryScalerQueries}
     * (even empty) each trigger whose {@code name} is a key gets that query and every other trigger keeps its own;
     * without, every query naming the target is {@link #rewrite(String, String) rewritten} for the primary.
     */
    public static void rewrite(JsonNode triggers, String target, Optional<Map<String, String>> primaryScalerQueries) {
        for (JsonNode trigger : triggers) {
            if (!(trigger instanceof ObjectNode t)) continue;
            if (primaryScalerQueries.isPresent()) {
                JsonNode name = t.path("name");
                String query = name.isTextual() ? primaryScalerQueries.get().get(name.textValue()) : null;
                if (query != null) t.withObjectProperty("metadata").put("query", query);
            } else if (t.path("metadata").path("query").isTextual()) {
                String query = t.path("metadata").path("query").textValue();
                ((ObjectNode) t.get("metadata")).put("query", rewrite(query, target));
            }
        }
    }

    /**
     * Every {@code {target}-canary} and {@code {target}} becomes {@code {target}-primary}, as in Flagger (a plain
     * substring match, so {@code podinfo} in {@code podinfo-7d9f.*} and in {@code podinfo-backend} too), except that
     * a {@code {target}-primary} already there stays as it is (Flagger makes it {@code {target}-primary-primary}).
     */
    public static String rewrite(String query, String target) {
        if (target.isEmpty()) return query;
        StringBuilder out = new StringBuilder(query.length() + 16);
        int i = 0;
        while (i < query.length()) {
            if (!query.startsWith(target, i)) {
                out.append(query.charAt(i++));
                continue;
            }
            int after = i + target.length();
            out.append(target).append(PRIMARY);
            if (query.startsWith(PRIMARY, after)) {
                i = after + PRIMARY.length();
            } else if (query.startsWith(CANARY, after)) {
                i = after + CANARY.length();
            } else {
                i = after;
            }
        }
        return out.toString();
    }
}
