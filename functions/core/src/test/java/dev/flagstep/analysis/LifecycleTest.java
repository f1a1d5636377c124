package dev.flagstep.analysis;

import static dev.flagstep.analysis.Fixtures.MSG;
import static dev.flagstep.analysis.Fixtures.T0;
import static dev.flagstep.analysis.Fixtures.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.gate.GateOutcome;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleTest {

    private static final PhaseContext PC = new PhaseContext("Deployment", 0);

    @Test
    void confirmRolloutClosedWaitsOnceWithWarningAndAlert() {
        CanaryStatus succeeded = CanaryStatus.initial(T0).setPhase(CanaryPhase.SUCCEEDED, PC, T0);
        Step first = Lifecycle.confirmRollout(succeeded, GateOutcome.closed("gate"), PC, MSG, T0);
        assertThat(first).isInstanceOf(Step.Halted.class);
        assertThat(first.status().phase()).isEqualTo(CanaryPhase.WAITING);
        assertThat(texts(first)).containsExactly("Halt podinfo.test advancement waiting for approval gate");
        assertThat(first.alerts()).extracting(Alert::text).containsExactly("Canary is waiting for approval.");

        Step again = Lifecycle.confirmRollout(first.status(), GateOutcome.closed("gate"), PC, MSG, T0.plusSeconds(60));
        assertThat(again.messages()).isEmpty();
        assertThat(again.alerts()).isEmpty();
        assertThat(again.status()).isEqualTo(first.status());
        assertThat(again.status().failedChecks()).as("gates never count").isZero();
    }

    @Test
    void confirmRolloutOpenReportsEachPassingHookThenTheRunStarts() {
        CanaryStatus waiting = CanaryStatus.initial(T0).setPhase(CanaryPhase.WAITING, PC, T0);
        Step open = Lifecycle.confirmRollout(waiting, GateOutcome.open("a", "b"), PC, MSG, T0);
        assertThat(open).isInstanceOf(Step.Proceed.class);
        assertThat(texts(open)).containsExactly("Confirm-rollout check a passed", "Confirm-rollout check b passed");

        Step start = Lifecycle.startRollout(waiting.withFailedChecks(3, T0), PC, MSG, T0.plusSeconds(1));
        assertThat(start.status()).extracting(CanaryStatus::phase, CanaryStatus::canaryWeight,
                CanaryStatus::failedChecks, CanaryStatus::iterations).containsExactly(CanaryPhase.PROGRESSING, 0, 0, 0);
        assertThat(start.messages()).containsExactly(
                Message.normal("New revision detected! Scaling up podinfo.test").asPhase(CanaryPhase.PROGRESSING));
    }

    @Test
    void rollbackOnThresholdRoutesToPrimaryAndFails() {
        CanaryStatus s = Fixtures.progressing().withCanaryWeight(40, T0).withFailedChecks(2, T0);
        Step rb = Lifecycle.rollback(s, 2, PC, MSG, T0);
        assertThat(((Step.Proceed) rb).routes()).contains(Routes.allPrimary());
        assertThat(texts(rb)).containsExactly("Rolling back podinfo.test failed checks threshold reached 2",
                "Canary failed! Scaling down podinfo.test");
        assertThat(rb.messages().getLast().recordedPhase()).contains(CanaryPhase.FAILED);
        assertThat(rb.alerts()).containsExactly(new Alert(Alert.Severity.ERROR, "Failed checks threshold reached 2"));
        assertThat(rb.status()).extracting(CanaryStatus::phase, CanaryStatus::canaryWeight,
                CanaryStatus::failedChecks).containsExactly(CanaryPhase.FAILED, 0, 0);
    }

    @Test
    void rollbackBelowThresholdHasNoThresholdMessage() {
        Step manual = Lifecycle.manualRollback(Fixtures.progressing(), "rb", 3, PC, MSG, T0);
        assertThat(texts(manual)).containsExactly("Rollback check rb passed",
                "Rolling back podinfo.test manual webhook invoked", "Canary failed! Scaling down podinfo.test");
        assertThat(manual.alerts()).extracting(Alert::text).containsExactly("Rolling back manual webhook invoked");
    }

    @Test
    void promotionShiftsByStepWeightPromotionThenFinalises() {
        TickContext ctx = Fixtures.analysis().stepWeight(20).stepWeightPromotion(30).ctx();
        CanaryStatus promoting = Fixtures.progressing().setPhase(CanaryPhase.PROMOTING, PC, T0);
        Step first = Lifecycle.promotionTick(ctx, promoting, Routes.of(40, 60), T0);
        assertThat(((Step.Proceed) first).routes()).contains(Routes.of(70, 30));
        assertThat(first.status().phase()).isEqualTo(CanaryPhase.PROMOTING);
        assertThat(first.status().canaryWeight()).isEqualTo(30);
        assertThat(texts(first)).containsExactly("Advance podinfo.test primary weight 70");

        Step second = Lifecycle.promotionTick(ctx, first.status(), Routes.of(70, 30), T0);
        assertThat(((Step.Proceed) second).routes()).contains(Routes.of(100, 0));
        assertThat(second.status().phase()).isEqualTo(CanaryPhase.FINALISING);
        assertThat(texts(second)).containsExactly("Advance podinfo.test primary weight 100");
    }

    @Test
    void promotionAllAtOnce() {
        TickContext ctx = Fixtures.analysis().stepWeight(20).ctx();
        Step step = Lifecycle.promotionTick(ctx, Fixtures.progressing().setPhase(CanaryPhase.PROMOTING, PC, T0),
                Routes.of(40, 60), T0);
        assertThat(((Step.Proceed) step).routes()).contains(Routes.allPrimary());
        assertThat(step.status().phase()).isEqualTo(CanaryPhase.FINALISING);
        assertThat(texts(step)).containsExactly("Routing all traffic to primary");
    }

    @Test
    void kubernetesPromotionGoesStraightToFinalising() {
        TickContext ctx = Fixtures.analysis().ctx("kubernetes");
        Step step = Lifecycle.promotionTick(ctx, Fixtures.progressing().setPhase(CanaryPhase.PROMOTING, PC, T0),
                Routes.allPrimary(), T0);
        assertThat(((Step.Proceed) step).routes()).isEmpty();
        assertThat(step.status().phase()).isEqualTo(CanaryPhase.FINALISING);
        assertThat(step.messages()).isEmpty();
    }

    @Test
    void finaliseSucceeds() {
        Step done = Lifecycle.finalise(Fixtures.progressing().setPhase(CanaryPhase.FINALISING, PC, T0), PC, MSG, T0);
        assertThat(done.status().phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(done.status().promotedCondition().orElseThrow().status()).isEqualTo("True");
        // "Promotion completed!" is PostRollout's (after the post-rollout hooks)
        assertThat(texts(done)).isEmpty();
    }

    @Test
    void skipAnalysisPromotesAtOnce() {
        CanaryStatus s = CanaryStatus.initial(T0).sync(CanaryPhase.PROGRESSING, 0, 0, 0, PC, T0);
        Step skip = Lifecycle.skipAnalysis(s, PC, MSG, T0);
        assertThat(((Step.Proceed) skip).routes()).contains(Routes.allPrimary());
        assertThat(skip.status().phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(texts(skip)).containsExactly("Copying podinfo.test template spec to podinfo-primary.test");
        assertThat(skip.alerts()).extracting(Alert::text).containsExactly("Canary analysis was skipped, promotion finished.");
    }

    @Test
    void restartRoutesBackAndZeroesCounters() {
        CanaryStatus s = new CanaryStatus(CanaryPhase.WAITING_PROMOTION, 0, 1, 4, "x", T0, List.of());
        Step restart = Lifecycle.restart(s, PC, MSG, T0);
        assertThat(((Step.Proceed) restart).routes()).contains(Routes.allPrimary());
        assertThat(restart.status()).extracting(CanaryStatus::phase, CanaryStatus::failedChecks, CanaryStatus::iterations)
                .containsExactly(CanaryPhase.PROGRESSING, 0, 0);
        assertThat(texts(restart)).containsExactly("New revision detected! Restarting analysis for podinfo.test");
    }

    @Test
    void progressDeadlineRollbackWarnsFirst() {
        Step rb = Lifecycle.progressDeadlineRollback(Fixtures.progressing(), "boom", 1, PC, MSG, T0);
        assertThat(texts(rb).getFirst()).isEqualTo("Rolling back podinfo.test progress deadline exceeded boom");
        assertThat(rb.alerts().getFirst()).isEqualTo(new Alert(Alert.Severity.ERROR, "Progress deadline exceeded boom"));
        assertThat(rb.status().phase()).isEqualTo(CanaryPhase.FAILED);
    }
}
