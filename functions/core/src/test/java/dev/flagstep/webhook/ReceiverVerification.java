package dev.flagstep.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver's check of {@code X-Flagstep-Signature}, written the way docs/security.md tells
 * receivers to write it (independently of {@link SigningSecret}): parse {@code t} and {@code v1},
 * refuse a timestamp outside the tolerance, recompute HMAC-SHA256 over {@code "{t}." + body}, and
 * compare in constant time.
 */
final class ReceiverVerification {

    static final Duration TOLERANCE = Duration.ofMinutes(5);

    private ReceiverVerification() {}

    static boolean verifies(String header, byte[] key, byte[] body, Instant now) {
        String t = null;
        String v1 = null;
        for (String part : header.split(",")) {
            String[] kv = part.strip().split("=", 2);
            if (kv.length == 2 && kv[0].equals("t")) {
                t = kv[1];
            } else if (kv.length == 2 && kv[0].equals("v1")) {
                v1 = kv[1];
            }
        }
        if (t == null || v1 == null || !t.matches("[0-9]{1,12}")) {
            return false;
        }
        if (Duration.between(Instant.ofEpochSecond(Long.parseLong(t)), now).abs().compareTo(TOLERANCE) > 0) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            byte[] expected = HexFormat.of().formatHex(mac.doFinal(body)).getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(expected, v1.getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The timestamp of a header, for tests that check where it came from. */
    static long timestamp(String header) {
        for (String part : header.split(",")) {
            if (part.strip().startsWith("t=")) {
                return Long.parseLong(part.strip().substring(2));
            }
        }
        throw new IllegalArgumentException("no t= in " + header);
    }
}
