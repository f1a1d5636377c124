package dev.flagstep.webhook;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Flagger's {@code CanaryWebhookPayload}. {@link #toJson()} gives exactly the bytes Go's
 * {@code json.Marshal} gives for it: fields in the order name, namespace, phase, checksum, metadata;
 * metadata keys sorted, and left out when empty ({@code omitempty}); HTML-safe escaping; no newline.
 */
public record WebhookPayload(String name, String namespace, CanaryPhase phase, String checksum, Map<String, String> metadata) {

    /** Keys Flagger sets on every event payload; a hook's own metadata cannot override them. */
    public static final String EVENT_MESSAGE = "eventMessage";
    public static final String EVENT_TYPE = "eventType";
    public static final String TIMESTAMP = "timestamp";
    private static final Set<String> EVENT_KEYS = Set.of(EVENT_MESSAGE, EVENT_TYPE, TIMESTAMP);

    public WebhookPayload {
        metadata = Map.copyOf(metadata);
    }

    /** The body of a call to a hook of {@code hook.type()}, with the phase Flagger hard-codes for that type. */
    public static WebhookPayload forHook(CanaryId canary, Webhook hook, CanaryPhase current, String checksum) {
        return new WebhookPayload(canary.name(), canary.namespace(),
                HookPhases.phaseSent(hook.type(), current), checksum, hook.metadata());
    }

    /**
     * The body Flagger's {@code CallEventWebhook} sends: the event's phase, and metadata that always
     * holds eventMessage, eventType and timestamp (epoch milliseconds, decimal). The timestamp is the
     * event's own time, not the delivery time, because delivery may be asynchronous here.
     */
    public static WebhookPayload forEvent(CanaryEvent event, Webhook hook) {
        Map<String, String> metadata = new HashMap<>();
        hook.metadata().forEach((k, v) -> {
            if (!EVENT_KEYS.contains(k)) {
                metadata.put(k, v);
            }
        });
        metadata.put(EVENT_MESSAGE, event.message());
        metadata.put(EVENT_TYPE, event.severity().wireName());
        metadata.put(TIMESTAMP, Long.toString(event.timestamp().toEpochMilli()));
        return new WebhookPayload(event.canary().name(), event.canary().namespace(),
                HookPhases.phaseSent(HookType.EVENT, event.phase()), event.checksum(), metadata);
    }

    /** The request body, byte-identical to Flagger's. */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + 64 * metadata.size());
        GoJson.appendRaw(out, "{\"name\":");
        GoJson.appendString(out, name);
        GoJson.appendRaw(out, ",\"namespace\":");
        GoJson.appendString(out, namespace);
        GoJson.appendRaw(out, ",\"phase\":");
        GoJson.appendString(out, phase.wireName());
        GoJson.appendRaw(out, ",\"checksum\":");
        GoJson.appendString(out, checksum);
        if (!metadata.isEmpty()) {
            GoJson.appendRaw(out, ",\"metadata\":{");
            TreeMap<String, String> sorted = new TreeMap<>(GoJson.KEY_ORDER);
            sorted.putAll(metadata);
            boolean first = true;
            for (Map.Entry<String, String> e : sorted.entrySet()) {
                if (!first) {
                    out.write(',');
                }
                first = false;
                GoJson.appendString(out, e.getKey());
                out.write(':');
                GoJson.appendString(out, e.getValue());
            }
            out.write('}');
        }
        out.write('}');
        return out.toByteArray();
    }
}
