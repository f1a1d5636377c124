package dev.flagstep.local.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.local.cli.Args;
import dev.flagstep.spec.CanaryId;
import java.io.PrintStream;
import java.util.Optional;

/** One run of an API command: its parsed command line, the API, where it prints, and the machine's environment. */
public record Invocation(Args args, ApiClient api, PrintStream out, PrintStream err, RemoteEnvironment env) {

    /** {@code -o json}: print the API's JSON as it answered, nothing else on stdout. */
    public boolean json() {
        String o = args.option("output").orElse("text");
        return switch (o) {
            case "json" -> true;
            case "text" -> false;
            default -> throw new Args.UsageException("-o takes json or text, got \"" + o + "\"");
        };
    }

    /** The one positional argument NS/NAME (after {@code skip} leading words the command itself takes). */
    public CanaryId canary(int skip, String command) {
        if (args.positional().size() != skip + 1) {
            throw new Args.UsageException(command + " takes NAMESPACE/NAME");
        }
        return parseCanary(args.positional().get(skip));
    }

    /** NAMESPACE/NAME with Kubernetes' name rules: a usage error before any request. */
    public static CanaryId parseCanary(String arg) {
        String[] parts = arg.split("/", 2);
        if (parts.length != 2) {
            throw new Args.UsageException("name a canary as NAMESPACE/NAME, got \"" + arg + "\"");
        }
        if (!CanaryId.isNamespace(parts[0])) {
            throw new Args.UsageException("\"" + parts[0] + "\" is not a namespace (lower-case letters, digits and '-', at most 63)");
        }
        if (!CanaryId.isName(parts[1])) {
            throw new Args.UsageException("\"" + parts[1] + "\" is not a canary name (lower-case letters, digits, '-' and '.', at most 253)");
        }
        return new CanaryId(parts[0], parts[1]);
    }

    public static String path(CanaryId id) {
        return "/canaries/" + id.namespace() + "/" + id.name();
    }

    /** {@code {"reason": R}} when {@code --reason} is given, else {@code {}}. */
    public ObjectNode reasonBody() {
        ObjectNode body = ApiClient.JSON.createObjectNode();
        args.option("reason").ifPresent(r -> body.put("reason", r));
        return body;
    }

    /** Prints the answer's JSON (-o json) and answers true, or answers false for the command's own text. */
    public boolean printedJson(JsonNode answer) {
        if (json()) {
            out.println(answer.toString());
            return true;
        }
        return false;
    }

    public Optional<String> text(JsonNode node, String field) {
        return Optional.ofNullable(node.get(field)).filter(n -> !n.isNull()).map(JsonNode::asText);
    }

    /** {@code 42s}, {@code 5m 3s}, {@code 2h 10m}. */
    public static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m " + seconds % 60 + "s";
        }
        return seconds / 3600 + "h " + seconds % 3600 / 60 + "m";
    }

    /** {@code 2026-11-24T06:01:00Z}: a timestamp to the second (the API's has nanoseconds). */
    static String seconds(String timestamp) {
        try {
            return java.time.Instant.parse(timestamp).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        } catch (java.time.format.DateTimeParseException e) {
            return timestamp;
        }
    }

}
