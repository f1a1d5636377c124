package dev.flagstep.gatelink;

import dev.flagstep.gate.GateType;
import dev.flagstep.spec.CanaryId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A link's token: {@code base64url(claims) "." base64url(HMAC-SHA256(key, base64url(claims)))}, the
 * claims being {@code v1}, namespace, name, gate, action, runId, expiry (epoch seconds) and nonce,
 * one per line. The claims travel in the clear (the confirmation page shows them); only the key
 * holder can make or change one. Pure: the caller passes the time.
 */
public final class GateLinkSigner {

    /** Longer tokens are not ours (a real one is about 250 characters). */
    public static final int MAX_TOKEN_CHARS = 1024;

    private static final String VERSION = "v1";
    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();

    private final GateLinkKey key;

    public GateLinkSigner(GateLinkKey key) {
        this.key = key;
    }

    public String sign(GateLinkClaims c) {
        String claims = String.join("\n", VERSION, c.canary().namespace(), c.canary().name(), c.gate().wireName(),
                c.action().wireName(), c.runId(), Long.toString(c.expiresAt().getEpochSecond()), c.nonce());
        return seal(ENCODE.encodeToString(claims.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code body} with its signature appended. */
    String seal(String body) {
        return body + "." + ENCODE.encodeToString(mac(body));
    }

    /** The token's claims if it is ours, unchanged, and not expired at {@code now}. */
    public GateLinkCheck verify(String token, Instant now) {
        if (token.length() > MAX_TOKEN_CHARS) {
            return refused(GateLinkCheck.Reason.MALFORMED);
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            return refused(GateLinkCheck.Reason.MALFORMED);
        }
        String body = token.substring(0, dot);
        byte[] signature;
        try {
            signature = DECODE.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return refused(GateLinkCheck.Reason.MALFORMED);
        }
        // constant time: the answer's timing tells nothing about how much of a forged signature matched
        if (!MessageDigest.isEqual(mac(body), signature)) {
            return refused(GateLinkCheck.Reason.TAMPERED);
        }
        Optional<GateLinkClaims> claims = parse(body);
        if (claims.isEmpty()) {
            return refused(GateLinkCheck.Reason.MALFORMED);
        }
        if (!now.isBefore(claims.get().expiresAt())) {
            return new GateLinkCheck.Refused(GateLinkCheck.Reason.EXPIRED, claims);
        }
        return new GateLinkCheck.Valid(claims.get());
    }

    private static Optional<GateLinkClaims> parse(String body) {
        try {
            String[] f = new String(DECODE.decode(body), StandardCharsets.UTF_8).split("\n", -1);
            if (f.length != 8 || !f[0].equals(VERSION)) {
                return Optional.empty();
            }
            Optional<GateType> gate = GateType.fromWire(f[3]);
            Optional<GateLinkAction> action = GateLinkAction.fromWire(f[4]);
            if (gate.isEmpty() || action.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new GateLinkClaims(new CanaryId(f[1], f[2]), gate.get(), action.get(), f[5],
                    Instant.ofEpochSecond(Long.parseLong(f[6])), f[7]));
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(String body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key.bytes(), ALGORITHM));
            return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static GateLinkCheck refused(GateLinkCheck.Reason reason) {
        return new GateLinkCheck.Refused(reason, Optional.empty());
    }
}
