package dev.flagstep.execution;

import dev.flagstep.spec.CanaryId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Step Functions execution names for rollouts, at most 80 characters.
 *
 * <p>A rollout's first execution is {@code {namespace}-{name}-{revision}} in {@code [A-Za-z0-9-_]}.
 * That name is the idempotency key (one rollout per revision), so it must never be shared by two
 * different rollouts. Whenever the plain name could be (a replaced character: {@code v1.2} and
 * {@code v1-2}; a cut; a dash inside the namespace or name: {@code a-b/c} and {@code a/b-c} both
 * read {@code a-b-c-}) a hash of the exact triple is appended.
 *
 * <p>A rollout that outlives one execution's history continues in a fresh execution of the same
 * state machine ({@link #continuation}): {@code {run}.{generation}}, where {@code run} is the first
 * execution's name (or, when that is too long to take a suffix, its first 63 characters, a dot and
 * a hash of it). A plain name never contains a dot, so a continuation never takes a plain name,
 * and the run part differs between rollouts, so two rollouts never share a continuation. Every
 * name of a canary, continuations included, starts with {@link #prefix}.
 */
public final class ExecutionNames {

    public static final int MAX_LENGTH = 80;
    private static final int HASH_LENGTH = 8;
    /** The longest generation suffix a run part leaves room for: {@code .} and 7 digits. */
    private static final int SUFFIX_LENGTH = 8;
    private static final int RUN_LENGTH = MAX_LENGTH - SUFFIX_LENGTH;
    /** A long first name keeps this much of itself before {@code .hash}: every prefix fits in it. */
    private static final int KEPT_LENGTH = RUN_LENGTH - HASH_LENGTH - 1;
    private static final char GENERATION = '.';

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

    /**
     * The name of the {@code attempt}th retry of a failed rollout of {@code revision} (1, 2, ...): the rollout's name
     * ({@link #of}), cut to leave room, then {@code -retry{attempt}-} and a hash of the canary, revision and attempt.
     * The original name is refused by Step Functions for 90 days after its execution ended, so a retry needs its own;
     * the hash keeps two retries, and a retry and a plain name, apart, as {@link #of} does for plain names. It has no
     * dot, so it continues like a plain name ({@link #continuation}), and it starts with {@link #prefix} up to
     * {@code attempt} 99, the bound {@code Operations.MAX_RETRIES} keeps.
     */
    public static String retry(CanaryId canary, String revision, int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("a retry attempt counts from 1: " + attempt);
        }
        String suffix = "-retry" + attempt + "-" + hash(canary.namespace() + "/" + canary.name() + "/" + revision
                + "/retry/" + attempt);
        String base = of(canary, revision);
        return base.substring(0, Math.min(base.length(), MAX_LENGTH - suffix.length())) + suffix;
    }

    /**
     * What every execution name of this canary starts with, continuations included (cut like the
     * names themselves, and short enough for a continuation's run part to keep it).
     */
    public static String prefix(CanaryId canary) {
        String p = sanitise(prefixRaw(canary));
        return p.substring(0, Math.min(p.length(), KEPT_LENGTH));
    }

    /**
     * The name of the execution that continues the run of {@code current} (a plain name or a
     * continuation): generation 1 after the first execution, then 2, 3, ...
     *
     * @throws IllegalArgumentException if {@code current} is not a name this class makes
     */
    public static String continuation(String current) {
        int dot = current.lastIndexOf(GENERATION);
        String run;
        long generation;
        if (dot < 0) {
            run = current.length() <= RUN_LENGTH ? current
                    : current.substring(0, KEPT_LENGTH) + GENERATION + hash(current);
            generation = 0;
        } else {
            run = current.substring(0, dot);
            try {
                generation = Long.parseLong(current.substring(dot + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a rollout execution name: " + current);
            }
        }
        String next = run + GENERATION + (generation + 1);
        if (run.isEmpty() || generation < 0 || next.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("no continuation after " + current);
        }
        return next;
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
