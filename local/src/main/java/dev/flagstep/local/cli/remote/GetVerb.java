package dev.flagstep.local.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.local.cli.Args;
import dev.flagstep.spec.CanaryId;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** {@code flagstep get NS/NAME [-w]}: the canary at a glance ({@link CanaryRenderer}), or live ({@link Watch}). */
final class GetVerb implements ApiVerb {

    static final int DEFAULT_INTERVAL_SECONDS = 2;

    @Override
    public String name() {
        return "get";
    }

    @Override
    public String help() {
        return """
                get NS/NAME                  phase, weight bar, failed checks / threshold, gates, the run (with its
                                             Step Functions console link on AWS), the latest events
                    -w, --watch              live: redrawn in place on a terminal, plain lines when piped; ends with
                                             the rollout (exit 1 if it failed) or Ctrl-C
                    --interval S             seconds between two polls with -w (default 2)
                """;
    }

    @Override
    public Set<String> valued() {
        return Set.of("interval");
    }

    @Override
    public Set<String> flags() {
        return Set.of("watch");
    }

    @Override
    public int run(Invocation in) {
        CanaryId id = in.canary(0, "get");
        boolean json = in.json();
        if (in.args().flag("watch")) {
            int seconds = in.args().intOption("interval", DEFAULT_INTERVAL_SECONDS);
            return new Watch(in, id, Terminal.of(in.out(), in.env().terminal()), Duration.ofSeconds(seconds)).run();
        }
        if (in.args().option("interval").isPresent()) {
            throw new Args.UsageException("--interval is for get -w");
        }
        JsonNode canary = in.api().get(Invocation.path(id)).body();
        if (json) {
            in.out().println(canary.toString());
            return 0;
        }
        new CanaryRenderer().render(canary, latestRun(in.api(), id), in.env().clock().instant()).forEach(in.out()::println);
        return 0;
    }

    /**
     * The canary's latest run ({@code GET .../runs?limit=1}), for its result and execution ARN; empty where the API
     * has no runs route (an older stack): {@code get} then shows what the canary's own answer has.
     */
    static Optional<JsonNode> latestRun(ApiClient api, CanaryId id) {
        try {
            JsonNode runs = api.get(Invocation.path(id) + "/runs?limit=1").body().path("runs");
            return runs.isArray() && !runs.isEmpty() ? Optional.of(runs.get(0)) : Optional.empty();
        } catch (ApiFailure.Refused e) {
            if (e.status() == 404 || e.status() == 405 || e.status() == 403) { // no such route, or a caller without it
                return Optional.empty();
            }
            throw e;
        }
    }
}
