package dev.flagstep.store;

import static dev.flagstep.store.DynamoDbTable.call;
import static dev.flagstep.store.Items.n;

import dev.flagstep.aws.dynamodb.AttributeValue;
import dev.flagstep.aws.dynamodb.ConditionalCheckFailedException;
import dev.flagstep.aws.dynamodb.DynamoDb;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.spec.CanaryId;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@link EventHistory} on the EVENT items of {@link CanaryTable}: one item per event, keyed by its
 * millisecond and a sequence number, expiring (TTL) after the retention.
 */
public final class DynamoDbEventHistory implements EventHistory {

    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
    /** Events of one canary within one millisecond; beyond that something is looping. */
    private static final int MAX_EVENTS_PER_MILLI = 1000;
    /** Which event of which tick an item is: {@link EventHistory#append(CanaryEvent, Optional)}. */
    private static final String TICK_EVENT = "tickEvent";

    private final DynamoDbTable table;
    private final Duration retention;

    public DynamoDbEventHistory(DynamoDb client, String tableName, Duration retention) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("event retention must be positive: " + retention);
        }
        this.table = new DynamoDbTable(client, tableName);
        this.retention = retention;
    }

    @Override
    public void append(CanaryEvent event, Optional<String> tickEvent) {
        CanaryId id = event.canary();
        call("append event", id, () -> {
            long millis = event.timestamp().toEpochMilli();
            long expiresAt = event.timestamp().plus(retention).getEpochSecond();
            for (int seq = 0; seq < MAX_EVENTS_PER_MILLI; seq++) {
                Map<String, AttributeValue> whole = new HashMap<>(Items.key(id, Items.eventSk(millis, seq)));
                whole.putAll(Items.event(event));
                tickEvent.ifPresent(t -> whole.put(TICK_EVENT, Items.s(t)));
                whole.put(CanaryTable.TTL_ATTRIBUTE, n(expiresAt));
                // a message too large for one item is cut, never the event refused
                Map<String, AttributeValue> item = ItemSize.fitted(whole, "message", ItemSize.MAX_BYTES);
                Expr cond = new Expr();
                cond.condition("attribute_not_exists(" + cond.n(CanaryTable.SK) + ")");
                try {
                    table.client.putItem(table.put(item, cond));
                    return null;
                } catch (ConditionalCheckFailedException taken) {
                    // another event of the same millisecond holds this sequence number: take the next
                }
            }
            throw new StoreException("append event", id, "more than " + MAX_EVENTS_PER_MILLI + " events in one millisecond");
        });
    }

    @Override
    public Set<String> tickEvents(CanaryId id, int limit) {
        DynamoDbTable.checkLimit(limit);
        return call("tick events", id, () -> table.query(Map.of(), limit,
                        (from, max) -> table.partitionQuery(id, Items.EVENT, false, from, max))
                .items().stream().map(item -> Items.str(item, TICK_EVENT)).flatMap(Optional::stream)
                .collect(Collectors.toUnmodifiableSet()));
    }

    @Override
    public Page<CanaryEvent> events(CanaryId id, int limit, Optional<String> cursor) {
        DynamoDbTable.checkLimit(limit);
        return call("events", id, () -> {
            Map<String, AttributeValue> start = cursor.map(c -> Cursors.decode(c, Items.EVENT))
                    .map(sk -> Items.key(id, sk))
                    .orElse(Map.of());
            DynamoDbTable.Slice slice = table.query(start, limit,
                    (from, max) -> table.partitionQuery(id, Items.EVENT, false, from, max));
            List<CanaryEvent> events = slice.items().stream().map(item -> Items.event(id, item)).toList();
            Optional<String> next = slice.more()
                    ? Optional.of(Cursors.encode(Items.str(slice.items().getLast(), CanaryTable.SK).orElseThrow()))
                    : Optional.empty();
            return new Page<>(events, next);
        });
    }
}
