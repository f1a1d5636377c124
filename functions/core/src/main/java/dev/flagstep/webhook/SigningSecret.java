package dev.flagstep.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Beyond Flagger (#1192): a per-canary secret with which every webhook body is signed, so receivers
 * can tell flagstep's calls from anyone else's. The header is
 * {@code X-Flagstep-Signature: sha256=<lowercase hex HMAC-SHA256 of the exact body bytes>}, the
 * scheme GitHub webhooks use, so existing verification snippets work. Off unless a secret is set.
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

    /** The header value for {@code body}: {@code sha256=<hex>}. */
    public String sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
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
