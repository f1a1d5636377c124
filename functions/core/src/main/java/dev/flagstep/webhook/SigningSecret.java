package dev.flagstep.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Beyond Flagger (#1192): a secret with which every webhook body is signed, so receivers can tell
 * flagstep's calls from anyone else's and refuse replays. The header is
 * {@code X-Flagstep-Signature: t=<unix seconds>,v1=<lowercase hex HMAC-SHA256 of "<t>.<body bytes>">},
 * Stripe's scheme: the timestamp is part of the signed material, so a receiver that refuses old
 * timestamps (5 minutes is usual) refuses a captured request replayed later. docs/security.md has a
 * receiver's verification, worked through. Off unless a secret is set.
 */
public final class SigningSecret {

    public static final String HEADER = "X-Flagstep-Signature";
    private static final String ALGORITHM = "HmacSHA256";

    private final byte[] key;

    private SigningSecret(byte[] key) {
        if (key.length == 0) {
            throw new IllegalArgumentException("a signing secret must not be empty");
        }
        this.key = key.clone();
    }

    public static SigningSecret of(byte[] key) {
        return new SigningSecret(key);
    }

    public static SigningSecret of(String key) {
        return new SigningSecret(key.getBytes(StandardCharsets.UTF_8));
    }

    /** The header value for {@code body} sent at {@code unixSeconds}: {@code t=<seconds>,v1=<hex>}. */
    public String sign(long unixSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // Every JDK ships HmacSHA256 and accepts any non-empty key for it.
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SigningSecret other && Arrays.equals(key, other.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    /** Never prints the key: outcomes and contexts holding a secret end up in logs. */
    @Override
    public String toString() {
        return "SigningSecret[redacted]";
    }
}
