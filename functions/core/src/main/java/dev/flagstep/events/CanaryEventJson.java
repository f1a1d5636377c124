package dev.flagstep.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.spec.CanaryId;
import java.time.Instant;

/**
 * The EventBridge {@code detail} of a canary event: Flagger's event webhook payload (name,
 * namespace, phase, checksum, metadata{eventMessage, eventType, timestamp as epoch-millis string}),
 * so consumers already written for Flagger's event hooks read it unchanged, plus flagstep's
 * canaryWeight, failedChecks and runId (Flagger #613 asks for the weight in the payload).
 */
public final class CanaryEventJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CanaryEventJson() {}

    public static ObjectNode detail(CanaryEvent event) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", event.canary().name());
        node.put("namespace", event.canary().namespace());
        node.put("phase", event.phase().wireName());
        node.put("checksum", orEmpty(event.checksum()));
        ObjectNode metadata = node.putObject("metadata");
        metadata.put("eventMessage", orEmpty(event.message()));
        metadata.put("eventType", event.severity().wireName());
        metadata.put("timestamp", Long.toString(event.timestamp().toEpochMilli()));
        node.put("canaryWeight", event.canaryWeight());
        node.put("failedChecks", event.failedChecks());
        node.put("runId", orEmpty(event.runId()));
        return node;
    }

    public static String detailJson(CanaryEvent event) {
        try {
            return JSON.writeValueAsString(detail(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write event detail", e); // a tree of strings and numbers always writes
        }
    }

    /**
     * Reads a detail back (what a rule on the bus delivers to its target).
     *
     * @throws IllegalArgumentException if it is not a canary event detail
     */
    public static CanaryEvent fromDetail(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event detail is not JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode metadata = node.path("metadata");
        String name = required(node, "name");
        String namespace = required(node, "namespace");
        String phase = required(node, "phase");
        String eventType = required(metadata, "eventType");
        return new CanaryEvent(
                new CanaryId(namespace, name),
                eventType.equals(Message.Severity.WARNING.wireName())
                        ? Message.Severity.WARNING : Message.Severity.NORMAL,
                metadata.path("eventMessage").asText(""),
                CanaryPhase.fromWire(phase).orElseThrow(() -> new IllegalArgumentException("unknown phase: " + phase)),
                Instant.ofEpochMilli(parseMillis(required(metadata, "timestamp"))),
                node.path("canaryWeight").asInt(0),
                node.path("failedChecks").asInt(0),
                node.path("runId").asText(""),
                node.path("checksum").asText(""));
    }

    private static String required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("event detail has no string field " + field);
        }
        return value.asText();
    }

    private static long parseMillis(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metadata.timestamp is not epoch milliseconds: " + value, e);
        }
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
