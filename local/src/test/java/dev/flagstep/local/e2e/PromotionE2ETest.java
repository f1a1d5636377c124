package dev.flagstep.local.e2e;

import static dev.flagstep.local.e2e.FailureKit.image;
import static dev.flagstep.local.e2e.FailureKit.replicas;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.testing.WebhookReceiver.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A canary promoted through every weight step, end to end. */
class PromotionE2ETest {

    static RolloutHarness h;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start();
        h.hooks.script(Prometheus.QUERY, Reply.status(200).body(Prometheus.vector(99.9)));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void stepWeightWalksTheWeightsThenPromotesAndCallsEveryHookInFlaggersOrder() throws Exception {
        String hooks = h.hooksUrl();
        CanaryDocument doc = h.canary(CanaryYaml.named("steps").metricsServer(hooks).analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 20
                    maxWeight: 50
                """ + CanaryYaml.SUCCESS_RATE + CanaryYaml.webhooks(hooks + "/steps",
                "confirm-rollout", "pre-rollout", "rollout", "confirm-promotion", "post-rollout")));

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        // Flagger's worked example: stepWeight 20, maxWeight 50 -> 20, 40, 60, then promotion
        assertThat(h.runWeights(doc, rollout)).containsExactly(20, 40, 60, 0);
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(image(h, "steps-primary")).isEqualTo(RolloutHarness.NEW_IMAGE);
        assertThat(replicas(h, "steps")).isZero();

        assertThat(h.sequence("/steps/confirm-rollout", "/steps/pre-rollout", "/steps/rollout",
                "/steps/confirm-promotion", "/steps/post-rollout")).containsExactly(
                "/steps/confirm-rollout:Initialized",
                "/steps/pre-rollout:Progressing",
                "/steps/rollout:Progressing",
                "/steps/rollout:Progressing",
                "/steps/rollout:Progressing",
                "/steps/confirm-promotion:Progressing",
                "/steps/post-rollout:Succeeded");
        assertThat(h.messages(doc.canary().id())).containsSubsequence(
                "New revision detected! Scaling up steps.e2e",
                "Starting canary analysis for steps.e2e",
                "Pre-rollout check pre passed",
                "Advance steps.e2e canary weight 20",
                "Advance steps.e2e canary weight 40",
                "Advance steps.e2e canary weight 60",
                "Copying steps.e2e template spec to steps-primary.e2e",
                "Routing all traffic to primary",
                "Post-rollout check post passed",
                "Promotion completed! Scaling down steps.e2e");
    }
}
