package dev.flagstep.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.Weights.CanaryAdvance;
import dev.flagstep.analysis.Weights.PromotionShift;
import dev.flagstep.spec.Analysis;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WeightsTest {

    /** Runs the canary strategy from 0 until it asks for promotion; returns the weights it set. */
    private static List<Integer> walk(Analysis a) {
        List<Integer> weights = new ArrayList<>();
        Routes routes = Routes.allPrimary();
        for (int tick = 0; tick < 200; tick++) {
            CanaryAdvance next = Weights.advance(a, routes);
            if (next instanceof CanaryAdvance.Advance(Routes r)) {
                assertThat(r.primary() + r.canary()).isEqualTo(100);
                weights.add(r.canary());
                routes = r;
            } else {
                assertThat(next).isInstanceOf(CanaryAdvance.Promote.class);
                return weights;
            }
        }
        throw new AssertionError("never promoted: " + weights);
    }

    @Test
    void stepWeight20MaxWeight50Gives20_40_60ThenPromotion() {
        assertThat(walk(Fixtures.analysis().stepWeight(20).maxWeight(50).build())).containsExactly(20, 40, 60);
    }

    @Test
    void stepWeights1_2_10_80Give1_2_10_80ThenPromotion() {
        assertThat(walk(Fixtures.analysis().stepWeights(1, 2, 10, 80).build())).containsExactly(1, 2, 10, 80);
    }

    @Test
    void stepWeightWinsOverStepWeights() {
        Analysis a = Fixtures.analysis().stepWeight(25).stepWeights(1, 2, 10, 80).build();
        assertThat(Weights.nextStepWeight(a, 1)).isEqualTo(25);
        // maxWeight still comes from stepWeights
        assertThat(walk(a)).containsExactly(25, 50, 75, 100);
    }

    @Test
    void maxWeight100StepsAllTheWay() {
        assertThat(walk(Fixtures.analysis().stepWeight(30).maxWeight(100).build())).containsExactly(30, 60, 90, 100);
    }

    @Test
    void maxWeightZeroOrNegativeMeans100() {
        assertThat(Weights.maxWeight(Fixtures.analysis().stepWeight(10).build())).isEqualTo(100);
        assertThat(Weights.maxWeight(Fixtures.analysis().maxWeight(-5).build())).isEqualTo(100);
        assertThat(Weights.maxWeight(Fixtures.analysis().maxWeight(50).build())).isEqualTo(50);
    }

    @Test
    void maxWeightFromStepWeightsIsTheLastCappedAt100() {
        assertThat(Weights.maxWeight(Fixtures.analysis().maxWeight(30).stepWeights(5, 60).build())).isEqualTo(60);
        assertThat(Weights.maxWeight(Fixtures.analysis().stepWeights(50, 120).build())).isEqualTo(100);
    }

    @ParameterizedTest(name = "stepWeights [1,2,10,80] at {0} -> {1}")
    @CsvSource({
        "0, 1",     // initial: min(100 - 0, steps[0])
        "1, 1",     // steps[1] - 1
        "2, 8",
        "10, 70",
        "80, 20",   // last step: no next, matches no pair -> 100 - w
        "5, 95",    // matches no step -> 100 - w
        "100, 1",   // at 100: 1, only to move on to promotion
    })
    void nextStepWeightWithStepWeights(int current, int expected) {
        assertThat(Weights.nextStepWeight(Fixtures.analysis().stepWeights(1, 2, 10, 80).build(), current))
                .isEqualTo(expected);
    }

    @Test
    void initialStepIsCappedByTheRoomLeft() {
        assertThat(Weights.nextStepWeight(Fixtures.analysis().stepWeights(150).build(), 0)).isEqualTo(100);
    }

    @Test
    void lastStepAbove100IsClamped() {
        Analysis a = Fixtures.analysis().stepWeights(50, 150).build();
        assertThat(Weights.nextStepWeight(a, 50)).isEqualTo(50);
        assertThat(walk(a)).containsExactly(50, 100);
    }

    @Test
    void weightMatchingNoStepJumpsTo100ThenPromotes() {
        Analysis a = Fixtures.analysis().stepWeights(10, 20, 40).build();
        CanaryAdvance next = Weights.advance(a, Routes.of(75, 25));
        // 25 < maxWeight 40 and matches no step: 100 - 25
        assertThat(next).isEqualTo(new CanaryAdvance.Advance(Routes.of(0, 100)));
        assertThat(Weights.advance(a, Routes.of(0, 100))).isInstanceOf(CanaryAdvance.Promote.class);
    }

    @Test
    void neitherStepWeightNorStepWeightsNeverAdvancesNorPromotes() {
        Analysis a = Fixtures.analysis().maxWeight(50).build();
        assertThat(Weights.nextStepWeight(a, 0)).isZero();
        assertThat(Weights.advance(a, Routes.allPrimary())).isInstanceOf(CanaryAdvance.Hold.class);
        assertThat(Weights.advance(a, Routes.of(40, 60))).isInstanceOf(CanaryAdvance.Hold.class);
    }

    @Test
    void weightsAreClampedTo0And100() {
        Analysis a = Fixtures.analysis().stepWeight(40).build();
        assertThat(Weights.advance(a, Routes.of(30, 70))).isEqualTo(new CanaryAdvance.Advance(Routes.of(0, 100)));
    }

    @Test
    void routerWeightsDriveTheStepNotTheStatus() {
        Analysis a = Fixtures.analysis().stepWeight(10).maxWeight(50).build();
        assertThat(Weights.advance(a, Routes.of(70, 30))).isEqualTo(new CanaryAdvance.Advance(Routes.of(60, 40)));
        assertThat(Weights.advance(a, Routes.of(50, 50))).isInstanceOf(CanaryAdvance.Promote.class);
    }

    @Test
    void mirrorFirstMirrorsAtZeroThenSteps() {
        Analysis a = Fixtures.analysis().stepWeight(10).mirror().build();
        assertThat(Weights.advance(a, Routes.allPrimary()))
                .isEqualTo(new CanaryAdvance.Advance(new Routes(100, 0, true)));
        assertThat(Weights.advance(a, new Routes(100, 0, true)))
                .isEqualTo(new CanaryAdvance.Advance(new Routes(90, 10, false)));
        assertThat(Weights.advance(a, Routes.of(90, 10))).isEqualTo(new CanaryAdvance.Advance(Routes.of(80, 20)));
    }

    @Test
    void promotionAllAtOnceWhenStepWeightPromotionIsZero() {
        assertThat(Weights.promotionShift(Fixtures.analysis().build(), "istio", Routes.of(40, 60)))
                .isInstanceOf(PromotionShift.RouteAllToPrimary.class);
    }

    @Test
    void promotionStepsFromCanary60By30() {
        Analysis a = Fixtures.analysis().stepWeightPromotion(30).build();
        assertThat(Weights.promotionShift(a, "istio", Routes.of(40, 60)))
                .isEqualTo(new PromotionShift.Shift(Routes.of(70, 30), false));
        assertThat(Weights.promotionShift(a, "istio", Routes.of(70, 30)))
                .isEqualTo(new PromotionShift.Shift(Routes.of(100, 0), true));
    }

    @Test
    void promotionStepIsClamped() {
        Analysis a = Fixtures.analysis().stepWeightPromotion(80).build();
        assertThat(Weights.promotionShift(a, "istio", Routes.of(50, 50)))
                .isEqualTo(new PromotionShift.Shift(Routes.of(100, 0), true));
    }

    @Test
    void promotionWithNoCanaryTrafficDoesNothingAsFlagger() {
        Analysis a = Fixtures.analysis().stepWeightPromotion(20).build();
        assertThat(Weights.promotionShift(a, "istio", Routes.allPrimary())).isInstanceOf(PromotionShift.NoChange.class);
    }

    @Test
    void kubernetesPromotionFinalisesWithoutRoutes() {
        Analysis a = Fixtures.analysis().stepWeightPromotion(20).build();
        assertThat(Weights.promotionShift(a, "kubernetes", Routes.allCanary())).isInstanceOf(PromotionShift.Finalise.class);
    }
}
