package dev.flagstep.analysis;

import dev.flagstep.spec.Analysis;
import java.util.List;

/**
 * Flagger's weight arithmetic for the canary strategy ({@code maxWeight}, {@code nextStepWeight},
 * {@code runCanary}) and for the promotion traffic shift ({@code runPromotionTrafficShift}).
 * Every input weight is what the router reports this tick.
 */
public final class Weights {

    /** Flagger's {@code totalWeight()}: always 100. */
    public static final int TOTAL = 100;

    private Weights() {}

    /**
     * The weight at which the canary strategy stops stepping and asks for promotion: the last of
     * {@code stepWeights} (at most 100) when set, else {@code maxWeight}, else 100.
     */
    public static int maxWeight(Analysis analysis) {
        List<Integer> steps = analysis.stepWeights();
        if (!steps.isEmpty()) {
            return Math.min(TOTAL, steps.getLast());
        }
        return analysis.maxWeight() > 0 ? analysis.maxWeight() : TOTAL;
    }

    /**
     * How much weight the next step moves to the canary. {@code stepWeight} wins over
     * {@code stepWeights}; with neither set the answer is 0 and the canary never advances (nor promotes).
     * At weight 100 the answer is 1, only so that the caller moves on to promotion.
     */
    public static int nextStepWeight(Analysis analysis, int canaryWeight) {
        List<Integer> steps = analysis.stepWeights();
        if (analysis.stepWeight() > 0 || steps.isEmpty()) {
            return analysis.stepWeight();
        }
        int maxStep = TOTAL - canaryWeight;
        if (maxStep == 0) {
            return 1;
        }
        if (canaryWeight == 0) {
            return Math.min(maxStep, steps.getFirst());
        }
        for (int i = 0; i < steps.size() - 1; i++) {
            if (steps.get(i) == canaryWeight) {
                // Flagger caps the step so the canary never goes past 100 (a last step > 100 is clamped)
                return Math.min(maxStep, steps.get(i + 1) - canaryWeight);
            }
        }
        // a weight that matches no step (changed spec, manual routing): jump straight to 100
        return maxStep;
    }

    /** What the canary strategy does with the traffic this tick, after its checks passed. */
    public sealed interface CanaryAdvance {
        /** Set these routes and record {@code canaryWeight = routes.canary()}. */
        record Advance(Routes routes) implements CanaryAdvance {}

        /** The canary is at (or past) max weight: confirm-promotion, then promote. */
        record Promote() implements CanaryAdvance {}

        /**
         * {@code nextStepWeight} is 0 (stepWeight 0, no stepWeights): Flagger does nothing, not even
         * promote, so the canary sits at its weight until the spec changes.
         */
        record Hold() implements CanaryAdvance {}
    }

    /**
     * Flagger's {@code runCanary}: below max weight, move one step (weights clamped to 0..100); with
     * {@code mirror} at weight 0, first one tick of 100/0 mirrored, then the first step unmirrored.
     * At or above max weight: promotion.
     */
    public static CanaryAdvance advance(Analysis analysis, Routes current) {
        int step = nextStepWeight(analysis, current.canary());
        if (step <= 0) {
            return new CanaryAdvance.Hold();
        }
        if (current.canary() >= maxWeight(analysis)) {
            return new CanaryAdvance.Promote();
        }
        if (analysis.mirror() && current.canary() == 0) {
            return new CanaryAdvance.Advance(current.mirrored()
                    ? new Routes(clamp(TOTAL - step), clamp(step), false)
                    : new Routes(TOTAL, 0, true));
        }
        // the router's mirrored flag is passed back unchanged, as Flagger does
        return new CanaryAdvance.Advance(
                new Routes(clamp(current.primary() - step), clamp(current.canary() + step), current.mirrored()));
    }

    /** One tick of the Promoting phase (Flagger's {@code runPromotionTrafficShift}). */
    public sealed interface PromotionShift {
        /** kubernetes provider: no weights to shift, go to Finalising. */
        record Finalise() implements PromotionShift {}

        /** {@code stepWeightPromotion} 0: "Routing all traffic to primary" (100/0), then Finalising. */
        record RouteAllToPrimary() implements PromotionShift {}

        /**
         * Give the primary {@code stepWeightPromotion} more: set {@code routes}, record "Advance ...
         * primary weight N"; {@code finished} (primary at 100) means Finalising, else status weight =
         * {@code routes.canary()}.
         */
        record Shift(Routes routes, boolean finished) implements PromotionShift {}

        /**
         * The router shows no canary traffic while stepping: Flagger's loop only acts when the canary
         * weight is above 0, so the tick does nothing (and Promoting never ends by itself).
         */
        record NoChange() implements PromotionShift {}
    }

    public static PromotionShift promotionShift(Analysis analysis, String provider, Routes current) {
        if (Strategy.isKubernetes(provider)) {
            return new PromotionShift.Finalise();
        }
        int step = analysis.stepWeightPromotion();
        if (step == 0) {
            return new PromotionShift.RouteAllToPrimary();
        }
        if (current.canary() <= 0) {
            return new PromotionShift.NoChange();
        }
        int primary = Math.min(TOTAL, current.primary() + step);
        int canary = Math.max(0, current.canary() - step);
        return new PromotionShift.Shift(new Routes(primary, canary, false), primary == TOTAL);
    }

    private static int clamp(int weight) {
        return Math.max(0, Math.min(TOTAL, weight));
    }
}
