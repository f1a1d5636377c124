package dev.flagstep.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.aws.AwsException;
import dev.flagstep.aws.AwsJsonClient;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts canary events on an EventBridge bus: source {@code flagstep}, detail-type
 * {@code Canary Event}, detail {@link CanaryEventJson}. PutEvents takes at most 10 entries and may
 * fail some of them (FailedEntryCount > 0) while accepting the rest, so only the failed entries are
 * sent again, a bounded number of times with exponential backoff, then reported.
 */
public final class EventBridgePublisher implements EventPublisher {

    public static final String SOURCE = "flagstep";
    public static final String DETAIL_TYPE = "Canary Event";
    static final int MAX_ENTRIES = 10;
    private static final System.Logger LOG = System.getLogger(EventBridgePublisher.class.getName());

    private final AwsJsonClient client;
    private final String eventBusName;
    private final int maxAttempts;
    private final Duration initialBackoff;

    public EventBridgePublisher(AwsJsonClient client, String eventBusName, int maxAttempts, Duration initialBackoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
        }
        this.client = client;
        this.eventBusName = eventBusName;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
    }

    /** Three attempts, 100 ms then 200 ms apart: short, as a phase Lambda is waiting. */
    public EventBridgePublisher(AwsJsonClient client, String eventBusName) {
        this(client, eventBusName, 3, Duration.ofMillis(100));
    }

    @Override
    public PublishResult publish(List<CanaryEvent> events) {
        PublishResult result = PublishResult.none();
        for (int i = 0; i < events.size(); i += MAX_ENTRIES) {
            result = result.plus(publishBatch(events.subList(i, Math.min(i + MAX_ENTRIES, events.size()))));
        }
        for (PublishResult.Failure failure : result.failures()) {
            LOG.log(Level.WARNING, "event for {0} not delivered to EventBridge bus {1}: {2}",
                    failure.event().canary(), eventBusName, failure.reason());
        }
        return result;
    }

    private record Pending(CanaryEvent event, ObjectNode entry, String lastError) {}

    private PublishResult publishBatch(List<CanaryEvent> batch) {
        List<Pending> pending = new ArrayList<>();
        for (CanaryEvent event : batch) {
            pending.add(new Pending(event, entry(event), "not sent"));
        }
        int delivered = 0;
        for (int attempt = 1; attempt <= maxAttempts && !pending.isEmpty(); attempt++) {
            if (attempt > 1 && !sleep(initialBackoff.multipliedBy(1L << (attempt - 2)))) {
                break;
            }
            List<Pending> sending = pending;
            try {
                ObjectNode request = client.object();
                ArrayNode entries = request.putArray("Entries");
                sending.forEach(p -> entries.add(p.entry()));
                JsonNode results = client.call("PutEvents", request).path("Entries");
                List<Pending> failed = new ArrayList<>();
                for (int i = 0; i < sending.size(); i++) {
                    // results are in request order; a missing result counts as a failure to retry
                    JsonNode r = results.path(i);
                    if (r.isObject() && !r.hasNonNull("ErrorCode") && r.hasNonNull("EventId")) {
                        delivered++;
                    } else {
                        String reason = !r.isObject() ? "no result entry"
                                : r.path("ErrorCode").asText("null") + ": " + r.path("ErrorMessage").asText("null");
                        failed.add(new Pending(sending.get(i).event(), sending.get(i).entry(), reason));
                    }
                }
                pending = failed;
            } catch (AwsException e) {
                String reason = "PutEvents failed: " + e.getMessage();
                pending = sending.stream().map(p -> new Pending(p.event(), p.entry(), reason)).toList();
                if (!worthRetrying(e)) {
                    break; // access denied, no such bus, bad request: the same call fails the same way again
                }
            }
        }
        List<PublishResult.Failure> failures = pending.stream()
                .map(p -> new PublishResult.Failure(p.event(), "eventbridge:" + eventBusName,
                        p.lastError()))
                .toList();
        return new PublishResult(delivered, failures);
    }

    /** Network trouble, throttling and 5xx may pass on a later try; other service errors will not. */
    private static boolean worthRetrying(AwsException e) {
        return e.retryable() || e.status() >= 500;
    }

    private ObjectNode entry(CanaryEvent event) {
        ObjectNode entry = client.object()
                .put("EventBusName", eventBusName)
                .put("Source", SOURCE)
                .put("DetailType", DETAIL_TYPE)
                .put("Detail", CanaryEventJson.detailJson(event));
        entry.put("Time", AwsJsonClient.epochSeconds(event.timestamp()));
        return entry;
    }

    /** False if interrupted: give up retrying, keep the interrupt, report what is left. */
    private static boolean sleep(Duration duration) {
        try {
            Thread.sleep(duration);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
