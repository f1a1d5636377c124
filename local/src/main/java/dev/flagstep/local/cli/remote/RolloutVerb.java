package dev.flagstep.local.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.local.cli.Args;
import dev.flagstep.spec.CanaryId;
import java.util.Set;

/** {@code flagstep rollout NS/NAME --revision R [--no-supersede]}: {@code POST .../rollouts}. */
final class RolloutVerb implements ApiVerb {

    @Override
    public String name() {
        return "rollout";
    }

    @Override
    public String help() {
        return """
                rollout NS/NAME --revision R
                                             start the rollout of revision R (an image digest, a git sha, a tag)
                    --no-supersede           refuse (exit 1) while another revision rolls out, instead of stopping it
                """;
    }

    @Override
    public Set<String> valued() {
        return Set.of("revision");
    }

    @Override
    public Set<String> flags() {
        return Set.of("no-supersede");
    }

    @Override
    public int run(Invocation in) {
        CanaryId id = in.canary(0, "rollout");
        String revision = in.args().option("revision").orElseThrow(() -> new Args.UsageException("rollout needs --revision R"));
        ObjectNode body = ApiClient.JSON.createObjectNode().put("revision", revision)
                .put("supersede", !in.args().flag("no-supersede"));
        JsonNode answer = in.api().postJson(Invocation.path(id) + "/rollouts", body).body();
        if (in.printedJson(answer)) {
            return 0;
        }
        boolean started = answer.path("status").asText().equals("started");
        in.out().println("rollout of " + revision + " on " + id + (started ? " started" : " already started (a revision is analysed once)")
                + ": run " + answer.path("runId").asText());
        if (answer.path("superseded").size() > 0) {
            StringBuilder s = new StringBuilder();
            answer.path("superseded").forEach(r -> s.append(s.isEmpty() ? "" : ", ").append(r.asText()));
            in.out().println("superseded: " + s);
        }
        return 0;
    }
}
