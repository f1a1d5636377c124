package dev.flagstep.local.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.spec.Analysis;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code flagstep get NS/NAME} as text, from the API's JSON only (no I/O): the phase, a weight bar against the
 * analysis' maxWeight, failed checks against the threshold, every built-in gate open or closed, the latest run
 * with its Step Functions console link (when the API names the execution's ARN), and the newest events. Ages are
 * counted from {@code now}.
 */
public final class CanaryRenderer {

    static final int BAR_WIDTH = 20;
    public static final int EVENTS_SHOWN = 8;

    private final SpecParser parser = new SpecParser();

    /** One frame: the header line and the rest; {@code run} is the canary's latest run (GET .../runs), if known. */
    public List<String> render(JsonNode canary, Optional<JsonNode> run, Instant now) {
        List<String> lines = new ArrayList<>();
        JsonNode status = canary.path("status");
        JsonNode active = canary.path("activeRun");
        Optional<Analysis> analysis = analysis(canary.path("document").asText(""));
        lines.add(statusLine(canary, now));
        if (!status.isObject()) {
            lines.add("  no rollout yet: flagstep rollout " + id(canary) + " --revision R");
        } else {
            int weight = status.path("canaryWeight").asInt();
            int max = analysis.map(CanaryRenderer::maxWeight).orElse(100);
            lines.add("  weight   " + bar(weight, max) + String.format(Locale.ROOT, " %3d%%", weight)
                    + analysis.map(a -> " (max " + maxWeight(a) + "%" + step(a) + ")").orElse(""));
            lines.add("  checks   " + status.path("failedChecks").asInt() + " failed"
                    + analysis.map(a -> " / threshold " + a.threshold()).orElse("")
                    // iterations count only in A/B and blue/green analyses (analysis.iterations)
                    + analysis.filter(a -> a.iterations() > 0)
                            .map(a -> ", iteration " + Math.max(0, status.path("iterations").asInt()) + " of " + a.iterations())
                            .orElse(""));
        }
        gates(canary.path("gates"), now, lines);
        run.ifPresent(r -> runLines(r, active, now, lines));
        JsonNode events = canary.path("events");
        if (events.isArray() && !events.isEmpty()) {
            lines.add("  events   (newest first)");
            int n = 0;
            for (JsonNode e : events) {
                if (n++ == EVENTS_SHOWN) {
                    break;
                }
                lines.add("    " + event(e, now));
            }
        }
        return lines;
    }

    /** {@code test/podinfo  Progressing  weight 20%  failed 0  revision 6.7.1 running 2m}: the frame's first line. */
    public String statusLine(JsonNode canary, Instant now) {
        return statusLine(canary, Optional.of(now));
    }

    /** As {@link #statusLine(JsonNode, Instant)}; without {@code now}, no age (a line that changes only with the status). */
    public String statusLine(JsonNode canary, Optional<Instant> now) {
        JsonNode status = canary.path("status");
        JsonNode active = canary.path("activeRun");
        StringBuilder s = new StringBuilder(id(canary));
        if (status.isObject()) {
            s.append("  ").append(status.path("phase").asText("?"));
            s.append("  weight ").append(status.path("canaryWeight").asInt()).append('%');
            s.append("  failed ").append(status.path("failedChecks").asInt());
        } else {
            s.append("  (no status)");
        }
        if (active.isObject()) {
            s.append("  revision ").append(active.path("revision").asText()).append(" running");
            now.ifPresent(n -> s.append(' ').append(age(active.path("since").asText(""), n)));
        } else {
            s.append("  idle");
        }
        return s.toString();
    }

    /** One event: its age, type and message (phase and weight are in the message Flagger writes). */
    public static String event(JsonNode e, Instant now) {
        return String.format(Locale.ROOT, "%-5s %-7s %s", age(e.path("timestamp").asText(""), now),
                e.path("type").asText(""), e.path("message").asText(""));
    }

    /** {@code [########|-----------]}: the canary's weight in {@value #BAR_WIDTH} cells, '|' at maxWeight. */
    static String bar(int weight, int max) {
        int filled = Math.round(Math.clamp(weight, 0, 100) * BAR_WIDTH / 100f);
        int maxCell = Math.round(Math.clamp(max, 0, 100) * BAR_WIDTH / 100f);
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < BAR_WIDTH; i++) {
            b.append(i < filled ? '#' : i == maxCell && max < 100 ? '|' : '-');
        }
        return b.append(']').toString();
    }

    /** {@code 45s}, {@code 3m}, {@code 2h}, {@code 4d}: how long ago {@code timestamp} was. */
    static String age(String timestamp, Instant now) {
        Instant t;
        try {
            t = Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return "?";
        }
        long s = Math.max(0, Duration.between(t, now).toSeconds());
        if (s < 120) {
            return s + "s";
        }
        if (s < 120 * 60) {
            return s / 60 + "m";
        }
        if (s < 48 * 3600) {
            return s / 3600 + "h";
        }
        return s / 86400 + "d";
    }

    /** The Step Functions console page of an execution; none for the local runtime's (region "local"). */
    public static Optional<String> consoleLink(String executionArn) {
        String[] p = executionArn.split(":");
        if (p.length < 7 || !p[0].equals("arn") || !p[2].equals("states") || p[3].isEmpty() || p[3].equals("local")) {
            return Optional.empty();
        }
        String region = p[3];
        String host = p[1].equals("aws-cn") ? "console.amazonaws.cn" : region + ".console.aws.amazon.com";
        return Optional.of("https://" + host + "/states/home?region=" + region + "#/v2/executions/details/" + executionArn);
    }

    private static void gates(JsonNode gates, Instant now, List<String> lines) {
        if (!gates.isObject() || gates.isEmpty()) {
            return;
        }
        String label = "  gates    ";
        for (Iterator<Map.Entry<String, JsonNode>> it = gates.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> g = it.next();
            JsonNode v = g.getValue();
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-25s %s", g.getKey(), v.path("open").asBoolean() ? "open" : "closed"));
            if (v.hasNonNull("who")) {
                s.append(" by ").append(v.path("who").asText());
                if (v.hasNonNull("when")) {
                    s.append(' ').append(age(v.path("when").asText(), now)).append(" ago");
                }
                if (!v.path("why").asText("").isEmpty()) {
                    s.append(": \"").append(v.path("why").asText()).append('"');
                }
            }
            if (v.path("rolloutWaiting").asBoolean()) {
                s.append("  <- rollout waiting").append(v.hasNonNull("waitingSince")
                        ? " " + age(v.path("waitingSince").asText(), now) : "");
            }
            lines.add(label + s);
            label = "           ";
        }
    }

    private static void runLines(JsonNode run, JsonNode active, Instant now, List<String> lines) {
        boolean running = active.isObject() && active.path("runId").asText().equals(run.path("runId").asText());
        StringBuilder s = new StringBuilder("  run      ").append(run.path("runId").asText()).append("  revision ")
                .append(run.path("revision").asText());
        if (running) {
            s.append("  running since ").append(age(run.path("startedAt").asText(""), now));
        } else if (run.hasNonNull("result")) {
            s.append("  ").append(run.path("result").asText());
            if (run.hasNonNull("durationSeconds")) {
                s.append(" after ").append(Invocation.duration(run.path("durationSeconds").asLong()));
            }
            if (run.hasNonNull("endedAt")) {
                s.append(", ").append(age(run.path("endedAt").asText(), now)).append(" ago");
            }
        }
        lines.add(s.toString());
        if (run.hasNonNull("executionArn")) {
            consoleLink(run.path("executionArn").asText()).ifPresent(link -> lines.add("  console  " + link));
        }
    }

    private Optional<Analysis> analysis(String document) {
        if (document.isBlank()) {
            return Optional.empty();
        }
        try {
            return parser.parse(document) instanceof SpecResult.Valid v ? v.document().canary().analysis() : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty(); // a document this CLI's parser does not know: show what the status says
        }
    }

    private static int maxWeight(Analysis a) {
        return a.stepWeights().isEmpty() ? a.maxWeight() : a.stepWeights().getLast();
    }

    private static String step(Analysis a) {
        return a.stepWeights().isEmpty() ? ", step " + a.stepWeight() + "%" : ", steps " + a.stepWeights();
    }

    static String id(JsonNode canary) {
        return canary.path("namespace").asText() + "/" + canary.path("name").asText();
    }
}
