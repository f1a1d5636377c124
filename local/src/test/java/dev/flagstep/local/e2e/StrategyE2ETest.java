package dev.flagstep.local.e2e;

import static dev.flagstep.local.e2e.FailureKit.image;
import static dev.flagstep.local.e2e.FailureKit.replicas;
import static dev.flagstep.local.e2e.GateScenarios.count;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.local.e2e.GateScenarios.PhaseTap;
import dev.flagstep.local.e2e.GateScenarios.Snapshot;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Flagger's deployment strategies end to end (contract 3.4, 3.5, 3.3 steps 9 and 14): canary with
 * stepWeights, A/B testing, blue/green on a router and blue/green forced by the kubernetes provider,
 * and a skipped analysis.
 */
class StrategyE2ETest {

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

    /** pre-rollout, rollout, confirm-promotion and post-rollout hooks at /{name}/{type}. */
    private static String lifecycleHooks(String name) {
        return CanaryYaml.webhooks(hooks() + "/" + name, "pre-rollout", "rollout", "confirm-promotion", "post-rollout");
    }

    private static List<String> lifecycleSequence(String name) {
        return h.sequence("/" + name + "/pre-rollout", "/" + name + "/rollout", "/" + name + "/confirm-promotion",
                "/" + name + "/post-rollout");
    }

