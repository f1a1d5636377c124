package dev.flagstep.local.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The table printed when rollouts end: per rollout, its result, phases with timings, weights, checks, hooks. */
final class Summary {

    private Summary() {}

    /** @param hookCalls per canary (dotted name), the webhook calls its receivers saw, when known */
    static void print(PrintStream out, List<RolloutWatcher.Outcome> outcomes, Optional<Map<String, String>> hookCalls) {
        out.println();
        out.println("Summary");
        for (RolloutWatcher.Outcome o : outcomes) {
            out.printf(Locale.ROOT, "  %s: %s in %.1fs (%s)%n", o.canary().dotted(), o.finalPhase().wireName(),
                    o.took().toMillis() / 1000.0, o.executions() == 1 ? "execution " + o.execution()
                            : o.executions() + " executions, the last " + o.execution());
            o.error().ifPresent(e -> out.println("    error:         " + e));
            out.println("    phases:        " + o.phases().stream()
                    .map(p -> p.phase().wireName() + " " + String.format(Locale.ROOT, "%.1fs", p.took().toMillis() / 1000.0))
                    .collect(Collectors.joining(", ")));
            out.println("    canary weight: " + (o.weights().isEmpty() ? "-" : o.weights().stream()
                    .map(String::valueOf).collect(Collectors.joining(" -> "))));
            out.println("    failed checks: " + o.maxFailedChecks() + "/" + o.threshold());
            hookCalls.map(m -> m.get(o.canary().dotted())).ifPresent(h -> out.println("    hooks called:  " + h));
            out.println("    events:        " + o.events().size() + (o.events().isEmpty() ? ""
                    : ", last: " + o.events().get(o.events().size() - 1).message()));
        }
    }
}
