package dev.flagstep.router;

/**
 * Traffic split as read from, or written to, the router object: the numbers Flagger's loop works with
 * (it re-reads them every tick rather than trusting {@code status.canaryWeight}).
 */
public record Routes(int primaryWeight, int canaryWeight, boolean mirrored) {

    public static final Routes ALL_PRIMARY = new Routes(100, 0, false);
    public static final Routes ALL_CANARY = new Routes(0, 100, false);

    public Routes {
        if (primaryWeight < 0 || primaryWeight > 100 || canaryWeight < 0 || canaryWeight > 100) {
            throw new IllegalArgumentException("weights must be within 0..100: primary " + primaryWeight + ", canary " + canaryWeight);
        }
    }
}
