package dev.flagstep.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanaryDocument;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Flagger's keptn provider with {@code analysis/...} queries on the simulated cluster: each check creates a Keptn
 * Analysis of an AnalysisDefinition in another namespace, the simulated metrics-operator completes it (with the verdict
 * the definition's {@code flagstep.dev/simulated-verdict} annotation scripts, the status written as Keptn writes it),
 * the provider reads pass as 1 and fail as 0, and deletes what it created. The controllers pass after every write, so
 * an Analysis is completed before its create is answered: the provider's polls (1 s on the phases' clock) never race
 * the controllers' loop.
 */
class KeptnAnalysisE2ETest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEPTN_NAMESPACE = "keptn-lifecycle";
    static RolloutHarness h;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start();
        h.sim.reconcileOnEveryWrite(true);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static void definition(String name, String verdict) {
        ObjectNode d = JSON.createObjectNode().put("apiVersion", "metrics.keptn.sh/v1beta1").put("kind", "AnalysisDefinition");
        d.putObject("metadata").put("name", name).put("namespace", KEPTN_NAMESPACE)
                .putObject("annotations").put("flagstep.dev/simulated-verdict", verdict);
        d.putObject("spec").putObject("totalScore").put("passPercentage", 90).put("warningPercentage", 75);
        h.sim.client().create(new ResourceKind("metrics.keptn.sh", "v1beta1", "AnalysisDefinition", "analysisdefinitions"), d);
    }

    /** A canary whose one metric is the Keptn Analysis of {@code definition}: pass (1) or the check fails. */
    private static CanaryDocument canary(String name, String definition) {
        return h.canary(CanaryYaml.named(name).metricsServer(h.hooksUrl()).analysis("""
                    interval: 10s
                    threshold: 1
                    stepWeight: 50
                    maxWeight: 50
                    metrics:
                      - name: slo
                        templateRef:
                          name: %s-slo
                        thresholdRange:
                          min: 1
                """.formatted(name)) + """
                ---
                apiVersion: flagger.app/v1beta1
                kind: MetricTemplate
                metadata:
                  name: %s-slo
                  namespace: e2e
                spec:
                  provider:
                    type: keptn
                  query: analysis/%s/%s/2m/workload=%s;stage=canary
                """.formatted(name, KEPTN_NAMESPACE, definition, name));
    }

    /** The Analyses of {@code definition} the simulated Keptn completed, as {@code ns/name pass|fail}. */
    private static List<String> completed(String definition) {
        return h.sim.completedAnalyses().stream().filter(a -> a.startsWith(KEPTN_NAMESPACE + "/" + definition + "-")).toList();
    }

    private static List<ObjectNode> remaining() {
        return h.sim.client().list(ResourceKind.KEPTN_ANALYSIS, Optional.of(KEPTN_NAMESPACE));
    }

    @Test
    void aPassingAnalysisPromotesAndEveryCreatedAnalysisIsDeleted() throws Exception {
        definition("podinfo-slo", "pass");
        CanaryDocument doc = canary("k-pass", "podinfo-slo");

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        assertThat(h.runWeights(doc, rollout)).containsExactly(50, 0);
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(h.messages(doc.canary().id())).contains("Promotion completed! Scaling down k-pass.e2e")
                .noneMatch(m -> m.startsWith("Halt") || m.contains("Metric query failed"));
        // one Analysis per check, each with a fresh name, completed by Keptn and deleted by the provider
        assertThat(completed("podinfo-slo")).isNotEmpty().doesNotHaveDuplicates()
                .allMatch(a -> a.matches(KEPTN_NAMESPACE + "/podinfo-slo-[0-9a-f]{6} pass"));
        assertThat(remaining()).isEmpty();
    }

    @Test
    void aFailedAnalysisRollsBackAndEveryCreatedAnalysisIsDeleted() throws Exception {
        definition("broken-slo", "fail");
        CanaryDocument doc = canary("k-fail", "broken-slo");

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        // Keptn omits pass: false; the provider reads the completed Analysis as 0 at its first poll
        assertThat(h.messages(doc.canary().id())).containsSubsequence(
                "Advance k-fail.e2e canary weight 50",
                "Halt k-fail.e2e advancement slo 0.00 < 1",
                "Rolling back k-fail.e2e failed checks threshold reached 1",
                "Canary failed! Scaling down k-fail.e2e");
        assertThat(h.messages(doc.canary().id())).noneMatch(m -> m.startsWith("Promotion completed") || m.contains("timeout"));
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.FAILED);
        assertThat(completed("broken-slo")).isNotEmpty().allMatch(a -> a.endsWith(" fail"));
        assertThat(remaining()).isEmpty();
    }

    /** Without its AnalysisDefinition Keptn leaves an Analysis Pending: ten polls on the phases' clock, an error, no leftovers. */
    @Test
    void anAnalysisKeptnNeverCompletesTimesOutIsAFailedCheckAndIsDeletedToo() throws Exception {
        CanaryDocument doc = canary("k-none", "missing-slo");

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        assertThat(h.messages(doc.canary().id())).containsSubsequence(
                "Advance k-none.e2e canary weight 50",
                "Metric query failed for slo: encountered timeout while waiting for Keptn Analysis keptn-lifecycle/missing-slo to be finished",
                "Rolling back k-none.e2e failed checks threshold reached 1");
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.FAILED);
        assertThat(completed("missing-slo")).isEmpty();
        assertThat(remaining()).isEmpty();
    }
}
