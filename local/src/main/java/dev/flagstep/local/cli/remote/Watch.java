package dev.flagstep.local.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.spec.CanaryId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code get -w}: polls the canary every {@code interval} and shows each poll on the {@link Terminal} until the
 * rollout it watches ends (its run is no longer active; a superseding run is followed). When no rollout runs at
 * the start, it waits for one. Exit 1 if the rollout ended Failed, else 0; Ctrl-C stops it any time.
 */
final class Watch {

    private final Invocation in;
    private final CanaryId id;
    private final Terminal terminal;
    private final Duration interval;
    private final CanaryRenderer renderer = new CanaryRenderer();

    Watch(Invocation in, CanaryId id, Terminal terminal, Duration interval) {
        this.in = in;
        this.id = id;
        this.terminal = terminal;
        this.interval = interval;
    }

    int run() {
        Optional<String> watched = Optional.empty();
        Optional<JsonNode> run = Optional.empty();
        String runOf = "";
        boolean waitingNoted = false;
        String lastJson = "";
        int failures = 0;
        while (true) {
            JsonNode canary;
            try {
                canary = in.api().get(Invocation.path(id)).body();
                failures = 0;
            } catch (ApiFailure f) {
                // a long watch outlives a network blip or a 503: say so and poll again, up to a point
                if (!transient_(f) || ++failures > MAX_FAILURES) {
                    throw f;
                }
                terminal.note("poll failed (" + failures + " of " + MAX_FAILURES + " in a row): " + f.lines().getFirst() + "; trying again");
                if (!pause()) {
                    return 0;
                }
                continue;
            }
            Optional<String> active = in.text(canary.path("activeRun"), "runId");
            String key = active.orElse("");
            if (!key.equals(runOf) || run.isEmpty()) {
                run = GetVerb.latestRun(in.api(), id); // once per run, and when it ends
                runOf = key;
            }
            if (in.json()) {
                if (!canary.toString().equals(lastJson)) {
                    in.out().println(canary.toString()); // one JSON document a line, when it changed
                    lastJson = canary.toString();
                }
            } else {
                Instant now = in.env().clock().instant();
                terminal.show(new Terminal.Snapshot(renderer.render(canary, run, now), renderer.statusLine(canary, Optional.empty()),
                        plainEvents(canary)));
            }
            if (active.isPresent()) {
                watched = active;
            } else if (watched.isPresent()) {
                return "Failed".equals(canary.path("status").path("phase").asText()) ? ApiFailure.REFUSED : 0;
            } else if (!waitingNoted && !in.json()) {
                terminal.note("no rollout running on " + id + "; waiting for one (Ctrl-C stops)");
                waitingNoted = true;
            }
            if (!pause()) {
                return 0;
            }
        }
    }

    /** Polls in a row that may fail (no answer, a 5xx) before the watch gives up with that failure. */
    static final int MAX_FAILURES = 5;

    private static boolean transient_(ApiFailure f) {
        return f instanceof ApiFailure.Unreachable u && !u.getMessage().startsWith("no AWS credentials")
                || f instanceof ApiFailure.Refused r && r.status() >= 500;
    }

    /** Sleeps the interval; false when interrupted (Ctrl-C). */
    private boolean pause() {
        try {
            in.env().sleeper().sleep(interval);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The events oldest first, with their timestamps (ages change between polls; a line must not). */
    private static List<String> plainEvents(JsonNode canary) {
        List<String> lines = new ArrayList<>();
        for (JsonNode e : canary.path("events")) {
            lines.addFirst(Invocation.seconds(e.path("timestamp").asText()) + "  " + String.format("%-7s", e.path("type").asText()) + " "
                    + e.path("message").asText());
        }
        return lines;
    }
}
