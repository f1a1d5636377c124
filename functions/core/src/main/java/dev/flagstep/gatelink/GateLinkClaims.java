package dev.flagstep.gatelink;

import dev.flagstep.gate.GateType;
import dev.flagstep.spec.CanaryId;
import java.time.Instant;

/**
 * What one link may do, all of it signed: {@code action} on {@code gate} of {@code canary} while
 * {@code runId} is its active run, until {@code expiresAt}. {@code nonce} tells two links for the same
 * gate apart, so each is spent on its own.
 */
public record GateLinkClaims(CanaryId canary, GateType gate, GateLinkAction action, String runId, Instant expiresAt,
                             String nonce) {

    public GateLinkClaims {
        if (!canary.valid()) {
            throw new IllegalArgumentException("canary " + canary + " is not a Kubernetes name");
        }
        if (!gate.isBuiltIn() || gate == GateType.ROLLBACK) {
            throw new IllegalArgumentException("gate " + gate + ": links approve confirm-* gates only");
        }
        if (!token(runId) || !token(nonce)) {
            throw new IllegalArgumentException("runId and nonce are non-empty, of letters, digits, '-', '_' and '.'");
        }
        expiresAt = Instant.ofEpochSecond(expiresAt.getEpochSecond());
    }

    /** The gate the link opens: the one it names to approve, the rollback gate to roll back. */
    public GateType opens() {
        return action == GateLinkAction.APPROVE ? gate : GateType.ROLLBACK;
    }

    private static boolean token(String s) {
        return !s.isEmpty() && s.length() <= 256 && s.chars().allMatch(c -> c < 128
                && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.'));
    }
}
