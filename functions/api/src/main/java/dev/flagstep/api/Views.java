package dev.flagstep.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.StatusCondition;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.ActiveRun;
import dev.flagstep.store.Gate;
import dev.flagstep.store.Versioned;

/** The JSON shapes the API answers with (docs/api.md documents each), written field by field. */
final class Views {

    private final ObjectMapper json;

    Views(ObjectMapper json) {
        this.json = json;
    }

    ObjectNode object() {
        return json.createObjectNode();
    }

    ObjectNode canary(ObjectNode into, CanaryId id) {
        into.put("namespace", id.namespace());
        into.put("name", id.name());
        return into;
    }

    ObjectNode status(Versioned<CanaryStatus> versioned) {
        CanaryStatus s = versioned.value();
        ObjectNode o = object();
        o.put("phase", s.phase().wireName());
        o.put("canaryWeight", s.canaryWeight());
        o.put("failedChecks", s.failedChecks());
        o.put("iterations", s.iterations());
        o.put("checksum", s.checksum());
        o.put("lastTransitionTime", s.lastTransitionTime().toString());
        if (!s.trackedConfigs().isEmpty()) {
            ObjectNode configs = o.putObject("trackedConfigs");
            s.trackedConfigs().forEach(configs::put);
        }
        var conditions = o.putArray("conditions");
        for (StatusCondition c : s.conditions()) {
            conditions.addObject()
                    .put("type", c.type()).put("status", c.status()).put("reason", c.reason())
                    .put("message", c.message())
                    .put("lastUpdateTime", c.lastUpdateTime().toString())
                    .put("lastTransitionTime", c.lastTransitionTime().toString());
        }
        o.put("version", versioned.version());
        return o;
    }

    ObjectNode activeRun(ActiveRun run) {
        return object().put("runId", run.runId()).put("revision", run.revision()).put("since", run.since().toString());
    }

    ObjectNode gate(String type, Gate g) {
        ObjectNode o = object().put("type", type).put("open", g.open());
        g.who().ifPresent(v -> o.put("who", v));
        g.why().ifPresent(v -> o.put("why", v));
        g.when().ifPresent(v -> o.put("when", v.toString()));
        o.put("rolloutWaiting", g.waitingTaskToken().isPresent());
        g.waitingSince().ifPresent(v -> o.put("waitingSince", v.toString()));
        return o;
    }

    ObjectNode event(CanaryEvent e) {
        return object()
                .put("timestamp", e.timestamp().toString())
                .put("type", e.severity().wireName())
                .put("message", e.message())
                .put("phase", e.phase().wireName())
                .put("canaryWeight", e.canaryWeight())
                .put("failedChecks", e.failedChecks())
                .put("runId", e.runId());
    }
}
