package dev.flagstep.gatelink;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/** The HMAC key links are signed with. Never printed: {@link #toString} hides it. */
public final class GateLinkKey {

    /** Shorter keys are refused: HMAC-SHA256 wants at least its output's 32 bytes of entropy. */
    public static final int MIN_BYTES = 32;

    private final byte[] bytes;

    private GateLinkKey(byte[] bytes) {
        if (bytes.length < MIN_BYTES) {
            throw new IllegalArgumentException("a gate link key has at least " + MIN_BYTES + " bytes, this one " + bytes.length);
        }
        this.bytes = bytes.clone();
    }

    /** The key as the secret holds it (UTF-8 text, e.g. 64 hex digits). */
    public static GateLinkKey of(String secret) {
        return new GateLinkKey(secret.getBytes(StandardCharsets.UTF_8));
    }

    public static GateLinkKey of(byte[] bytes) {
        return new GateLinkKey(bytes);
    }

    /** A fresh random key (the local runtime's when none is given: links then last as long as the process). */
    public static GateLinkKey random(SecureRandom random) {
        byte[] b = new byte[MIN_BYTES];
        random.nextBytes(b);
        return new GateLinkKey(b);
    }

    byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GateLinkKey k && java.security.MessageDigest.isEqual(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "GateLinkKey[hidden]";
    }
}
