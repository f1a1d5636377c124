package dev.flagstep.analysis;

import static dev.flagstep.analysis.Fixtures.T0;
import static dev.flagstep.analysis.Fixtures.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.gate.GateOutcome;
import dev.flagstep.spec.HookType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanaryStepTest {

    private static final GateOutcome OPEN = GateOutcome.open();

    /** One tick's strategy step with every gate answering {@code gate}; returns the final step. */
    private static Step tick(TickContext ctx, CanaryStatus s, Routes r, GateOutcome gate) {
        Step step = CanaryStep.plan(ctx, s, r, T0);
        while (step instanceof Step.NeedsGate(HookType type, CanaryStatus st, var notes)) {
            step = CanaryStep.afterGate(ctx, st, r, type, gate, T0);
        }
        return step;
    }

    @Test
    void canaryRunAdvancesThenAsksForPromotionThenPromotes() {
        TickContext ctx = Fixtures.analysis().stepWeight(20).maxWeight(50).ctx();
        CanaryStatus s = Fixtures.progressing();
        Routes r = Routes.allPrimary();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Step step = tick(ctx, s, r, OPEN);
            var p = (Step.Proceed) step;
            r = p.routes().orElseThrow();
            s = p.status();
            events.addAll(texts(step));
        }
        assertThat(events).containsExactly("Advance podinfo.test canary weight 20",
                "Advance podinfo.test canary weight 40", "Advance podinfo.test canary weight 60");
        assertThat(s.canaryWeight()).isEqualTo(60);

        Step promote = tick(ctx, s, r, OPEN);
        assertThat(promote).isInstanceOf(Step.Promote.class);
        assertThat(promote.status().phase()).isEqualTo(CanaryPhase.PROMOTING);
        assertThat(texts(promote)).containsExactly("Copying podinfo.test template spec to podinfo-primary.test");
    }

    @Test
    void confirmTrafficIncreaseGatesEveryStepIncludingPromotion() {
        TickContext ctx = Fixtures.analysis().stepWeight(20).maxWeight(50).ctx();
        CanaryStatus s = Fixtures.progressing();
        Step planned = CanaryStep.plan(ctx, s, Routes.of(40, 60), T0);
        assertThat(planned).isInstanceOfSatisfying(Step.NeedsGate.class,
                g -> assertThat(g.gate()).isEqualTo(HookType.CONFIRM_TRAFFIC_INCREASE));

        Step halted = CanaryStep.afterGate(ctx, s, Routes.of(40, 60), HookType.CONFIRM_TRAFFIC_INCREASE,
                new GateOutcome.Closed(List.of("a"), "b", false), T0);
        assertThat(halted).isInstanceOf(Step.Halted.class);
        assertThat(halted.status()).as("no phase change, no failed check").isEqualTo(s);
        assertThat(texts(halted)).containsExactly("Confirm-traffic-increase check a passed",
                "Halt podinfo.test advancement waiting for traffic increase approval b");
        assertThat(halted.alerts()).containsExactly(
                new Alert(Alert.Severity.WARN, "Canary traffic increase is waiting for approval."));
    }

    @Test
    void mutedGateStillWarnsButDoesNotAlert() {
        TickContext ctx = Fixtures.analysis().stepWeight(20).ctx();
        Step halted = CanaryStep.afterGate(ctx, Fixtures.progressing(), Routes.allPrimary(),
                HookType.CONFIRM_TRAFFIC_INCREASE, new GateOutcome.Closed(List.of(), "b", true), T0);
        assertThat(halted.alerts()).isEmpty();
        assertThat(halted.messages()).hasSize(1);
    }

    @Test
    void noTrafficIncreaseGateWhileMirroredOrWaitingPromotion() {
        TickContext ctx = Fixtures.analysis().stepWeight(10).mirror().maxWeight(50).ctx();
        Step mirrored = CanaryStep.plan(ctx, Fixtures.progressing(), new Routes(100, 0, true), T0);
        assertThat(mirrored).isInstanceOfSatisfying(Step.Proceed.class,
                p -> assertThat(p.routes()).contains(new Routes(90, 10, false)));

        CanaryStatus waiting = Fixtures.progressing().setPhase(CanaryPhase.WAITING_PROMOTION, ctx.phaseContext(), T0);
        Step atMax = CanaryStep.plan(ctx, waiting, Routes.of(50, 50), T0);
        assertThat(atMax).isInstanceOfSatisfying(Step.NeedsGate.class,
                g -> assertThat(g.gate()).isEqualTo(HookType.CONFIRM_PROMOTION));
    }

    @Test
    void canaryWithoutStepsHolds() {
        TickContext ctx = Fixtures.analysis().maxWeight(50).ctx();
        assertThat(CanaryStep.plan(ctx, Fixtures.progressing(), Routes.allPrimary(), T0)).isInstanceOf(Step.Hold.class);
        assertThat(CanaryStep.plan(ctx, Fixtures.progressing(), Routes.of(40, 60), T0)).isInstanceOf(Step.Hold.class);
    }

    @Test
    void promotionRefusedFirstWaitsThenSilentlyResetsIterations() {
        TickContext ctx = Fixtures.analysis().stepWeight(20).maxWeight(50).ctx();
        CanaryStatus s = Fixtures.progressing().withCanaryWeight(60, T0);
        Step first = CanaryStep.afterGate(ctx, s, Routes.of(40, 60), HookType.CONFIRM_PROMOTION,
                GateOutcome.closed("approve"), T0);
        assertThat(first).isInstanceOf(Step.Halted.class);
        assertThat(first.status().phase()).isEqualTo(CanaryPhase.WAITING_PROMOTION);
        assertThat(first.status().canaryWeight()).isZero();
        assertThat(first.status().iterations()).isEqualTo(-1);
        assertThat(texts(first)).containsExactly("Halt podinfo.test advancement waiting for promotion approval approve");
        assertThat(first.alerts()).extracting(Alert::text).containsExactly("Canary promotion is waiting for approval.");

        Step again = CanaryStep.afterGate(ctx, first.status().withIterations(7, T0), Routes.of(40, 60),
                HookType.CONFIRM_PROMOTION, GateOutcome.closed("approve"), T0);
        assertThat(again.messages()).isEmpty();
        assertThat(again.alerts()).isEmpty();
        assertThat(again.status().phase()).isEqualTo(CanaryPhase.WAITING_PROMOTION);
        assertThat(again.status().iterations()).isEqualTo(-1);

        Step approved = CanaryStep.afterGate(ctx, again.status(), Routes.of(40, 60), HookType.CONFIRM_PROMOTION,
                GateOutcome.open("approve"), T0);
        assertThat(texts(approved)).containsExactly("Confirm-promotion check approve passed",
                "Copying podinfo.test template spec to podinfo-primary.test");
        assertThat(approved.status().phase()).isEqualTo(CanaryPhase.PROMOTING);
    }

    @Test
    void abTestingRunsNIterationsAtFullCanaryTrafficThenPromotes() {
        TickContext ctx = Fixtures.analysis().match().iterations(3).ctx();
        CanaryStatus s = Fixtures.progressing();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Step step = tick(ctx, s, Routes.allPrimary(), OPEN);
            assertThat(((Step.Proceed) step).routes()).contains(Routes.allCanary());
            s = step.status();
            events.addAll(texts(step));
        }
        assertThat(events).containsExactly("Advance podinfo.test canary iteration 1/3",
                "Advance podinfo.test canary iteration 2/3", "Advance podinfo.test canary iteration 3/3");
        assertThat(CanaryStep.plan(ctx, s, Routes.allCanary(), T0)).isInstanceOfSatisfying(Step.NeedsGate.class,
                g -> assertThat(g.gate()).isEqualTo(HookType.CONFIRM_PROMOTION));
        assertThat(tick(ctx, s, Routes.allCanary(), OPEN)).isInstanceOf(Step.Promote.class);
    }

    @Test
    void abTestingWaitingPromotionReRunsTheLastIteration() {
        TickContext ctx = Fixtures.analysis().match().iterations(3).ctx();
        CanaryStatus at3 = Fixtures.progressing().withIterations(3, T0);
        Step refused = tick(ctx, at3, Routes.allCanary(), GateOutcome.closed("gate"));
        assertThat(refused.status().iterations()).isEqualTo(2);
        Step rerun = CanaryStep.plan(ctx, refused.status(), Routes.allCanary(), T0);
        assertThat(texts(rerun)).containsExactly("Advance podinfo.test canary iteration 3/3");
    }

    @Test
    void blueGreenCountsIterationsThenSwitchesTrafficThenPromotesOnTheSecondApproval() {
        TickContext ctx = Fixtures.analysis().iterations(2).ctx();
        CanaryStatus s = Fixtures.progressing();
        Step one = tick(ctx, s, Routes.allPrimary(), OPEN);
        assertThat(((Step.Proceed) one).routes()).as("no routing change without mirror").isEmpty();
        Step two = tick(ctx, one.status(), Routes.allPrimary(), OPEN);
        assertThat(texts(one)).containsExactly("Advance podinfo.test canary iteration 1/2");
        assertThat(texts(two)).containsExactly("Advance podinfo.test canary iteration 2/2");

        Step switchAll = tick(ctx, two.status(), Routes.allPrimary(), GateOutcome.open("approve"));
        assertThat(switchAll).isInstanceOfSatisfying(Step.Proceed.class,
                p -> assertThat(p.routes()).contains(Routes.allCanary()));
        assertThat(switchAll.status().iterations()).isEqualTo(3);
        assertThat(texts(switchAll)).containsExactly("Confirm-promotion check approve passed", "Routing all traffic to canary");

        Step promote = tick(ctx, switchAll.status(), Routes.allCanary(), GateOutcome.open("approve"));
        assertThat(promote).isInstanceOf(Step.Promote.class);
        assertThat(texts(promote)).containsExactly("Confirm-promotion check approve passed",
                "Copying podinfo.test template spec to podinfo-primary.test");
    }

    @Test
    void blueGreenMirrorsForTheWholeTestAndSaysSoWhenSwitching() {
        TickContext ctx = Fixtures.analysis().iterations(2).mirror().ctx();
        Step first = tick(ctx, Fixtures.progressing(), Routes.allPrimary(), OPEN);
        assertThat(((Step.Proceed) first).routes()).contains(new Routes(100, 0, true));
        Step second = tick(ctx, first.status(), new Routes(100, 0, true), OPEN);
        assertThat(((Step.Proceed) second).routes()).as("already mirrored").isEmpty();
        Step switchAll = tick(ctx, second.status(), new Routes(100, 0, true), OPEN);
        assertThat(texts(switchAll)).containsExactly("Stop traffic mirroring and route all traffic to canary");
    }

    @Test
    void blueGreenIterationsOneQuirkReRunsPreRollout() {
        TickContext ctx = Fixtures.analysis().iterations(1).ctx();
        Step one = tick(ctx, Fixtures.progressing(), Routes.allPrimary(), OPEN);
        assertThat(one.status().iterations()).isEqualTo(1);
        Step refused = tick(ctx, one.status(), Routes.allPrimary(), GateOutcome.closed("approve"));
        assertThat(refused.status().phase()).isEqualTo(CanaryPhase.WAITING_PROMOTION);
        assertThat(refused.status().iterations()).as("analysis.iterations - 1").isZero();
        assertThat(CanaryStep.checks(ctx.analysis(), refused.status(), Routes.allPrimary()))
                .isEqualTo(CanaryStep.Checks.PRE_ROLLOUT);
    }

    @Test
    void kubernetesProviderIsBlueGreenWith10IterationsWithoutRouting() {
        TickContext ctx = Fixtures.analysis().stepWeight(10).mirror().match().ctx("kubernetes");
        CanaryStatus s = Fixtures.progressing();
        Step first = tick(ctx, s, Routes.allPrimary(), OPEN);
        assertThat(texts(first)).containsExactly(
                "A/B testing is not supported when using the kubernetes provider",
                "Progressive traffic is not supported when using the kubernetes provider",
                "Setting canaryAnalysis.iterations: 10",
                "Advance podinfo.test canary iteration 1/10");
        assertThat(((Step.Proceed) first).routes()).as("no mirroring on kubernetes").isEmpty();

        CanaryStatus at10 = s.withIterations(10, T0);
        Step switchAll = tick(ctx, at10, Routes.allPrimary(), OPEN);
        assertThat(((Step.Proceed) switchAll).routes()).as("no routes on kubernetes").isEmpty();
        assertThat(switchAll.status().iterations()).isEqualTo(11);
        assertThat(tick(ctx, switchAll.status(), Routes.allPrimary(), OPEN)).isInstanceOf(Step.Promote.class);

        Step refused = tick(ctx, at10, Routes.allPrimary(), GateOutcome.closed("g"));
        assertThat(refused.status().iterations()).isEqualTo(9);
    }

    @Test
    void checksStartWithPreRolloutOnlyWhenNothingRunYet() {
        var a = Fixtures.analysis().stepWeight(10).build();
        CanaryStatus fresh = Fixtures.progressing();
        assertThat(CanaryStep.checks(a, fresh, Routes.allPrimary())).isEqualTo(CanaryStep.Checks.PRE_ROLLOUT);
        assertThat(CanaryStep.checks(a, fresh, Routes.of(90, 10))).isEqualTo(CanaryStep.Checks.ANALYSIS);
        assertThat(CanaryStep.checks(a, fresh.withIterations(1, T0), Routes.allPrimary()))
                .isEqualTo(CanaryStep.Checks.ANALYSIS);
        var mirroring = Fixtures.analysis().stepWeight(10).mirror().build();
        assertThat(CanaryStep.checks(mirroring, fresh, new Routes(100, 0, true))).isEqualTo(CanaryStep.Checks.ANALYSIS);
        assertThat(CanaryStep.checks(a, fresh, new Routes(100, 0, true)))
                .as("mirrored traffic without mirror in the spec does not count").isEqualTo(CanaryStep.Checks.PRE_ROLLOUT);
    }

    @Test
    void otherHookTypesAreNotStrategyGates() {
        TickContext ctx = Fixtures.analysis().stepWeight(10).ctx();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CanaryStep.afterGate(ctx, Fixtures.progressing(),
                Routes.allPrimary(), HookType.ROLLOUT, OPEN, T0)).isInstanceOf(IllegalArgumentException.class);
    }
}
