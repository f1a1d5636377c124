package dev.flagstep.local.e2e;

import static dev.flagstep.local.e2e.GateScenarios.count;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.asl.HistoryEvent;
import dev.flagstep.local.e2e.GateScenarios.PhaseTap;
import dev.flagstep.local.e2e.GateScenarios.Snapshot;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.gate.GateType;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The confirm-* gates end to end (contract section 1 and 3.3): confirm-rollout over HTTP and on a
 * built-in gate, confirm-promotion while the analysis continues, confirm-traffic-increase holding
 * the weight.
 */
class GatesE2ETest {

    static final PhaseTap tap = new PhaseTap();
    static RolloutHarness h;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start(tap);
        // the tap counts deliveries: readiness settled by every write, so no phase meets a Deployment or a route
        // not ready yet (which a loaded machine makes likelier) and adds a delivery of its own
        h.sim.reconcileOnEveryWrite(true);
        tap.attach(h);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static String hooks() {
        return h.hooksUrl();
    }

    @Test
    void confirmRolloutClosedTwiceThenOpenWaitsOnceThenProgresses() throws Exception {
        String hooks = hooks();
        h.hooks.script("/cr/confirm-rollout", Reply.status(403), Reply.status(403), Reply.status(200));
        CanaryDocument doc = h.canary(CanaryYaml.named("cr").metricsServer(hooks).analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 50
                    maxWeight: 50
                    webhooks:
                      - name: approve
                        type: confirm-rollout
                        url: %1$s/cr/confirm-rollout
                      - name: pre
                        type: pre-rollout
                        url: %1$s/cr/pre-rollout
                      - name: load
                        type: rollout
                        url: %1$s/cr/rollout
                      - name: post
                        type: post-rollout
                        url: %1$s/cr/post-rollout
                """.formatted(hooks)));
        tap.watch(doc);

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        // while closed: phase Waiting, nothing counted, the canary not scaled up yet
        List<Snapshot> checks = tap.before(doc, "ConfirmRollout").stream().filter(s -> !s.parked()).toList();
        assertThat(checks).hasSize(3);
        assertThat(checks.subList(1, 3)).allSatisfy(s -> {
            assertThat(s.status().orElseThrow().phase()).isEqualTo(CanaryPhase.WAITING);
            assertThat(s.status().orElseThrow().failedChecks()).isZero();
            assertThat(s.weights("cr")).isEqualTo("100/0");
        });
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(h.status(doc).failedChecks()).isZero();
        assertThat(h.runWeights(doc, rollout)).containsExactly(50, 0);

        assertThat(h.sequence("/cr/confirm-rollout", "/cr/pre-rollout", "/cr/rollout", "/cr/post-rollout"))
                .containsExactly(
                        "/cr/confirm-rollout:Initialized",
                        "/cr/confirm-rollout:Waiting",
                        "/cr/confirm-rollout:Waiting",
                        "/cr/pre-rollout:Progressing",
                        "/cr/rollout:Progressing",
                        "/cr/post-rollout:Succeeded");
        CanaryId id = doc.canary().id();
        // the warning only on the transition into Waiting, recorded with the phase the tick read (Initialized), as Flagger
        String halt = "Halt cr.e2e advancement waiting for approval approve";
        assertThat(count(h, doc, halt)).isOne();
        assertThat(h.events(id)).filteredOn(e -> e.message().equals(halt))
                .allSatisfy(e -> {
                    assertThat(e.severity()).isEqualTo(dev.flagstep.analysis.Message.Severity.WARNING);
                    assertThat(e.phase()).isEqualTo(CanaryPhase.INITIALIZED);
                });
        assertThat(h.messages(id)).containsSubsequence(
                halt,
                "Confirm-rollout check approve passed",
                "New revision detected! Scaling up cr.e2e",
                "Starting canary analysis for cr.e2e",
                "Advance cr.e2e canary weight 50",
                "Copying cr.e2e template spec to cr-primary.e2e",
                "Promotion completed! Scaling down cr.e2e");
        assertThat(count(h, doc, "Confirm-rollout check approve passed")).isOne();
        assertThat(h.events(id)).allSatisfy(e -> assertThat(e.failedChecks()).isZero());
    }

    @Test
    void confirmRolloutOnABuiltInGateResumesTheMomentTheGateOpens() throws Exception {
        String hooks = hooks();
        // a long interval (600s / SPEED = 6s of real time) between checks of the closed gate; the history of
        // the wait, not a stopwatch, tells whether the token or the interval ended it
        CanaryDocument doc = h.canary(CanaryYaml.named("gated").metricsServer(hooks).analysis("""
                    interval: 10m
                    threshold: 2
                    stepWeight: 100
                    webhooks:
                      - name: approve
                        type: confirm-rollout
                        url: %2$s/gate/check
                      - name: pre
                        type: pre-rollout
                        url: %1$s/gated/pre-rollout
                      - name: post
                        type: post-rollout
                        url: %1$s/gated/post-rollout
                """.formatted(hooks, RolloutHarness.API_URL)));
        CanaryId id = doc.canary().id();
        tap.watch(doc);

        Execution rollout = h.deployNewRevision(doc);
        var store = h.runtime.store();
        RolloutHarness.await("the rollout parked on the confirm-rollout gate", RolloutHarness.PATIENCE,
                () -> store.gate(id, GateType.CONFIRM_ROLLOUT).waitingTaskToken().isPresent());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.WAITING);
        assertThat(h.messages(id)).contains("Halt gated.e2e advancement waiting for approval approve")
                .doesNotContain("New revision detected! Scaling up gated.e2e");

        // what POST /canaries/e2e/gated/gates/confirm-rollout/open does: open, then complete the parked token
        Optional<String> token = store.openGate(id, GateType.CONFIRM_ROLLOUT, "e2e-test", "approved");
        assertThat(token).isPresent();
        h.runtime.interpreter().taskTokens().sendTaskSuccess(token.get(), "{}");
        RolloutHarness.await("the rollout to start", RolloutHarness.PATIENCE,
                () -> h.messages(id).contains("New revision detected! Scaling up gated.e2e"));
        // the wait that let the rollout start ended through its token; any before it ran out their interval
        List<HistoryEvent.Type> waits = TokenWaits.endings(rollout, "WaitForConfirmRollout");
        assertThat(waits).last().isEqualTo(HistoryEvent.Type.TASK_SUCCEEDED);
        assertThat(waits.subList(0, waits.size() - 1)).allMatch(t -> t == HistoryEvent.Type.TASK_TIMED_OUT);
        // one check before the first park and one after each wait: closed each time but the last
        assertThat(tap.before(doc, "ConfirmRollout")).filteredOn(s -> !s.parked()).hasSize(waits.size() + 1);
        // the gate stays open for the rest of the run
        assertThat(store.gate(id, GateType.CONFIRM_ROLLOUT).open()).isTrue();

        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(h.runWeights(doc, rollout)).containsExactly(100, 0);
        // beyond the loadtester (whose gates stay open): the next rollout needs a fresh approval
        assertThat(store.gates(id).values()).allSatisfy(g -> {
            assertThat(g.open()).isFalse();
            assertThat(g.waitingTaskToken()).isEmpty();
        });
        assertThat(h.sequence("/gated/pre-rollout", "/gated/post-rollout")).containsExactly(
                "/gated/pre-rollout:Progressing",
                "/gated/post-rollout:Succeeded");
        assertThat(count(h, doc, "Halt gated.e2e advancement waiting for approval approve")).isOne();
        assertThat(h.messages(id)).containsSubsequence(
                "Halt gated.e2e advancement waiting for approval approve",
                "Confirm-rollout check approve passed",
                "New revision detected! Scaling up gated.e2e",
                "Starting canary analysis for gated.e2e",
                "Advance gated.e2e canary weight 100",
                "Copying gated.e2e template spec to gated-primary.e2e",
                "Promotion completed! Scaling down gated.e2e");
    }

    @Test
    void confirmPromotionClosedWaitsInWaitingPromotionWhileTheAnalysisContinues() throws Exception {
        String hooks = hooks();
        h.hooks.script("/cp/confirm-promotion", Reply.status(403), Reply.status(403), Reply.status(403),
                Reply.status(200));
        CanaryDocument doc = h.canary(CanaryYaml.named("cp").metricsServer(hooks).analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 50
                    maxWeight: 50
                    webhooks:
                      - name: pre
                        type: pre-rollout
                        url: %1$s/cp/pre-rollout
                      - name: load
                        type: rollout
                        url: %1$s/cp/rollout
                      - name: promote
                        type: confirm-promotion
                        url: %1$s/cp/confirm-promotion
                      - name: post
                        type: post-rollout
                        url: %1$s/cp/post-rollout
                """.formatted(hooks)));
        tap.watch(doc);

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        // the analysis ticks after the first refusal run in WaitingPromotion, with the traffic left where it was
        List<Snapshot> waiting = tap.before(doc, "Analysis").stream()
                .filter(s -> s.status().orElseThrow().phase() == CanaryPhase.WAITING_PROMOTION).toList();
        assertThat(waiting).hasSize(3);
        assertThat(waiting).allSatisfy(s -> {
            assertThat(s.weights("cp")).isEqualTo("50/50");
            assertThat(s.status().orElseThrow().failedChecks()).isZero();
        });
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(h.runWeights(doc, rollout)).containsExactly(50, 0);

