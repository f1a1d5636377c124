package dev.flagstep.store;

import dev.flagstep.aws.dynamodb.AttributeValue;
import dev.flagstep.events.MessageLimit;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * DynamoDB's 400 KB item limit (attribute names and values, UTF-8), and how an event item is made to
 * fit it: its message is cut, never the append refused. An event that cannot be recorded is lost
 * history; one with a shortened message is not.
 */
final class ItemSize {

    /** 400 KB is 409,600 bytes; the margin covers DynamoDB's own per-attribute overhead. */
    static final int MAX_BYTES = 400_000;

    private ItemSize() {}

    /** An upper bound of the item's size as DynamoDB counts it. */
    static int of(Map<String, AttributeValue> item) {
        int size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += utf8(e.getKey()) + of(e.getValue());
        }
        return size;
    }

    private static int of(AttributeValue v) {
        return switch (v) {
            case AttributeValue.S s -> utf8(s.value());
            case AttributeValue.N n -> n.value().length() + 1; // at most 21 bytes for 38 digits; the text length + 1 is never less
            case AttributeValue.M m -> 3 + of(m.value());
            case AttributeValue.L l -> 3 + l.value().stream().mapToInt(x -> 1 + of(x)).sum();
            case AttributeValue.SS ss -> ss.value().stream().mapToInt(ItemSize::utf8).sum();
            case AttributeValue.NS ns -> ns.value().stream().mapToInt(n -> n.length() + 1).sum();
            case AttributeValue.Bool b -> 1;
            case AttributeValue.Null n -> 1;
        };
    }

    /** {@code item} with its string attribute {@code attribute} shortened (and marked) until the item fits {@code limit}. */
    static Map<String, AttributeValue> fitted(Map<String, AttributeValue> item, String attribute, int limit) {
        int size = of(item);
        Optional<String> value = Optional.ofNullable(item.get(attribute)).flatMap(AttributeValue::asS);
        if (size <= limit || value.isEmpty()) {
            return item;
        }
        int room = Math.max(0, utf8(value.get()) - (size - limit));
        Map<String, AttributeValue> fitted = new HashMap<>(item);
        fitted.put(attribute, AttributeValue.fromS(MessageLimit.truncate(value.get(), room)));
        return fitted;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
