package dev.flagstep.phases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.spec.CanaryId;
import java.util.Optional;

/** Reads {@link PhaseInput} and writes {@link PhaseOutput} as the state machine's JSON; no reflection. */
public final class PhaseJson {

    private final ObjectMapper mapper;

    public PhaseJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public PhaseInput read(JsonNode in) {
        JsonNode canary = required(in, "canary");
        return new PhaseInput(
                new CanaryId(text(canary, "namespace"), text(canary, "name")),
                text(in, "runId"),
                in.path("revision").asText(""),
                in.path("intervalSeconds").asInt(60),
                in.path("tick").asText(""),
                Optional.ofNullable(in.get("taskToken")).map(JsonNode::asText),
                Optional.ofNullable(in.get("error")).filter(e -> !e.isNull()));
    }

    public ObjectNode write(PhaseOutput out) {
        ObjectNode node = mapper.createObjectNode();
        ObjectNode canary = node.putObject("canary");
        canary.put("namespace", out.canary().namespace());
        canary.put("name", out.canary().name());
        node.put("runId", out.runId());
        node.put("revision", out.revision());
        node.put("intervalSeconds", out.intervalSeconds());
        node.put("waitSeconds", out.waitSeconds());
        node.put("decision", out.decision());
        // always present, so Rollback and PostRollout can pass $.error on (a caught error replaces it)
        node.putNull("error");
        return node;
    }

    private static JsonNode required(JsonNode in, String field) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("phase input: missing field \"" + field + "\"");
        }
        return v;
    }

    private static String text(JsonNode in, String field) {
        return required(in, field).asText();
    }
}
