package dev.flagstep.local.phases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.local.phases.PhaseRig.Effects;
import dev.flagstep.local.phases.PhaseRig.Rollout;
import dev.flagstep.phases.PhaseHandler;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.store.RunResult;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Step Functions may run a task twice (docs/architecture.md, "One tick"; docs/retries.md). For every phase handler,
 * the canary is brought (by the real handlers, against real parts) to the state where that handler
 * acts, the handler is invoked, then invoked again with the very same input (same {@code tick}).
 * The second delivery must answer the same output and change nothing at all: no status write, no
 * traffic change, no point on the run's weight timeline, no event (history or publisher), no
 * webhook or Prometheus call, no run finished again. The first delivery's effect is asserted too,
 * so "nothing changed" cannot pass because nothing happened.
 */
class HandlerIdempotencyTest {

    static PhaseRig rig;

    @BeforeAll
    static void start() {
        rig = PhaseRig.start();
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    /** What a delivery and its replay did: the effects before, after the first, after the second. */
    record Twice(String decision, JsonNode output, Effects before, Effects first) {
        int outboundCallsOfFirst() {
            return first.outboundCalls() - before.outboundCalls();
        }

        /** The events the first delivery recorded, oldest first. */
        java.util.List<String> addedEvents() {
            return first.events().subList(before.events().size(), first.events().size());
        }
    }

    /**
     * Delivers the same task twice; asserts the replay answered the same output and left every
     * effect as the first delivery left it.
     */
    static Twice twice(PhaseHandler handler, Rollout r) {
        ObjectNode input = PhaseRig.input(handler, r, PhaseRig.freshTick(handler));
        Effects before = rig.effects(r);
        JsonNode first = handler.handle(input.deepCopy());
        rig.settle();
        Effects afterFirst = rig.effects(r);
        JsonNode second = handler.handle(input.deepCopy());
        rig.settle();
        Effects afterSecond = rig.effects(r);
        String what = handler.getClass().getSimpleName() + " delivered twice with " + input;
        assertThat(second).as(what + ": the replay's answer").isEqualTo(first);
        assertThat(afterSecond).as(what + ": effects after the replay").isEqualTo(afterFirst);
        return new Twice(first.path("decision").asText(), first, before, afterFirst);
    }

    /** Every hook of a canary at {@code /{name}/{type}}; the rollback hook does not signal unless scripted. */
    static String analysis(String name, String extra) {
        String base = rig.hooks.url("/" + name).toString();
        rig.hooks.script("/" + name + "/rollback", Reply.status(404));
        return """
                    interval: 10s
                    threshold: 5
                %2$s
                    metrics:
                      - name: request-success-rate
                        thresholdRange:
                          min: 99
                        interval: 1m
                    webhooks:
                      - name: confirm
                        type: confirm-rollout
                        url: %1$s/confirm-rollout
                      - name: stop
                        type: rollback
                        url: %1$s/rollback
                      - name: pre
                        type: pre-rollout
                        url: %1$s/pre-rollout
                      - name: load
                        type: rollout
                        url: %1$s/rollout
                      - name: traffic
                        type: confirm-traffic-increase
                        url: %1$s/confirm-traffic-increase
                      - name: promote
                        type: confirm-promotion
                        url: %1$s/confirm-promotion
                      - name: post
                        type: post-rollout
                        url: %1$s/post-rollout
                """.formatted(base, extra.stripTrailing());
    }

    static final String STEPS = """
                stepWeight: 10
                maxWeight: 20
            """;

    static CanaryDocument canary(String name) {
        return rig.canary(name, analysis(name, STEPS));
    }

    /** Analysing at weight 20 with every check passing: the next Analysis answers {@code promote}. */
    static Rollout atMaxWeight(CanaryDocument doc) {
        Rollout r = rig.analysing(doc);
        rig.expect(rig.analysis, r, "advanced");
        assertThat(rig.routes(r).canary()).isEqualTo(20);
        return r;
    }

    /** confirm-promotion opened: phase Promoting, the primary has the new template. */
    static Rollout promoting(CanaryDocument doc) {
        Rollout r = atMaxWeight(doc);
        rig.expect(rig.analysis, r, "promote");
        rig.expect(rig.confirmPromotion, r, "open");
        return r;
    }

    // --- Initialize ---

    @Test
    void initializeFirstPassCreatesThePrimaryAndWaitsForItOnce() {
        CanaryDocument doc = canary("init-first");
        Rollout r = new Rollout(doc, UUID.randomUUID().toString(), rig.cluster(doc).targetRevision());

        rig.sim.holdUnready("init-first-primary", true); // its pods are still starting
        Twice t;
        try {
            t = twice(rig.initialize, r);
        } finally {
            rig.sim.holdUnready("init-first-primary", false);
        }

        assertThat(t.decision()).isEqualTo("initializing");
        assertThat(t.first().primary()).isEqualTo("2x" + PhaseRig.IMAGE);
        assertThat(t.first().canary()).as("the target keeps serving").isEqualTo("2x" + PhaseRig.IMAGE);
        assertThat(t.first().status().status().phase()).isEqualTo(CanaryPhase.INITIALIZING);
        assertThat(t.first().activeRun().orElseThrow().runId()).isEqualTo(r.runId());
        // Flagger checks the metric providers on every tick of a canary still Initializing, then waits for the primary
        assertThat(t.first().events()).hasSize(2);
        assertThat(t.first().events().get(0)).isEqualTo("all the metrics providers are available!");
        assertThat(t.first().events().get(1)).startsWith("init-first-primary.idem not ready: ");
        assertThat(t.first().published()).isEqualTo(t.first().events());
    }

    @Test
    void initializeOfAReadyPrimaryFinishesTheOnboardingAndItsRunOnce() {
        CanaryDocument doc = canary("init-ready");
        Rollout r = new Rollout(doc, UUID.randomUUID().toString(), rig.cluster(doc).targetRevision());
        rig.sim.holdUnready("init-ready-primary", true);
        try {
            rig.expect(rig.initialize, r, "initializing");
        } finally {
            rig.sim.holdUnready("init-ready-primary", false);
        }
        rig.settle();
        var since = rig.status(r).status().lastTransitionTime();

        Twice t = twice(rig.initialize, r);

        assertThat(t.decision()).isEqualTo("done");
        assertThat(t.first().primary()).isEqualTo("2x" + PhaseRig.IMAGE);
        assertThat(t.first().canary()).startsWith("0x");
        assertThat(t.before().status().status().lastTransitionTime()).as("the onboarding's start, kept").isEqualTo(since);
        assertThat(t.first().status().status().phase()).isEqualTo(CanaryPhase.INITIALIZED);
        assertThat(t.first().run().orElseThrow().result()).isEqualTo(RunResult.SUCCEEDED);
        assertThat(t.first().activeRun()).isEmpty();
        assertThat(t.first().events()).endsWith("Initialization done! init-ready.idem");
        assertThat(t.first().published()).isEqualTo(t.first().events());
    }

    @Test
    void initializeOfANewRevisionRecordsItOnce() {
        CanaryDocument doc = canary("init-new");
        rig.firstPass(doc);
        Rollout r = rig.newRevision(doc, PhaseRig.NEW_IMAGE);

        Twice t = twice(rig.initialize, r);

        assertThat(t.decision()).isEqualTo("initialized");
        // two conditional writes: the claim of the tick, then its decision
        assertThat(t.first().status().version()).isEqualTo(t.before().status().version() + 2);
        assertThat(t.first().status().status().checksum()).isNotEqualTo(t.before().status().status().checksum());
        assertThat(t.first().activeRun().orElseThrow().runId()).isEqualTo(r.runId());
        assertThat(t.outboundCallsOfFirst()).isZero();
    }

    @Test
    void initializeRestartingARunInFlightRoutesBackToThePrimaryOnce() {
        CanaryDocument doc = canary("init-restart");
        Rollout old = rig.analysing(doc);
        assertThat(rig.routes(old).canary()).isEqualTo(10);
        Rollout r = rig.newRevision(doc, PhaseRig.NEWER_IMAGE);

        Twice t = twice(rig.initialize, r);

        assertThat(t.decision()).isEqualTo("restarted");
        assertThat(t.first().routes()).isEqualTo(Routes.allPrimary());
        assertThat(rig.weights(r)).containsExactly(0);
        assertThat(rig.run(old).result()).isEqualTo(RunResult.SUPERSEDED);
        assertThat(t.first().status().status().phase()).isEqualTo(CanaryPhase.PROGRESSING);
        assertThat(t.first().events().size()).isGreaterThan(t.before().events().size());
    }

    // --- ConfirmRollout ---

    @Test
    void confirmRolloutOpenAsksItsHooksOnce() {
        CanaryDocument doc = canary("confirm-open");
        Rollout r = rig.initialized(doc);

        Twice t = twice(rig.confirmRollout, r);

        assertThat(t.decision()).isEqualTo("open");
        assertThat(rig.calls("/confirm-open/confirm-rollout")).isEqualTo(1);
        // rollback hooks are asked only while the rollout waits (Flagger asks none on the first check)
        assertThat(rig.calls("/confirm-open/rollback")).isZero();
        assertThat(t.outboundCallsOfFirst()).isEqualTo(1);
    }

    @Test
    void confirmRolloutClosedHaltsOnceAndAsksOnce() {
        CanaryDocument doc = canary("confirm-closed");
        rig.hooks.script("/confirm-closed/confirm-rollout", Reply.status(403).body("Forbidden"));
        Rollout r = rig.initialized(doc);

        Twice t = twice(rig.confirmRollout, r);

        assertThat(t.decision()).isEqualTo("closed");
        assertThat(t.first().status().status().phase()).isEqualTo(CanaryPhase.WAITING);
        assertThat(rig.calls("/confirm-closed/confirm-rollout")).isEqualTo(1);
        assertThat(t.addedEvents()).containsExactly(
                "Halt confirm-closed.idem advancement waiting for approval confirm");
    }

    @Test
    void confirmRolloutSignalledByARollbackHookAsksOnce() {
        CanaryDocument doc = canary("confirm-rb");
        Rollout r = rig.initialized(doc);
        // held first (phase Waiting): only then are the rollback hooks asked (#1432)
        rig.hooks.script("/confirm-rb/confirm-rollout", Reply.status(403).body("Forbidden"));
        rig.expect(rig.confirmRollout, r, "closed");
        rig.hooks.script("/confirm-rb/rollback", Reply.status(200));

        Twice t = twice(rig.confirmRollout, r);

        assertThat(t.decision()).isEqualTo("rollback");
        assertThat(rig.calls("/confirm-rb/rollback")).isEqualTo(1);
        assertThat(rig.calls("/confirm-rb/confirm-rollout")).isEqualTo(1);
    }

    // --- StartRollout ---

    @Test
    void startRolloutScalesUpAndAnnouncesTheRevisionOnce() {
        CanaryDocument doc = canary("start");
        Rollout r = rig.confirmed(doc);

        Twice t = twice(rig.startRollout, r);

        assertThat(t.decision()).isEqualTo("started");
        assertThat(t.before().canary()).startsWith("0x");
        assertThat(t.first().canary()).doesNotStartWith("0x").endsWith(PhaseRig.NEW_IMAGE);
        assertThat(t.first().status().status().phase()).isEqualTo(CanaryPhase.PROGRESSING);
        assertThat(t.first().events()).containsOnlyOnce("New revision detected! Scaling up start.idem");
        assertThat(t.first().published()).containsOnlyOnce("New revision detected! Scaling up start.idem");
    }

    // --- PreRollout ---

    @Test
    void preRolloutPassingCallsItsHookOnce() {
        CanaryDocument doc = canary("pre-pass");
        Rollout r = rig.started(doc);

        Twice t = twice(rig.preRollout, r);

        // the pre-rollout checks passed, and the same tick took the first traffic step
        assertThat(t.decision()).isEqualTo("advanced");
        assertThat(rig.calls("/pre-pass/pre-rollout")).isEqualTo(1);
        assertThat(rig.calls("/pre-pass/rollback")).as("asked by PreRollout only: ConfirmRollout opened at once").isEqualTo(1);
        assertThat(t.first().events()).containsOnlyOnce("Starting canary analysis for pre-pass.idem");
        assertThat(t.before().routes().canary()).isZero();
        assertThat(t.first().routes().canary()).isEqualTo(10);
    }

    @Test
    void preRolloutFailingCountsOneFailedCheck() {
        CanaryDocument doc = canary("pre-fail");
        rig.hooks.script("/pre-fail/pre-rollout", Reply.status(500).body("boom"));
        Rollout r = rig.started(doc);

        Twice t = twice(rig.preRollout, r);

        assertThat(t.decision()).isEqualTo("failed");
        assertThat(t.first().status().status().failedChecks()).isEqualTo(1);
        assertThat(rig.calls("/pre-fail/pre-rollout")).isEqualTo(1);
    }

    // --- the traffic step, in the tick whose checks passed (PreRollout, Analysis) ---

    @Test
    void advanceTrafficAdvancesTheWeightOnce() {
        CanaryDocument doc = canary("advance");
        Rollout r = rig.started(doc);

        Twice t = twice(rig.preRollout, r);

        assertThat(t.decision()).isEqualTo("advanced");
        assertThat(t.first().routes()).isEqualTo(Routes.of(90, 10));
        assertThat(rig.weights(r)).containsExactly(10);
        assertThat(t.first().status().status().canaryWeight()).isEqualTo(10);
        assertThat(t.first().events()).containsOnlyOnce("Advance advance.idem canary weight 10");
        assertThat(rig.calls("/advance/confirm-traffic-increase")).isEqualTo(1);
    }

    /**
     * A PreRollout delivery fails after it moved traffic to the first step; its retry takes the claim it
     * gave back. The router already shows 10, but the tick started at 0: the retry runs the pre-rollout
     * checks again (not the analysis of the weight the router shows) and moves traffic once.
     */
    @Test
    void aPreRolloutRetriedAfterItMovedTrafficChecksAsItsTickStartedAndAdvancesOnce() {
        CanaryDocument doc = canary("pre-retry");
        Rollout r = rig.started(doc);
        ObjectNode input = PhaseRig.input(rig.preRollout, r, PhaseRig.freshTick(rig.preRollout));
        rig.failNextAppendWeight();
        assertThatThrownBy(() -> rig.preRollout.handle(input.deepCopy())).hasMessageContaining("after the weight changed");
        rig.settle();
        assertThat(rig.routes(r).canary()).as("the failed delivery moved traffic").isEqualTo(10);

        JsonNode again = rig.preRollout.handle(input.deepCopy());
        rig.settle();

        assertThat(again.path("decision").asText()).isEqualTo("advanced");
        assertThat(rig.routes(r)).isEqualTo(Routes.of(90, 10));
        assertThat(rig.weights(r)).containsExactly(10);
        assertThat(rig.status(r).status().canaryWeight()).isEqualTo(10);
        // asked again, as Flagger asks again on the tick after a restart; the rollout hooks are not this tick's
        assertThat(rig.calls("/pre-retry/pre-rollout")).isEqualTo(2);
        assertThat(rig.calls("/pre-retry/rollout")).isZero();
    }

    @Test
    void advanceTrafficOfABlueGreenCountsOneIteration() {
        CanaryDocument doc = rig.canary("bluegreen", analysis("bluegreen", """
                    iterations: 3
                """));
        Rollout r = rig.started(doc);

        Twice t = twice(rig.preRollout, r);

        assertThat(t.decision()).isEqualTo("advanced");
        assertThat(t.before().status().status().iterations()).isZero();
        assertThat(t.first().status().status().iterations()).isEqualTo(1);
        assertThat(t.first().routes()).isEqualTo(Routes.allPrimary());
    }

    @Test
    void advanceTrafficBehindAClosedTrafficGateHaltsOnce() {
        CanaryDocument doc = canary("advance-closed");
        rig.hooks.script("/advance-closed/confirm-traffic-increase", Reply.status(403));
        Rollout r = rig.started(doc);

        Twice t = twice(rig.preRollout, r);

        assertThat(t.decision()).isEqualTo("closed");
        assertThat(t.first().routes()).isEqualTo(Routes.allPrimary());
        assertThat(rig.weights(r)).isEmpty();
        assertThat(rig.calls("/advance-closed/confirm-traffic-increase")).isEqualTo(1);
    }

    @Test
    void advanceTrafficAtTheLastStepAsksForPromotionOnce() {
        CanaryDocument doc = canary("advance-last");
        Rollout r = atMaxWeight(doc);

        Twice t = twice(rig.analysis, r);

        assertThat(t.decision()).isEqualTo("promote");
        assertThat(t.first().routes()).isEqualTo(Routes.of(80, 20));
        assertThat(rig.weights(r)).containsExactly(10, 20);
    }

    // --- Analysis ---

    @Test
    void analysisPassingAsksEveryCheckOnce() {
        CanaryDocument doc = canary("analysis-pass");
        Rollout r = rig.analysing(doc);
        int queries = rig.calls("/api/v1/query");

        Twice t = twice(rig.analysis, r);

        assertThat(t.decision()).isEqualTo("advanced");
        assertThat(rig.calls("/analysis-pass/rollout")).isEqualTo(1);
        assertThat(rig.calls("/api/v1/query")).isEqualTo(queries + 1);
        assertThat(rig.calls("/analysis-pass/confirm-traffic-increase")).isEqualTo(2);
        // rollback hook (also asked by ConfirmRollout and PreRollout), rollout hook, Prometheus, then the
        // traffic step's confirm-traffic-increase hook (also asked by PreRollout's step)
        assertThat(t.outboundCallsOfFirst()).isEqualTo(4);
        assertThat(rig.weights(r)).containsExactly(10, 20);
        assertThat(t.first().status().status().failedChecks()).isZero();
    }

    @Test
    void analysisWithAFailingMetricCountsOneFailedCheck() {
        CanaryDocument doc = rig.canary("analysis-metric", rig.badProm.url("").toString(), analysis("analysis-metric", STEPS));
        Rollout r = rig.analysing(doc);
        int queries = rig.badProm.requests("/api/v1/query").size();

        Twice t = twice(rig.analysis, r);

        assertThat(t.decision()).isEqualTo("failed");
        assertThat(t.first().status().status().failedChecks()).isEqualTo(1);
        assertThat(rig.badProm.requests("/api/v1/query")).hasSize(queries + 1);
        assertThat(t.addedEvents()).hasSize(2);
        assertThat(t.addedEvents().getLast()).isEqualTo("Halt analysis-metric.idem advancement success rate 42.00% < 99%");
        assertThat(t.first().routes()).isEqualTo(Routes.of(90, 10));
    }

    @Test
    void analysisWithAFailingRolloutHookCountsOneFailedCheck() {
        CanaryDocument doc = canary("analysis-hook");
        rig.hooks.script("/analysis-hook/rollout", Reply.status(500).body("load test failed"));
        Rollout r = rig.analysing(doc);

        Twice t = twice(rig.analysis, r);

        assertThat(t.decision()).isEqualTo("failed");
        assertThat(t.first().status().status().failedChecks()).isEqualTo(1);
        assertThat(rig.calls("/analysis-hook/rollout")).isEqualTo(1);
    }

    @Test
    void analysisAtTheThresholdDecidesRollbackOnce() {
        CanaryDocument doc = rig.canary("analysis-threshold", rig.badProm.url("").toString(),
                analysis("analysis-threshold", STEPS).replace("threshold: 5", "threshold: 1"));
        Rollout r = rig.analysing(doc);
        rig.expect(rig.analysis, r, "failed");

        Twice t = twice(rig.analysis, r);

        assertThat(t.decision()).isEqualTo("rollback");
        assertThat(t.first().status().status().failedChecks()).isEqualTo(1);
    }

    // --- ConfirmPromotion ---

    @Test
    void confirmPromotionOpenCopiesTheTemplateOnce() {
        CanaryDocument doc = canary("promotion-open");
        Rollout r = atMaxWeight(doc);
        rig.expect(rig.analysis, r, "promote");
        assertThat(rig.effects(r).primary()).isEqualTo("2x" + PhaseRig.IMAGE);

        Twice t = twice(rig.confirmPromotion, r);

        assertThat(t.decision()).isEqualTo("open");
        assertThat(t.first().primary()).endsWith(PhaseRig.NEW_IMAGE);
        assertThat(t.first().status().status().phase()).isEqualTo(CanaryPhase.PROMOTING);
        assertThat(t.first().events()).containsOnlyOnce("Copying promotion-open.idem template spec to promotion-open-primary.idem");
        assertThat(rig.calls("/promotion-open/confirm-promotion")).isEqualTo(1);
    }

    @Test
    void confirmPromotionClosedWaitsOnce() {
        CanaryDocument doc = canary("promotion-closed");
        rig.hooks.script("/promotion-closed/confirm-promotion", Reply.status(403));
        Rollout r = atMaxWeight(doc);
        rig.expect(rig.analysis, r, "promote");

        Twice t = twice(rig.confirmPromotion, r);

        assertThat(t.decision()).isEqualTo("closed");
        assertThat(t.first().status().status().phase()).isEqualTo(CanaryPhase.WAITING_PROMOTION);
        assertThat(t.first().primary()).endsWith(PhaseRig.IMAGE);
        assertThat(rig.calls("/promotion-closed/confirm-promotion")).isEqualTo(1);
    }

    // --- Promote, Finalise ---

    @Test
    void promoteRoutesAllTrafficToThePrimaryOnce() {
        CanaryDocument doc = canary("promote");
        Rollout r = promoting(doc);

        Twice t = twice(rig.promote, r);

        assertThat(t.decision()).isEqualTo("done");
        assertThat(t.first().routes()).isEqualTo(Routes.allPrimary());
        assertThat(rig.weights(r)).containsExactly(10, 20, 0);
        assertThat(t.first().status().status().phase()).isEqualTo(CanaryPhase.FINALISING);
        assertThat(t.first().events()).containsOnlyOnce("Routing all traffic to primary");
    }

    @Test
    void promoteStepByStepAdvancesOneStepPerTick() {
        CanaryDocument doc = rig.canary("promote-steps", analysis("promote-steps", STEPS + """
                    stepWeightPromotion: 10
                """));
        Rollout r = promoting(doc);

        Twice t = twice(rig.promote, r);

        assertThat(t.decision()).isEqualTo("stepped");
        assertThat(t.first().routes()).isEqualTo(Routes.of(90, 10));
        assertThat(rig.weights(r)).containsExactly(10, 20, 10);
    }

    @Test
    void finaliseScalesTheCanaryDownOnce() {
        CanaryDocument doc = canary("finalise");
        Rollout r = promoting(doc);
        rig.expect(rig.promote, r, "done");

        Twice t = twice(rig.finalise, r);

        assertThat(t.decision()).isEqualTo("finalised");
        assertThat(t.first().canary()).startsWith("0x");
        assertThat(t.first().status().status().phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        // "Promotion completed!" follows the post-rollout hooks, in PostRollout, as Flagger records it
        assertThat(t.first().events()).doesNotContain("Promotion completed! Scaling down finalise.idem");
        assertThat(t.first().run().orElseThrow().result()).isEqualTo(RunResult.RUNNING);
    }

    // --- PostRollout after a promotion ---

    @Test
    void postRolloutAfterAPromotionCallsItsHookAndFinishesTheRunOnce() {
        CanaryDocument doc = canary("post-ok");
        Rollout r = promoting(doc);
        rig.expect(rig.promote, r, "done");
        rig.expect(rig.finalise, r, "finalised");

        Twice t = twice(rig.postRollout, r);

        assertThat(t.decision()).isEqualTo("succeeded");
        assertThat(rig.hooks.requests("/post-ok/post-rollout")).hasSize(1);
        assertThat(rig.hooks.requests("/post-ok/post-rollout").getFirst().bodyText()).contains("Succeeded");
        assertThat(t.first().run().orElseThrow().result()).isEqualTo(RunResult.SUCCEEDED);
        assertThat(t.first().run().orElseThrow().endedAt()).isPresent();
        assertThat(t.first().activeRun()).isEmpty();
        assertThat(t.first().events()).containsOnlyOnce("Post-rollout check post passed");
    }

    // --- Rollback, then PostRollout ---

    @Test
    void rollbackRoutesBackToThePrimaryAndFailsOnce() {
        CanaryDocument doc = canary("rollback");
        Rollout r = rig.analysing(doc);

        Twice t = twice(rig.rollback, r);

        assertThat(t.decision()).isEqualTo("rolledBack");
        assertThat(t.first().routes()).isEqualTo(Routes.allPrimary());
        assertThat(rig.weights(r)).containsExactly(10, 0);
        assertThat(t.first().canary()).startsWith("0x");
        assertThat(t.first().status().status().phase()).isEqualTo(CanaryPhase.FAILED);
        assertThat(t.first().events()).containsOnlyOnce("Canary failed! Scaling down rollback.idem");
        assertThat(t.outboundCallsOfFirst()).isZero();
    }

    @Test
    void rollbackOfACrashedPhaseRecordsTheErrorOnce() {
        CanaryDocument doc = canary("rollback-error");
        Rollout r = rig.analysing(doc);
        ObjectNode input = PhaseRig.input(rig.rollback, r, PhaseRig.freshTick(rig.rollback));
        input.putObject("error").put("Error", "KubeApiException").put("Cause", "connection refused");

        JsonNode first = rig.rollback.handle(input.deepCopy());
        rig.settle();
        Effects afterFirst = rig.effects(r);
        JsonNode second = rig.rollback.handle(input.deepCopy());
        rig.settle();

        assertThat(second).isEqualTo(first);
        assertThat(first.path("decision").asText()).isEqualTo("rolledBack");
        assertThat(rig.effects(r)).isEqualTo(afterFirst);
        assertThat(afterFirst.events().stream().filter(m -> m.contains("connection refused")).count()).isEqualTo(1);
    }

    @Test
    void postRolloutAfterARollbackCallsItsHookAndFailsTheRunOnce() {
        CanaryDocument doc = canary("post-failed");
        Rollout r = rig.analysing(doc);
        rig.expect(rig.rollback, r, "rolledBack");

        Twice t = twice(rig.postRollout, r);

        assertThat(t.decision()).isEqualTo("failed");
        assertThat(rig.hooks.requests("/post-failed/post-rollout")).hasSize(1);
        assertThat(rig.hooks.requests("/post-failed/post-rollout").getFirst().bodyText()).contains("Failed");
        assertThat(t.first().run().orElseThrow().result()).isEqualTo(RunResult.FAILED);
        assertThat(t.first().activeRun()).isEmpty();
    }

    // --- the memo is per tick, not per state ---

    @Test
    void aNewTickOfAnalysisAdvancesAgain() {
        CanaryDocument doc = rig.canary("new-tick-advance",
                analysis("new-tick-advance", STEPS.replace("maxWeight: 20", "maxWeight: 30")));
        Rollout r = rig.analysing(doc);
        twice(rig.analysis, r);

        Twice t = twice(rig.analysis, r);

        assertThat(t.decision()).isEqualTo("advanced");
        assertThat(rig.weights(r)).containsExactly(10, 20, 30);
        assertThat(t.first().routes()).isEqualTo(Routes.of(70, 30));
    }

    @Test
    void aNewTickOfAFailingAnalysisCountsAnotherFailedCheck() {
        CanaryDocument doc = rig.canary("new-tick-fail", rig.badProm.url("").toString(), analysis("new-tick-fail", STEPS));
        Rollout r = rig.analysing(doc);

        assertThat(twice(rig.analysis, r).first().status().status().failedChecks()).isEqualTo(1);
        Twice t = twice(rig.analysis, r);

        assertThat(t.decision()).isEqualTo("failed");
        assertThat(t.first().status().status().failedChecks()).isEqualTo(2);
        assertThat(t.outboundCallsOfFirst()).isEqualTo(3);
    }

    @Test
    void aNewTickOfAClosedConfirmRolloutAsksTheGateAgain() {
        CanaryDocument doc = canary("new-tick-gate");
        rig.hooks.script("/new-tick-gate/confirm-rollout", Reply.status(403), Reply.status(403), Reply.status(200));
        Rollout r = rig.initialized(doc);

        assertThat(twice(rig.confirmRollout, r).decision()).isEqualTo("closed");
        assertThat(twice(rig.confirmRollout, r).decision()).isEqualTo("closed");
        assertThat(twice(rig.confirmRollout, r).decision()).isEqualTo("open");
        assertThat(rig.calls("/new-tick-gate/confirm-rollout")).isEqualTo(3);
    }
}
