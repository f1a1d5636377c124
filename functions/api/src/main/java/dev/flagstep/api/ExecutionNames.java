package dev.flagstep.api;

import dev.flagstep.spec.CanaryId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Step Functions execution names for rollouts: {@code {namespace}-{name}-{revision}}, at most 80
 * characters of {@code [A-Za-z0-9-_]}. The name is the idempotency key (one execution per revision),
 * so it must never be shared by two different rollouts. Whenever the plain name could be (a replaced
 * character: {@code v1.2} and {@code v1-2}; a cut; a dash inside the namespace or name:
 * {@code a-b/c} and {@code a/b-c} both read {@code a-b-c-}) a hash of the exact triple is appended.
 */
public final class ExecutionNames {

    public static final int MAX_LENGTH = 80;
    private static final int HASH_LENGTH = 8;

    private ExecutionNames() {}

    public static String of(CanaryId canary, String revision) {
        String raw = prefixRaw(canary) + revision;
        String clean = sanitise(raw);
        boolean unambiguous = !canary.namespace().contains("-") && !canary.name().contains("-");
        if (unambiguous && clean.equals(raw) && raw.length() <= MAX_LENGTH) {
            return raw;
        }
        String head = clean.substring(0, Math.min(clean.length(), MAX_LENGTH - HASH_LENGTH - 1));
        // '/' occurs in neither a namespace nor a name: the triple is read back one way only
        return head + "-" + hash(canary.namespace() + "/" + canary.name() + "/" + revision);
    }

    /** What every execution name of this canary starts with (cut like the names themselves). */
    public static String prefix(CanaryId canary) {
        String p = sanitise(prefixRaw(canary));
        return p.substring(0, Math.min(p.length(), MAX_LENGTH - HASH_LENGTH - 1));
    }

    private static String prefixRaw(CanaryId canary) {
        return canary.namespace() + "-" + canary.name() + "-";
    }

    private static String sanitise(String s) {
        return s.replaceAll("[^A-Za-z0-9_-]", "-");
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, HASH_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}
