package dev.flagstep.gatelink;

/** What a token is worth: its claims, or why it is refused. */
public sealed interface GateLinkCheck {

    record Valid(GateLinkClaims claims) implements GateLinkCheck {}

    /** {@code claims} are present for an expired link (its signature was good), to show what it was for. */
    record Refused(Reason reason, java.util.Optional<GateLinkClaims> claims) implements GateLinkCheck {}

    enum Reason {
        /** Not a token this API hands out. */
        MALFORMED,
        /** The signature does not match: changed, or signed with another key (a rotated one). */
        TAMPERED,
        /** Signed by us, but past its expiry. */
        EXPIRED
    }
}
