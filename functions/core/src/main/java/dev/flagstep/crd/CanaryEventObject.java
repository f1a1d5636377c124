package dev.flagstep.crd;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanaryId;
import java.time.Instant;
import java.util.UUID;

/**
 * A {@link CanaryEvent} as the core/v1 {@code Event} client-go's recorder posts for Flagger
 * ({@code tools/record/event.go}): on the {@code Canary} object (by uid, so {@code kubectl describe canary}
 * finds it), reason {@code Synced} for every event as Flagger, type Normal or Warning, reported by
 * {@value #COMPONENT} where Flagger's say {@code flagger}. Pure.
 */
public final class CanaryEventObject {

    /** {@code source.component} and {@code reportingComponent}: kubectl's "From" column. */
    public static final String COMPONENT = "flagstep";
    /** Flagger records every canary event with this reason. */
    public static final String REASON = "Synced";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int MAX_NAME = 253;

    private CanaryEventObject() {}

    /** The new Event, seen once ({@code count} 1, first = last timestamp = the event's). */
    public static ObjectNode of(CanaryEvent event, String uid, String name) {
        CanaryId canary = event.canary();
        ObjectNode e = JSON.objectNode().put("apiVersion", ResourceKind.EVENT.apiVersion())
                .put("kind", ResourceKind.EVENT.kind());
        e.putObject("metadata").put("name", name).put("namespace", canary.namespace());
        e.putObject("involvedObject")
                .put("apiVersion", ResourceKind.CANARY.apiVersion())
                .put("kind", ResourceKind.CANARY.kind())
                .put("name", canary.name())
                .put("namespace", canary.namespace())
                .put("uid", uid);
        e.put("reason", REASON);
        e.put("message", event.message());
        e.put("type", event.severity().wireName());
        e.putObject("source").put("component", COMPONENT);
        e.put("firstTimestamp", FlaggerStatus.time(event.timestamp()));
        e.put("lastTimestamp", FlaggerStatus.time(event.timestamp()));
        e.put("count", 1);
        e.put("reportingComponent", COMPONENT);
        e.put("reportingInstance", "");
        return e;
    }

    /** The merge patch of an Event seen again, as client-go's correlator sends it: the new count and time. */
    public static ObjectNode seenAgain(int count, Instant at) {
        return JSON.objectNode().put("count", count).put("lastTimestamp", FlaggerStatus.time(at));
    }

    /**
     * client-go's event name: {@code {object name}.{unix nanos in hex}}; a random one when that is no valid
     * object name (a canary name near the 253-character limit).
     */
    public static String name(String canaryName, long unixNanos) {
        String name = canaryName + "." + Long.toHexString(unixNanos);
        return name.length() <= MAX_NAME ? name : UUID.randomUUID().toString();
    }

    /** Nanoseconds since the epoch: what the event name is made of. */
    public static long unixNanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
