package dev.flagstep.local.phases;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.local.e2e.CanaryYaml;
import dev.flagstep.local.phases.PhaseRig.Effects;
import dev.flagstep.local.phases.PhaseRig.Rollout;
import dev.flagstep.phases.PhaseHandler;
import dev.flagstep.store.RunResult;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two deliveries of the same task at once, as when Step Functions retries a Lambda invoke
 * ({@code Lambda.SdkClientException}, {@code Lambda.ServiceException}) whose first invocation is in
 * fact still running. The store is made to let both deliveries read the status before either
 * writes (the worst interleaving, forced rather than hoped for), so both act on the same version.
 *
 * <p>One delivery claims the tick (the conditional write of its memo, Delivery); the other finds it
 * in progress, waits for its answer and replays that decision. So the weight and failedChecks advance
 * once, and the side effects taken before the save (webhook calls, events, the run's weight timeline)
 * happen once too (docs/architecture.md, "One tick").
 */
class ConcurrentDeliveryTest {

    static PhaseRig rig;

    @BeforeAll
    static void start() {
        rig = PhaseRig.start();
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    record Both(List<JsonNode> outputs, Effects before, Effects after) {
        List<String> decisions() {
            return outputs.stream().map(o -> o.path("decision").asText()).toList();
        }

        List<String> addedEvents() {
            return after.events().subList(before.events().size(), after.events().size());
        }
    }

    /** Two threads deliver the same input to {@code handler}; both read the status before either writes. */
    static Both concurrently(PhaseHandler handler, Rollout r) throws Exception {
        ObjectNode input = PhaseRig.input(handler, r, PhaseRig.freshTick(handler));
        Effects before = rig.effects(r);
        rig.holdStatusReads();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<JsonNode> a = pool.submit(() -> handler.handle(input.deepCopy()));
            Future<JsonNode> b = pool.submit(() -> handler.handle(input.deepCopy()));
            List<JsonNode> outputs = List.of(a.get(60, TimeUnit.SECONDS), b.get(60, TimeUnit.SECONDS));
            rig.settle();
            Both both = new Both(outputs, before, rig.effects(r));
            assertThat(both.outputs().get(1)).as("both deliveries answer the same").isEqualTo(both.outputs().get(0));
            return both;
        } finally {
            rig.releaseStatusReads();
            pool.shutdownNow();
        }
    }

    static String analysis(String name) {
        return """
                    interval: 10s
                    threshold: 5
                    stepWeight: 10
                    maxWeight: 50
                    metrics:
                      - name: request-success-rate
                        thresholdRange:
                          min: 99
                        interval: 1m
                """ + CanaryYaml.webhooks(rig.hooks.url("/" + name).toString(), "rollout", "confirm-traffic-increase", "post-rollout");
    }

    /** Progressing at weight 0: the next PreRollout passes and takes the first traffic step. */
    static Rollout started(String name) {
        return rig.started(rig.canary(name, analysis(name)));
    }

    /** ... and at the first step: what Analysis acts on. */
    static Rollout analysing(String name) {
        return rig.analysing(rig.canary(name, analysis(name)));
    }

    // --- the status: one write wins, both answer its decision ---

    @Test
    void advanceTrafficDeliveredTwiceAtOnceAdvancesTheStatusOnce() throws Exception {
        Rollout r = started("conc-advance");

        Both both = concurrently(rig.preRollout, r);

        assertThat(both.decisions()).containsExactly("advanced", "advanced");
        // two conditional writes by the winner (its claim of the tick, then its decision); none by the other
        assertThat(both.after().status().version()).isEqualTo(both.before().status().version() + 2);
        assertThat(both.after().status().status().canaryWeight()).isEqualTo(10);
        assertThat(both.after().routes()).isEqualTo(Routes.of(90, 10));
    }

    @Test
    void aFailingAnalysisDeliveredTwiceAtOnceCountsOneFailedCheck() throws Exception {
        Rollout r = analysing("conc-fail");
        rig.hooks.script("/conc-fail/rollout", Reply.status(500).body("load test failed"));

        Both both = concurrently(rig.analysis, r);

        assertThat(both.decisions()).containsExactly("failed", "failed");
        // two conditional writes by the winner (its claim of the tick, then its decision); none by the other
        assertThat(both.after().status().version()).isEqualTo(both.before().status().version() + 2);
        assertThat(both.after().status().status().failedChecks()).isEqualTo(1);
    }

    @Test
    void postRolloutDeliveredTwiceAtOnceFinishesTheRunOnce() throws Exception {
        Rollout r = analysing("conc-post");
        rig.expect(rig.rollback, r, "rolledBack");

        Both both = concurrently(rig.postRollout, r);

        assertThat(both.decisions()).containsExactly("failed", "failed");
        assertThat(both.after().run().orElseThrow().result()).isEqualTo(RunResult.FAILED);
        assertThat(both.after().activeRun()).isEmpty();
    }

    // --- the side effects before the save ---

    @Test
    void advanceTrafficDeliveredTwiceAtOnceLeavesOneTimelinePointOneEventAndOneGateCall() throws Exception {
        Rollout r = started("conc-advance-effects");

        Both both = concurrently(rig.preRollout, r);

        assertThat(both.decisions()).containsExactly("advanced", "advanced");
        assertThat(rig.weights(r)).containsExactly(10);
        assertThat(both.addedEvents()).containsOnlyOnce("Advance conc-advance-effects.idem canary weight 10");
        assertThat(both.after().published().stream().filter(m -> m.endsWith("canary weight 10")).count()).isEqualTo(1);
        assertThat(rig.calls("/conc-advance-effects/confirm-traffic-increase")).isEqualTo(1);
    }

    @Test
    void aFailingAnalysisDeliveredTwiceAtOnceCallsTheHookAndWarnsOnce() throws Exception {
        Rollout r = analysing("conc-fail-effects");
        rig.hooks.script("/conc-fail-effects/rollout", Reply.status(500).body("load test failed"));

        Both both = concurrently(rig.analysis, r);

        assertThat(both.decisions()).containsExactly("failed", "failed");
        assertThat(rig.calls("/conc-fail-effects/rollout")).isEqualTo(1);
        assertThat(both.addedEvents()).hasSize(1);
    }

    @Test
    void postRolloutDeliveredTwiceAtOnceSendsThePostRolloutHookOnce() throws Exception {
        Rollout r = analysing("conc-post-effects");
        rig.expect(rig.rollback, r, "rolledBack");

        Both both = concurrently(rig.postRollout, r);

        assertThat(both.decisions()).containsExactly("failed", "failed");
        assertThat(rig.calls("/conc-post-effects/post-rollout")).isEqualTo(1);
        assertThat(both.addedEvents()).containsOnlyOnce("Post-rollout check post passed");
    }
}