        // rollout hooks keep being called (phase Progressing, hard-coded) before each confirm-promotion
        assertThat(h.sequence("/cp/pre-rollout", "/cp/rollout", "/cp/confirm-promotion", "/cp/post-rollout"))
                .containsExactly(
                        "/cp/pre-rollout:Progressing",
                        "/cp/rollout:Progressing",
                        "/cp/confirm-promotion:Progressing",
                        "/cp/rollout:Progressing",
                        "/cp/confirm-promotion:Progressing",
                        "/cp/rollout:Progressing",
                        "/cp/confirm-promotion:Progressing",
                        "/cp/rollout:Progressing",
                        "/cp/confirm-promotion:Progressing",
                        "/cp/post-rollout:Succeeded");
        CanaryId id = doc.canary().id();
        String halt = "Halt cp.e2e advancement waiting for promotion approval promote";
        assertThat(count(h, doc, halt)).isOne();
        // recorded as Flagger records it: on the canary as the tick read it (Progressing); WaitingPromotion is set on a copy
        assertThat(h.events(id)).filteredOn(e -> e.message().equals(halt))
                .allSatisfy(e -> assertThat(e.phase()).isEqualTo(CanaryPhase.PROGRESSING));
        assertThat(h.messages(id)).containsSubsequence(
                "Starting canary analysis for cp.e2e",
                "Advance cp.e2e canary weight 50",
                halt,
                "Confirm-promotion check promote passed",
                "Copying cp.e2e template spec to cp-primary.e2e",
                "Routing all traffic to primary",
                "Promotion completed! Scaling down cp.e2e");
        assertThat(count(h, doc, "Confirm-promotion check promote passed")).isOne();
        assertThat(count(h, doc, "Advance cp.e2e canary weight 50")).isOne();
    }

    @Test
    void confirmTrafficIncreaseClosedHoldsTheWeightAndWarnsEveryTick() throws Exception {
        String hooks = hooks();
        h.hooks.script("/cti/confirm-traffic-increase", Reply.status(200), Reply.status(403), Reply.status(403),
                Reply.status(200));
        CanaryDocument doc = h.canary(CanaryYaml.named("cti").metricsServer(hooks).analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 25
                    maxWeight: 50
                    webhooks:
                      - name: pre
                        type: pre-rollout
                        url: %1$s/cti/pre-rollout
                      - name: load
                        type: rollout
                        url: %1$s/cti/rollout
                      - name: increase
                        type: confirm-traffic-increase
                        url: %1$s/cti/confirm-traffic-increase
                      - name: post
                        type: post-rollout
                        url: %1$s/cti/post-rollout
                """.formatted(hooks)));
        tap.watch(doc);

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        // ticks 2 and 3 were refused: the weight stays at 25, no phase change, no failed check
        List<Snapshot> ticks = tap.before(doc, "Analysis").stream().filter(s -> !s.parked()).toList();
        assertThat(ticks).extracting(s -> s.weights("cti")).containsExactly("75/25", "75/25", "75/25", "50/50");
        assertThat(ticks).allSatisfy(s -> {
            assertThat(s.status().orElseThrow().phase()).isEqualTo(CanaryPhase.PROGRESSING);
            assertThat(s.status().orElseThrow().failedChecks()).isZero();
        });
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(h.status(doc).failedChecks()).isZero();
        assertThat(h.runWeights(doc, rollout)).containsExactly(25, 50, 0);

        // the gate is asked on every tick, the promotion step included (contract section 1)
        assertThat(h.sequence("/cti/pre-rollout", "/cti/rollout", "/cti/confirm-traffic-increase", "/cti/post-rollout"))
                .containsExactly(
                        "/cti/pre-rollout:Progressing",
                        "/cti/confirm-traffic-increase:Progressing",
                        "/cti/rollout:Progressing",
                        "/cti/confirm-traffic-increase:Progressing",
                        "/cti/rollout:Progressing",
                        "/cti/confirm-traffic-increase:Progressing",
                        "/cti/rollout:Progressing",
                        "/cti/confirm-traffic-increase:Progressing",
                        "/cti/rollout:Progressing",
                        "/cti/confirm-traffic-increase:Progressing",
                        "/cti/post-rollout:Succeeded");
        String halt = "Halt cti.e2e advancement waiting for traffic increase approval increase";
        assertThat(count(h, doc, halt)).isEqualTo(2);
        assertThat(h.messages(doc.canary().id())).containsSubsequence(
                "Starting canary analysis for cti.e2e",
                "Confirm-traffic-increase check increase passed",
                "Advance cti.e2e canary weight 25",
                halt,
                halt,
                "Confirm-traffic-increase check increase passed",
                "Advance cti.e2e canary weight 50",
                "Confirm-traffic-increase check increase passed",
                "Copying cti.e2e template spec to cti-primary.e2e",
                "Promotion completed! Scaling down cti.e2e");
        assertThat(h.events(doc.canary().id())).allSatisfy(e -> assertThat(e.failedChecks()).isZero());
    }

    @Test
    void rollbackHooksAreNotAskedWhenConfirmRolloutIsOpenAtOnce() throws Exception {
        String hooks = hooks();
        h.hooks.script("/crrb/rollback", Reply.status(403));
        CanaryDocument doc = h.canary(CanaryYaml.named("crrb").metricsServer(hooks).analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 50
                    maxWeight: 50
                    webhooks:
                      - name: approve
                        type: confirm-rollout
                        url: %1$s/crrb/confirm-rollout
                      - name: rb
                        type: rollback
                        url: %1$s/crrb/rollback
                """.formatted(hooks)));

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        // contract section 1: rollback hooks run on Progressing/Waiting/WaitingPromotion ticks (#1432 extends
        // them to the Waiting of confirm-rollout), never on the Initialized check that approves the rollout;
        // today the sequence starts with "/crrb/rollback:Initialized" and a "Rollback hook rb not signaling"
        // event precedes "New revision detected!"
        List<String> seq = h.sequence("/crrb/confirm-rollout", "/crrb/rollback");
        assertThat(seq).first().isEqualTo("/crrb/confirm-rollout:Initialized");
        assertThat(seq).doesNotContain("/crrb/rollback:Initialized");
        assertThat(seq.subList(1, seq.size())).containsOnly("/crrb/rollback:Progressing");
        assertThat(h.messages(doc.canary().id())).containsSubsequence(
                "Confirm-rollout check approve passed",
                "New revision detected! Scaling up crrb.e2e",
                "Starting canary analysis for crrb.e2e",
                "Rollback hook rb not signaling a rollback");
        assertThat(h.messages(doc.canary().id()).subList(0, h.messages(doc.canary().id())
                .indexOf("New revision detected! Scaling up crrb.e2e"))).noneMatch(m -> m.startsWith("Rollback hook"));
    }
}
