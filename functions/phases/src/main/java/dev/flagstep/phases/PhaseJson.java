package dev.flagstep.phases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.phases.wiring.HistoryBudget;
import dev.flagstep.spec.CanaryId;
import java.util.Optional;
import java.util.OptionalInt;

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
                Optional.ofNullable(in.get("error")).filter(e -> !e.isNull()),
                ticks(in),
                Optional.ofNullable(in.get("execution")).filter(JsonNode::isTextual).map(JsonNode::textValue),
                "resume".equals(in.path("parkOn").asText("")));
    }

    /** As {@link #write(PhaseOutput, HistoryBudget.Spent)}, for an answer that counts no tick (priming). */
    public ObjectNode write(PhaseOutput out) {
        return write(out, new HistoryBudget.Spent(1, Optional.empty()));
    }

    /**
     * The answer, with the run's tick count and, always present so the Choice never meets a missing
     * path, {@code handover}; when it is true, where the next execution resumes and its name.
     */
    public ObjectNode write(PhaseOutput out, HistoryBudget.Spent spent) {
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
        node.put("ticks", spent.ticks());
        node.put("handover", spent.handover().isPresent());
        spent.handover().ifPresent(h -> node.put("resumeAt", h.resumeAt()).put("nextExecution", h.nextExecution()));
        return node;
    }

    /** Absent for the phases that do not count; when given, the state machine's own count. */
    private static OptionalInt ticks(JsonNode in) {
        JsonNode t = in.get("ticks");
        if (t == null) {
            return OptionalInt.empty();
        }
        if (!t.isIntegralNumber() || !t.canConvertToInt() || t.intValue() < 0) {
            throw new IllegalArgumentException("phase input: \"ticks\" must be a whole number >= 0, not " + t);
        }
        return OptionalInt.of(t.intValue());
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