    @Test
    void stepWeightsWalkOneTwoTenEightyThenPromote() throws Exception {
        CanaryDocument doc = h.canary(CanaryYaml.named("stepws").metricsServer(hooks()).analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeights: [1, 2, 10, 80]
                """ + lifecycleHooks("stepws")));

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        // contract 3.4: "stepWeights [1,2,10,80] give 1, 2, 10, 80 and then promotion"
        assertThat(h.runWeights(doc, rollout)).containsExactly(1, 2, 10, 80, 0);
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(h.status(doc).failedChecks()).isZero();
        assertThat(image(h, "stepws-primary")).isEqualTo(RolloutHarness.NEW_IMAGE);
        assertThat(replicas(h, "stepws")).isZero();

        // tick 1: pre-rollout + weight 1; ticks 2-4: rollout + 2, 10, 80; tick 5: rollout + confirm-promotion
        assertThat(lifecycleSequence("stepws")).containsExactly(
                "/stepws/pre-rollout:Progressing",
                "/stepws/rollout:Progressing",
                "/stepws/rollout:Progressing",
                "/stepws/rollout:Progressing",
                "/stepws/rollout:Progressing",
                "/stepws/confirm-promotion:Progressing",
                "/stepws/post-rollout:Succeeded");
        assertThat(h.messages(doc.canary().id())).containsSubsequence(
                "New revision detected! Scaling up stepws.e2e",
                "Starting canary analysis for stepws.e2e",
                "Pre-rollout check pre passed",
                "Advance stepws.e2e canary weight 1",
                "Advance stepws.e2e canary weight 2",
                "Advance stepws.e2e canary weight 10",
                "Advance stepws.e2e canary weight 80",
                "Confirm-promotion check promote passed",
                "Copying stepws.e2e template spec to stepws-primary.e2e",
                "Routing all traffic to primary",
                "Promotion completed! Scaling down stepws.e2e");
        assertThat(h.messages(doc.canary().id())).contains("Post-rollout check post passed")
                .noneMatch(m -> m.startsWith("Halt") || m.startsWith("Rolling back") || m.startsWith("Canary failed"));
    }

    @Test
    void abTestingRoutesTheMatchingRequestsToTheCanaryForEachIterationThenPromotes() throws Exception {
        CanaryDocument doc = h.canary(CanaryYaml.named("abtest").metricsServer(hooks()).analysis("""
                    interval: 10s
                    threshold: 2
                    iterations: 3
                    match:
                      - headers:
                          x-canary:
                            exact: "insider"
                """ + lifecycleHooks("abtest")));
        tap.watch(doc);

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        // every iteration sends the matching requests 100% to the canary (runAB: SetRoutes(0, 100))
        assertThat(h.runWeights(doc, rollout)).containsExactly(100, 100, 100, 0);
        // the HTTPRoute as the analysis ticks saw it: rule 0 = the match, all to the canary; rule 1 = the rest, primary
        List<Snapshot> ticks = tap.before(doc, "Analysis");
        assertThat(ticks).hasSize(3);
        for (Snapshot s : ticks) {
            JsonNode rules = s.httpRoute().orElseThrow().path("spec").path("rules");
            assertThat(rules.size()).isEqualTo(2);
            assertThat(s.weights("abtest")).isEqualTo("0/100");
            assertThat(rules.path(0).path("matches").path(0).path("headers").path(0).toString())
                    .isEqualTo("{\"type\":\"Exact\",\"name\":\"x-canary\",\"value\":\"insider\"}");
            JsonNode rest = rules.path(1).path("backendRefs");
            assertThat(rest.size()).isEqualTo(1);
            assertThat(rest.path(0).path("name").asText()).isEqualTo("abtest-primary");
            assertThat(rest.path(0).path("weight").asInt()).isEqualTo(100);
            assertThat(rules.path(1).path("matches").path(0).has("headers")).isFalse();
        }
        assertThat(ticks).extracting(s -> s.status().orElseThrow().iterations()).containsExactly(1, 2, 3);

        // at the end: the match rule is back on the primary and stays in place
        JsonNode route = h.sim.object(ResourceKind.HTTP_ROUTE, "e2e", "abtest").orElseThrow();
        JsonNode rules = route.path("spec").path("rules");
        assertThat(GateScenarios.weights(route, "abtest")).isEqualTo("100/0");
        assertThat(rules.path(0).path("matches").path(0).path("headers").path(0).path("value").asText()).isEqualTo("insider");
        assertThat(rules.size()).isEqualTo(2);
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(h.status(doc).iterations()).isZero();

        assertThat(lifecycleSequence("abtest")).containsExactly(
                "/abtest/pre-rollout:Progressing",
                "/abtest/rollout:Progressing",
                "/abtest/rollout:Progressing",
                "/abtest/rollout:Progressing",
                "/abtest/confirm-promotion:Progressing",
                "/abtest/post-rollout:Succeeded");
        assertThat(h.messages(doc.canary().id())).containsSubsequence(
                "New revision detected! Scaling up abtest.e2e",
                "Starting canary analysis for abtest.e2e",
                "Pre-rollout check pre passed",
                "Advance abtest.e2e canary iteration 1/3",
                "Advance abtest.e2e canary iteration 2/3",
                "Advance abtest.e2e canary iteration 3/3",
                "Confirm-promotion check promote passed",
                "Copying abtest.e2e template spec to abtest-primary.e2e",
                "Routing all traffic to primary",
                "Promotion completed! Scaling down abtest.e2e");
        assertThat(h.messages(doc.canary().id())).noneMatch(m -> m.contains("canary weight"));
    }

    @Test
    void blueGreenCountsIterationsAsksConfirmPromotionTwiceAndSwitchesAllTrafficBeforePromoting() throws Exception {
        CanaryDocument doc = h.canary(CanaryYaml.named("bluegreen").metricsServer(hooks()).analysis("""
                    interval: 10s
                    threshold: 2
                    iterations: 2
                """ + lifecycleHooks("bluegreen")));
        tap.watch(doc);

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        // no traffic moves while iterating; then all of it to the canary; then all back to the (promoted) primary
        assertThat(h.runWeights(doc, rollout)).containsExactly(100, 0);
        assertThat(tap.before(doc, "Analysis")).extracting(s -> s.weights("bluegreen"))
                .containsExactly("100/0", "100/0", "0/100");
        assertThat(tap.before(doc, "Analysis")).extracting(s -> s.status().orElseThrow().iterations())
                .containsExactly(1, 2, 3);
        assertThat(tap.before(doc, "Promote")).first()
                .satisfies(s -> assertThat(s.weights("bluegreen")).isEqualTo("0/100"));
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);

        // tick 3: confirm-promotion, then 100% to the canary; tick 4: confirm-promotion again, then Promote
        assertThat(lifecycleSequence("bluegreen")).containsExactly(
                "/bluegreen/pre-rollout:Progressing",
                "/bluegreen/rollout:Progressing",
                "/bluegreen/rollout:Progressing",
                "/bluegreen/confirm-promotion:Progressing",
                "/bluegreen/rollout:Progressing",
                "/bluegreen/confirm-promotion:Progressing",
                "/bluegreen/post-rollout:Succeeded");
        assertThat(h.messages(doc.canary().id())).containsSubsequence(
                "New revision detected! Scaling up bluegreen.e2e",
                "Starting canary analysis for bluegreen.e2e",
                "Advance bluegreen.e2e canary iteration 1/2",
                "Advance bluegreen.e2e canary iteration 2/2",
                "Confirm-promotion check promote passed",
                "Routing all traffic to canary",
                "Confirm-promotion check promote passed",
                "Copying bluegreen.e2e template spec to bluegreen-primary.e2e",
                "Routing all traffic to primary",
                "Promotion completed! Scaling down bluegreen.e2e");
        assertThat(count(h, doc, "Routing all traffic to canary")).isOne();
    }

    @Test
    void kubernetesProviderForcesBlueGreenWithTenIterationsAndNoRouter() throws Exception {
        CanaryDocument doc = h.canary(CanaryYaml.named("kbg").provider("kubernetes").analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 20
                """ + lifecycleHooks("kbg")));
        tap.watch(doc);

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        // no router object at all: the services carry the traffic, the apex always selects the primary
        assertThat(h.sim.object(ResourceKind.HTTP_ROUTE, "e2e", "kbg")).isEmpty();
        assertThat(h.sim.object(ResourceKind.SERVICE, "e2e", "kbg")).isPresent();
        assertThat(h.sim.object(ResourceKind.SERVICE, "e2e", "kbg-primary")).isPresent();
        assertThat(h.sim.object(ResourceKind.SERVICE, "e2e", "kbg-canary")).isPresent();
        assertThat(h.sim.object(ResourceKind.SERVICE, "e2e", "kbg").orElseThrow()
                .at("/spec/selector/app").asText()).isEqualTo("kbg-primary");
        assertThat(h.runWeights(doc, rollout)).isEmpty();
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(image(h, "kbg-primary")).isEqualTo(RolloutHarness.NEW_IMAGE);
        // while iterating, the status weight (the CanaryWeight metric) stays 0, as the router's reading (100/0;
        // Flagger's NopRouter reads 0/100 once an iteration ran: docs/migrating-from-flagger.md)
        List<Snapshot> ticks = tap.before(doc, "Analysis");
        assertThat(ticks).extracting(t -> t.status().orElseThrow().iterations()).contains(1, 10);
        assertThat(ticks).extracting(t -> t.status().orElseThrow().canaryWeight()).containsOnly(0);

