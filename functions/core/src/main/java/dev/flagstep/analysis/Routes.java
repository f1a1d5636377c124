package dev.flagstep.analysis;

/**
 * Traffic as the router reports or is told it: primary and canary weights (summing to
 * {@link Weights#TOTAL} in practice) and whether requests are mirrored to the canary. Flagger decides
 * from these, read back from the router each tick, never from {@code status.canaryWeight}.
 */
public record Routes(int primary, int canary, boolean mirrored) {

    public static Routes allPrimary() {
        return new Routes(Weights.TOTAL, 0, false);
    }

    public static Routes allCanary() {
        return new Routes(0, Weights.TOTAL, false);
    }

    public static Routes of(int primary, int canary) {
        return new Routes(primary, canary, false);
    }
}
