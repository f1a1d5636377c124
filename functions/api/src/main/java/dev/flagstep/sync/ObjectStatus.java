package dev.flagstep.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.StatusCondition;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reading Flagger's fields from a Canary object's {@code status} (written by Flagger, or by flagstep). */
final class ObjectStatus {

    static final String STALLED = "Stalled";

    private ObjectStatus() {}

    /** The phase written on the object; empty when there is none or it is not one of Flagger's. */
    static Optional<CanaryPhase> phase(JsonNode status) {
        String wire = status.path("phase").asText("");
        return wire.isEmpty() ? Optional.empty() : CanaryPhase.fromWire(wire);
    }

    static int number(JsonNode status, String field) {
        return status.path(field).asInt(0);
    }

    static String text(JsonNode status, String field) {
        return status.path(field).asText("");
    }

    static Optional<Instant> time(JsonNode node, String field) {
        String t = node.path(field).asText("");
        if (t.isEmpty()) return Optional.empty();
        try {
            return Optional.of(Instant.parse(t));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The object's conditions of one type. */
    static List<JsonNode> conditions(JsonNode status, String type) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode c : status.path("conditions")) {
            if (type.equals(c.path("type").asText())) out.add(c);
        }
        return out;
    }

    /** The object's conditions as flagstep keeps them (times it cannot read become {@code fallback}). */
    static List<StatusCondition> promotedConditions(JsonNode status, Instant fallback) {
        return conditions(status, dev.flagstep.analysis.StatusConditions.PROMOTED).stream()
                .map(c -> new StatusCondition(c.path("type").asText(), c.path("status").asText(""),
                        c.path("reason").asText(""), c.path("message").asText(""),
                        time(c, "lastUpdateTime").orElse(fallback), time(c, "lastTransitionTime").orElse(fallback)))
                .toList();
    }
}
