package dev.flagstep.local.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.local.cli.Args;
import dev.flagstep.spec.CanaryId;
import java.util.Set;

/** {@code flagstep gate open|close NS/NAME TYPE [--reason R]}: a built-in gate, {@code POST .../gates/{TYPE}/{action}}. */
final class GateVerb implements ApiVerb {

    @Override
    public String name() {
        return "gate";
    }

    @Override
    public String help() {
        return """
                gate open|close NS/NAME TYPE [--reason R]
                                             open or close a built-in gate: confirm-rollout, confirm-traffic-increase,
                                             confirm-promotion, rollback (a rollout waiting on it resumes at once)
                """;
    }

    @Override
    public Set<String> valued() {
        return Set.of("reason");
    }

    @Override
    public int run(Invocation in) {
        var p = in.args().positional();
        if (p.size() != 3 || !(p.get(0).equals("open") || p.get(0).equals("close"))) {
            throw new Args.UsageException("gate takes open|close NAMESPACE/NAME TYPE, e.g. gate open test/podinfo confirm-promotion");
        }
        String action = p.get(0);
        CanaryId id = Invocation.parseCanary(p.get(1));
        String type = p.get(2);
        JsonNode a = in.api().postJson(Invocation.path(id) + "/gates/" + ListVerb.enc(type) + "/" + action, in.reasonBody()).body();
        if (in.printedJson(a)) {
            return 0;
        }
        in.out().println("gate " + type + " of " + id + (a.path("open").asBoolean() ? " open" : " closed")
                + (a.path("resumedRollout").asBoolean() ? "; the waiting rollout resumed at once" : ""));
        return 0;
    }
}
