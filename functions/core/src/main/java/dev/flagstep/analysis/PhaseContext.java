package dev.flagstep.analysis;

import dev.flagstep.spec.CanarySpec;

/**
 * What Flagger's status setters read from the canary besides the status itself: the target's kind
 * (in the Promoted condition's messages, e.g. "Canary analysis failed, Deployment scaled to zero.")
 * and the analysis iteration count (WaitingPromotion sets {@code iterations = iterations - 1}).
 */
public record PhaseContext(String targetKind, int analysisIterations) {

    /**
     * From a spec and the effective provider. Iterations are the strategy's (10 for the kubernetes
     * provider when the spec says fewer than 1); 0 when there is no analysis block.
     */
    public static PhaseContext of(CanarySpec spec, String provider) {
        int iterations = spec.analysis().map(a -> Strategy.iterations(a, provider)).orElse(0);
        return new PhaseContext(spec.targetRef().kind(), iterations);
    }
}
