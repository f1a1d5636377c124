package dev.flagstep.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque page cursors: the sort key of the last item returned, base64url-encoded. Only the sort key
 * goes in, and the partition is rebuilt from the request, so a cursor cannot steer a query into
 * another canary's items.
 */
final class Cursors {

    private static final String VERSION = "v1:";

    private Cursors() {}

    static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((VERSION + key).getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException unless the cursor is one of ours and starts with {@code prefix} */
    static String decode(String cursor, String prefix) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid page cursor", e);
        }
        if (!text.startsWith(VERSION) || !text.startsWith(prefix, VERSION.length())) {
            throw new IllegalArgumentException("invalid page cursor");
        }
        return text.substring(VERSION.length());
    }
}