        // ticks 1-10: the iterations (pre-rollout on the first); tick 11: confirm-promotion (no traffic switch);
        // tick 12: confirm-promotion again, Promote
        List<String> expected = new java.util.ArrayList<>(List.of("/kbg/pre-rollout:Progressing"));
        for (int i = 2; i <= 11; i++) {
            expected.add("/kbg/rollout:Progressing");
        }
        expected.add("/kbg/confirm-promotion:Progressing");
        expected.add("/kbg/rollout:Progressing");
        expected.add("/kbg/confirm-promotion:Progressing");
        expected.add("/kbg/post-rollout:Succeeded");
        assertThat(lifecycleSequence("kbg")).containsExactlyElementsOf(expected);

        List<String> messages = h.messages(doc.canary().id());
        List<String> iterations = new java.util.ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            iterations.add("Advance kbg.e2e canary iteration " + i + "/10");
        }
        assertThat(messages).containsSubsequence(iterations);
        assertThat(messages).containsSubsequence(
                "New revision detected! Scaling up kbg.e2e",
                "Starting canary analysis for kbg.e2e",
                "Progressive traffic is not supported when using the kubernetes provider",
                "Setting canaryAnalysis.iterations: 10",
                "Advance kbg.e2e canary iteration 1/10",
                "Advance kbg.e2e canary iteration 10/10",
                "Confirm-promotion check promote passed",
                "Confirm-promotion check promote passed",
                "Copying kbg.e2e template spec to kbg-primary.e2e",
                "Promotion completed! Scaling down kbg.e2e");
        // the kubernetes provider has no traffic to switch in either direction, and never weighs the canary
        assertThat(messages).doesNotContain("Routing all traffic to canary", "Routing all traffic to primary")
                .noneMatch(m -> m.contains("canary weight"));
        // Flagger warns on every tick that reaches the strategy: 10 iterations + 2 confirm-promotion ticks
        assertThat(count(h, doc, "Setting canaryAnalysis.iterations: 10")).isEqualTo(12);
    }

    /** A skipAnalysis canary with every hook type at /{name}/{type}; the rollback hook never signals. */
    private static CanaryDocument skipAnalysisCanary(String name, boolean withRollbackHook) {
        h.hooks.script("/" + name + "/rollback", Reply.status(403));
        List<String> types = new java.util.ArrayList<>(List.of("confirm-rollout", "pre-rollout", "rollout"));
        if (withRollbackHook) {
            types.add("rollback");
        }
        types.addAll(List.of("confirm-promotion", "post-rollout"));
        return h.canary(CanaryYaml.named(name).spec("skipAnalysis: true").analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 20
                """ + CanaryYaml.webhooks(hooks() + "/" + name, types.toArray(String[]::new))));
    }

    private static List<String> everyHook(String name) {
        return h.sequence("/" + name + "/confirm-rollout", "/" + name + "/pre-rollout", "/" + name + "/rollout",
                "/" + name + "/rollback", "/" + name + "/confirm-promotion", "/" + name + "/post-rollout");
    }

    @Test
    void skipAnalysisCallsOnlyConfirmRolloutAndPostRolloutAndPromotes() throws Exception {
        CanaryDocument doc = skipAnalysisCanary("skip", false);

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(image(h, "skip-primary")).isEqualTo(RolloutHarness.NEW_IMAGE);
        assertThat(replicas(h, "skip")).isZero();
        assertThat(h.runWeights(doc, rollout)).allMatch(w -> w == 0);

        // contract 3.3 step 9 / section 8: confirm-rollout and post-rollout, never pre-rollout or rollout
        assertThat(everyHook("skip")).containsExactly(
                "/skip/confirm-rollout:Initialized",
                "/skip/post-rollout:Succeeded");
        List<String> messages = h.messages(doc.canary().id());
        assertThat(messages).containsSubsequence(
                "Confirm-rollout check confirm passed",
                "New revision detected! Scaling up skip.e2e",
                "Copying skip.e2e template spec to skip-primary.e2e",
                "Promotion completed! Canary analysis was skipped for skip.e2e");
        assertThat(messages).contains("Post-rollout check post passed")
                .doesNotContain("Starting canary analysis for skip.e2e", "Routing all traffic to primary",
                        "Promotion completed! Scaling down skip.e2e")
                .noneMatch(m -> m.startsWith("Advance") || m.startsWith("Rollback hook"));
    }

    @Test
    void skipAnalysisNeverCallsTheRollbackHooks() throws Exception {
        CanaryDocument doc = skipAnalysisCanary("skiprb", true);

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        // contract section 8: "skipAnalysis still calls confirm-rollout and post-rollout, but not pre-rollout,
        // rollout or rollback"; today the sequence starts with "/skiprb/rollback:Initialized"
        assertThat(everyHook("skiprb")).containsExactly(
                "/skiprb/confirm-rollout:Initialized",
                "/skiprb/post-rollout:Succeeded");
        assertThat(h.messages(doc.canary().id())).noneMatch(m -> m.startsWith("Rollback hook"));
    }

    @Test
    void finalisingRecordsThePostRolloutEventsBeforePromotionCompleted() throws Exception {
        CanaryDocument doc = h.canary(CanaryYaml.named("finorder").metricsServer(hooks()).analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 50
                    maxWeight: 50
                    webhooks:
                      - name: post
                        type: post-rollout
                        url: %1$s/finorder/post-rollout
                """.formatted(hooks())));

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(h.sequence("/finorder/post-rollout")).containsExactly("/finorder/post-rollout:Succeeded");
        // scheduler.go, Finalising: SetStatusPhase(Succeeded); runPostRolloutHooks(Succeeded);
        // recordEventInfof("Promotion completed! Scaling down ..."); alert(...)
        assertThat(h.messages(doc.canary().id())).containsSubsequence(
                "Routing all traffic to primary",
                "Post-rollout check post passed",
                "Promotion completed! Scaling down finorder.e2e");
    }
}
