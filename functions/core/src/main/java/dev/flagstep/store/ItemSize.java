package dev.flagstep.store;

import dev.flagstep.events.MessageLimit;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

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
        if (v.s() != null) {
            return utf8(v.s());
        }
        if (v.n() != null) {
            return v.n().length() + 1; // at most 21 bytes for 38 digits; the text length + 1 is never less
        }
        if (v.b() != null) {
            return v.b().asByteArray().length;
        }
        if (v.hasM()) {
            return 3 + of(v.m());
        }
        if (v.hasL()) {
            return 3 + v.l().stream().mapToInt(x -> 1 + of(x)).sum();
        }
        if (v.hasSs()) {
            return v.ss().stream().mapToInt(ItemSize::utf8).sum();
        }
        if (v.hasNs()) {
            return v.ns().stream().mapToInt(n -> n.length() + 1).sum();
        }
        if (v.hasBs()) {
            return v.bs().stream().mapToInt(b -> b.asByteArray().length).sum();
        }
        return 1; // BOOL, NULL
    }

    /** {@code item} with its string attribute {@code attribute} shortened (and marked) until the item fits {@code limit}. */
    static Map<String, AttributeValue> fitted(Map<String, AttributeValue> item, String attribute, int limit) {
        int size = of(item);
        AttributeValue value = item.get(attribute);
        if (size <= limit || value == null || value.s() == null) {
            return item;
        }
        int room = Math.max(0, utf8(value.s()) - (size - limit));
        Map<String, AttributeValue> fitted = new HashMap<>(item);
        fitted.put(attribute, AttributeValue.fromS(MessageLimit.truncate(value.s(), room)));
        return fitted;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
