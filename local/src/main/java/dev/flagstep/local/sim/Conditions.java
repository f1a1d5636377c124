package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Status conditions as controllers write them. Times are carried over from the condition already there when
 * nothing about it changed, as real controllers do: it keeps an unchanged status byte-identical (so the loop
 * writes nothing) and keeps {@code lastUpdateTime} of an unavailable Deployment at the moment it became so,
 * which is what a progress deadline is measured from.
 */
final class Conditions {

    private Conditions() {
    }

    static Optional<JsonNode> find(JsonNode conditions, String type) {
        for (JsonNode c : conditions) if (type.equals(c.path("type").asText())) return Optional.of(c);
        return Optional.empty();
    }

    /** Kubernetes timestamps have second precision. */
    static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** A Deployment condition: lastUpdateTime and lastTransitionTime. */
    static void deployment(ArrayNode into, JsonNode previous, String type, boolean status, String reason, String message, Instant now) {
        Optional<JsonNode> old = find(previous, type);
        String s = status ? "True" : "False";
        boolean sameStatus = old.filter(o -> s.equals(o.path("status").asText())).isPresent();
        boolean same = sameStatus && old.filter(o -> reason.equals(o.path("reason").asText())).isPresent();
        into.addObject().put("type", type).put("status", s)
                .put("lastUpdateTime", same ? old.get().path("lastUpdateTime").asText(time(now)) : time(now))
                .put("lastTransitionTime", sameStatus ? old.get().path("lastTransitionTime").asText(time(now)) : time(now))
                .put("reason", reason).put("message", message);
    }

    /** A metav1.Condition (Gateway API): observedGeneration and lastTransitionTime. */
    static ObjectNode metav1(JsonNode previous, String type, String reason, String message, long generation, Instant now) {
        Optional<JsonNode> old = find(previous, type);
        boolean sameStatus = old.filter(o -> "True".equals(o.path("status").asText())).isPresent();
        return JsonNodeFactory.instance.objectNode().put("type", type).put("status", "True").put("reason", reason)
                .put("message", message).put("observedGeneration", generation)
                .put("lastTransitionTime", sameStatus ? old.get().path("lastTransitionTime").asText(time(now)) : time(now));
    }
}
