package dev.flagstep.local.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.spec.CanaryId;
import java.util.Locale;
import java.util.Set;

/**
 * {@code flagstep events NS/NAME [--run RUN] [--limit N] [--cursor C]}: the canary's events, newest first
 * ({@code GET .../events}); {@code --limit} and {@code --cursor} page through them.
 */
final class EventsVerb implements ApiVerb {

    @Override
    public String name() {
        return "events";
    }

    @Override
    public String help() {
        return """
                events NS/NAME               the canary's events, newest first
                    --run RUN                only those of one run
                    --limit N, --cursor C    a page of N (default 20); the next page's cursor is printed last
                """;
    }

    @Override
    public Set<String> valued() {
        return Set.of("run", "limit", "cursor");
    }

    /**
     * {@code GET .../events}; where the API has no such route (a stack deployed before it), the 20 newest events of
     * {@code GET /canaries/{ns}/{name}} (a 404 there is the canary's own: unknown).
     */
    private static JsonNode page(Invocation in, CanaryId id) {
        try {
            return in.api().get(Invocation.path(id) + "/events" + Paging.query(in, "run", "runId")).body();
        } catch (ApiFailure.Refused e) {
            if (e.status() != 404 || in.args().option("cursor").isPresent() || in.args().option("run").isPresent()) {
                throw e;
            }
            JsonNode canary = in.api().get(Invocation.path(id)).body();
            return ApiClient.JSON.createObjectNode().set("events", canary.path("events"));
        }
    }

    @Override
    public int run(Invocation in) {
        CanaryId id = in.canary(0, "events");
        JsonNode page = page(in, id);
        if (in.printedJson(page)) {
            return 0;
        }
        if (page.path("events").isEmpty()) {
            in.out().println("no events for " + id);
        }
        for (JsonNode e : page.path("events")) {
            in.out().printf(Locale.ROOT, "%-20s %-7s %-20s %3s%%  %s%n", Invocation.seconds(e.path("timestamp").asText()), e.path("type").asText(),
                    e.path("phase").asText(), e.path("canaryWeight").asText(), e.path("message").asText());
        }
        Paging.next(in, page);
        return 0;
    }
}
