package dev.flagstep.gatelink;

/** Spends links: each one works once. */
public interface GateLinkUses {

    /**
     * Records the link as used, atomically. True the first time; false if it was used before (by
     * anyone: two clicks racing each other are decided here). Kept until the link expires.
     */
    boolean spend(GateLinkClaims link, String usedBy);

    /** When the link was spent, if it was. */
    java.util.Optional<java.time.Instant> spentAt(GateLinkClaims link);
}
