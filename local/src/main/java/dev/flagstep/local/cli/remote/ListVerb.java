package dev.flagstep.local.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/** {@code flagstep list [-n NAMESPACE]}: every canary with its phase, weight, failed checks and running revision. */
final class ListVerb implements ApiVerb {

    @Override
    public String name() {
        return "list";
    }

    @Override
    public String help() {
        return """
                list [--namespace NS]        every canary: phase, weight, failed checks, the revision rolling out
                """;
    }

    @Override
    public Set<String> valued() {
        return Set.of("namespace");
    }

    @Override
    public int run(Invocation in) {
        ObjectNode all = ApiClient.JSON.createObjectNode();
        ArrayNode canaries = all.putArray("canaries");
        String cursor = "";
        do {
            String query = "?limit=100" + in.args().option("namespace").map(n -> "&namespace=" + enc(n)).orElse("")
                    + (cursor.isEmpty() ? "" : "&cursor=" + enc(cursor));
            JsonNode page = in.api().get("/canaries" + query).body();
            page.path("canaries").forEach(canaries::add);
            cursor = page.path("next").asText("");
        } while (!cursor.isEmpty());
        if (in.printedJson(all)) {
            return 0;
        }
        if (canaries.isEmpty()) {
            in.out().println("no canaries (flagstep apply -f canary.yaml adds one)");
            return 0;
        }
        var now = in.env().clock().instant();
        in.out().printf(Locale.ROOT, "%-32s %-20s %6s %6s  %s%n", "CANARY", "PHASE", "WEIGHT", "FAILED", "ROLLING OUT");
        for (JsonNode c : canaries) {
            JsonNode s = c.path("status");
            JsonNode run = c.path("activeRun");
            in.out().printf(Locale.ROOT, "%-32s %-20s %6s %6s  %s%n", CanaryRenderer.id(c),
                    s.isObject() ? s.path("phase").asText() : "-",
                    s.isObject() ? s.path("canaryWeight").asInt() + "%" : "-",
                    s.isObject() ? String.valueOf(s.path("failedChecks").asInt()) : "-",
                    run.isObject() ? run.path("revision").asText() + " (" + CanaryRenderer.age(run.path("since").asText(""), now) + ")" : "-");
        }
        return 0;
    }

    /** A query value or path segment, percent-encoded as SigV4 canonicalises it (a space is %20, never '+'). */
    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
