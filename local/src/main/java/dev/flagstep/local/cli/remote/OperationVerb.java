package dev.flagstep.local.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.spec.CanaryId;
import java.util.Locale;
import java.util.Set;

/**
 * {@code flagstep promote|abort|pause|resume|retry NS/NAME [--reason R]}: {@code POST .../{operation}}. The API
 * records the caller and reason in the events and the run's history; an operation the rollout's phase does not
 * allow is its 409 (exit 1).
 */
final class OperationVerb implements ApiVerb {

    private final String operation;
    private final String what;

    OperationVerb(String operation, String what) {
        this.operation = operation;
        this.what = what;
    }

    @Override
    public String name() {
        return operation;
    }

    @Override
    public String help() {
        String synopsis = operation + " NS/NAME [--reason R]";
        return String.format(Locale.ROOT, "%-29s%s%n", synopsis, synopsis.length() >= 29 ? "\n" + " ".repeat(29) + what : what);
    }

    @Override
    public Set<String> valued() {
        return Set.of("reason");
    }

    @Override
    public int run(Invocation in) {
        CanaryId id = in.canary(0, operation);
        ApiClient.Answer answer = in.api().postJson(Invocation.path(id) + "/" + operation, in.reasonBody());
        JsonNode a = answer.body();
        if (in.printedJson(a)) {
            return 0;
        }
        if (operation.equals("retry")) {
            in.out().println("retry of " + id + " started: run " + a.path("runId").asText() + ", revision "
                    + a.path("revision").asText() + in.text(a, "retryOf").map(r -> " (retry of " + r + ")").orElse(""));
            return 0;
        }
        boolean again = a.path("status").asText().equals("alreadyRequested");
        in.out().println(operation + " of " + id + (again ? " was already requested" : " requested")
                + in.text(a, "runId").map(r -> " (run " + r + ")").orElse("")
                + (a.path("resumedRollout").asBoolean() ? "; the waiting rollout resumed at once" : ""));
        return 0;
    }
}
