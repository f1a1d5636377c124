package dev.flagstep.events;

import java.nio.charset.StandardCharsets;

/**
 * How much text an event message may carry. Hook and metric failures put response bodies into
 * events ("... external check load-test failed {body}"); an event goes to DynamoDB (400 KB items),
 * EventBridge (256 KB entries) and every event webhook, so a receiver answering megabytes must not
 * be copied there whole. Text past the limit is cut at a character boundary and marked.
 */
public final class MessageLimit {

    /** A few KiB: a whole loadtester error or Prometheus error text fits. */
    public static final int EVENT_MESSAGE_BYTES = 4 * 1024;

    private MessageLimit() {}

    /** {@code text} if its UTF-8 form fits {@code maxBytes}; else its start and a marker, together within {@code maxBytes}. */
    public static String truncate(String text, int maxBytes) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= maxBytes) {
            return text;
        }
        String marker = " ... [truncated: " + utf8.length + " bytes in all]";
        int room = Math.max(0, maxBytes - marker.getBytes(StandardCharsets.UTF_8).length);
        StringBuilder kept = new StringBuilder();
        int used = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (used + size > room) {
                break;
            }
            kept.appendCodePoint(cp);
            used += size;
            i += Character.charCount(cp);
        }
        return kept + marker;
    }
}
