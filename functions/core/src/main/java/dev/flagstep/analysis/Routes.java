package dev.flagstep.analysis;

/**
 * Traffic as the router reports or is told it: primary and canary weights (summing to
 * {@link Weights#TOTAL} in practice) and whether requests are mirrored to the canary. Flagger decides
 * from these, read back from the router each tick, never from {@code status.canaryWeight}.
 * Routers ({@code dev.flagstep.router.TrafficRouter}) read and write this type.
 */
public record Routes(int primary, int canary, boolean mirrored) {

    public Routes {
        if (primary < 0 || primary > Weights.TOTAL || canary < 0 || canary > Weights.TOTAL) {
            throw new IllegalArgumentException("weights must be within 0.." + Weights.TOTAL + ": primary " + primary + ", canary " + canary);
        }
    }

    public static Routes allPrimary() {
        return new Routes(Weights.TOTAL, 0, false);
    }

    public static Routes allCanary() {
        return new Routes(0, Weights.TOTAL, false);
    }

    public static Routes of(int primary, int canary) {
        return new Routes(primary, canary, false);
    }

    /** The same weights without mirroring, for providers that cannot mirror (a mirror request is ignored). */
    public Routes unmirrored() {
        return mirrored ? new Routes(primary, canary, false) : this;
    }
}
