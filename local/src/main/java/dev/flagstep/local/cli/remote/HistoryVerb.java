package dev.flagstep.local.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.spec.CanaryId;
import java.util.Locale;
import java.util.Set;

/**
 * {@code flagstep history NS/NAME}: past runs, newest first ({@code GET .../runs}), with result, duration, who
 * opened which gate and who promoted, aborted, paused, resumed or retried, and why.
 */
final class HistoryVerb implements ApiVerb {

    @Override
    public String name() {
        return "history";
    }

    @Override
    public String help() {
        return """
                history NS/NAME              past runs: revision, result, start, duration, who approved and operated
                    --limit N, --cursor C    a page of N runs (default 20)
                """;
    }

    @Override
    public Set<String> valued() {
        return Set.of("limit", "cursor");
    }

    @Override
    public int run(Invocation in) {
        CanaryId id = in.canary(0, "history");
        JsonNode page = in.api().get(Invocation.path(id) + "/runs" + Paging.query(in)).body();
        if (in.printedJson(page)) {
            return 0;
        }
        if (page.path("runs").isEmpty()) {
            in.out().println("no runs of " + id + " yet");
            return 0;
        }
        in.out().printf(Locale.ROOT, "%-40s %-16s %-10s %-21s %s%n", "RUN", "REVISION", "RESULT", "STARTED", "DURATION");
        for (JsonNode r : page.path("runs")) {
            in.out().printf(Locale.ROOT, "%-40s %-16s %-10s %-21s %s%n", r.path("runId").asText(), r.path("revision").asText(),
                    r.hasNonNull("result") ? r.path("result").asText() : "running", Invocation.seconds(r.path("startedAt").asText()),
                    r.hasNonNull("durationSeconds") ? Invocation.duration(r.path("durationSeconds").asLong()) : "-");
            in.text(r, "retryOf").ifPresent(o -> in.out().println("    retry of " + o));
            for (JsonNode a : r.path("approvals")) {
                in.out().println("    approved " + a.path("gate").asText() + " by " + a.path("who").asText() + " at "
                        + Invocation.seconds(a.path("when").asText()) + reason(a.path("why").asText("")));
            }
            for (JsonNode o : r.path("operations")) {
                in.out().println("    " + o.path("operation").asText() + " by " + o.path("who").asText() + " at "
                        + Invocation.seconds(o.path("when").asText()) + reason(o.path("reason").asText("")));
            }
        }
        Paging.next(in, page);
        return 0;
    }

    private static String reason(String r) {
        return r.isEmpty() ? "" : ": \"" + r + "\"";
    }
}
