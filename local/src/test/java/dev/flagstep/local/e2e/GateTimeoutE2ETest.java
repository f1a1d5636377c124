package dev.flagstep.local.e2e;

import static dev.flagstep.local.e2e.FailureKit.assertRolledBack;
import static dev.flagstep.local.e2e.GateScenarios.count;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Beyond Flagger, end to end: a confirm-* gate that stays closed past {@code analysis.gateTimeout}
 * fails the rollout (#738, #1450), and a rollback hook is heard while the rollout waits on
 * confirm-rollout (#1432). Both end exactly as Flagger's rollback(): traffic 100/0, Failed,
 * post-rollout(Failed).
 */
class GateTimeoutE2ETest {

    static RolloutHarness h;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void confirmPromotionClosedPastTheGateTimeoutFailsTheRollout() throws Exception {
        String hooks = h.hooksUrl();
        h.hooks.script("/gto/confirm-promotion", Reply.status(403));
        CanaryDocument doc = h.canary(CanaryYaml.named("gto").metricsServer(hooks).analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 50
                    maxWeight: 50
                    gateTimeout: 30s
                    webhooks:
                      - name: pre
                        type: pre-rollout
                        url: %1$s/gto/pre-rollout
                      - name: load
                        type: rollout
                        url: %1$s/gto/rollout
                      - name: promote
                        type: confirm-promotion
                        url: %1$s/gto/confirm-promotion
                      - name: post
                        type: post-rollout
                        url: %1$s/gto/post-rollout
                """.formatted(hooks)));

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        // never promoted: the primary still runs the old image
        assertRolledBack(h, doc);

        // WaitingPromotion keeps the analysis running: each refusal comes after a rollout hook; the run fails
        // once the gate has been closed 30s (sped-up clock), whatever the number of refusals that took
        List<String> seq = h.sequence("/gto/pre-rollout", "/gto/rollout", "/gto/confirm-promotion", "/gto/post-rollout");
        assertThat(seq).startsWith("/gto/pre-rollout:Progressing", "/gto/rollout:Progressing",
                "/gto/confirm-promotion:Progressing");
        assertThat(seq).endsWith("/gto/confirm-promotion:Progressing", "/gto/post-rollout:Failed");
        List<String> middle = seq.subList(1, seq.size() - 1);
        assertThat(middle.size() % 2).isZero();
        for (int i = 0; i < middle.size(); i += 2) {
            assertThat(middle.subList(i, i + 2)).containsExactly("/gto/rollout:Progressing",
                    "/gto/confirm-promotion:Progressing");
        }
        assertThat(h.calls("/gto/confirm-promotion").size()).isBetween(2, 5);

        CanaryId id = doc.canary().id();
        String timeout = "Halt gto.e2e advancement confirm-promotion gate promote stayed closed for 30s"
                + " (analysis.gateTimeout): rolling back";
        assertThat(h.messages(id)).containsSubsequence(
                "Advance gto.e2e canary weight 50",
                "Halt gto.e2e advancement waiting for promotion approval promote",
                timeout,
                "Canary failed! Scaling down gto.e2e",
                "Post-rollout check post passed");
        assertThat(count(h, doc, "Halt gto.e2e advancement waiting for promotion approval promote")).isOne();
        assertThat(h.events(id)).filteredOn(e -> e.message().equals(timeout))
                .singleElement().satisfies(e -> assertThat(e.severity())
                        .isEqualTo(dev.flagstep.analysis.Message.Severity.WARNING));
        // not a failed check: no threshold message, no promotion
        assertThat(h.messages(id)).noneMatch(m -> m.startsWith("Rolling back") || m.startsWith("Copying"));
        assertThat(h.runtime.store().gates(id).values()).allSatisfy(g -> assertThat(g.open()).isFalse());
    }

    @Test
    void aRollbackHookIsHeardWhileWaitingOnConfirmRollout() throws Exception {
        String hooks = h.hooksUrl();
        h.hooks.script("/wrb/confirm-rollout", Reply.status(403));
        h.hooks.script("/wrb/rollback", Reply.status(403), Reply.status(200));
        CanaryDocument doc = h.canary(CanaryYaml.named("wrb").metricsServer(hooks).analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 50
                    webhooks:
                      - name: approve
                        type: confirm-rollout
                        url: %1$s/wrb/confirm-rollout
                      - name: pre
                        type: pre-rollout
                        url: %1$s/wrb/pre-rollout
                      - name: rb
                        type: rollback
                        url: %1$s/wrb/rollback
                      - name: post
                        type: post-rollout
                        url: %1$s/wrb/post-rollout
                """.formatted(hooks)));

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        assertRolledBack(h, doc);

        // the rollback hook is asked with the current phase; it signals while the rollout is Waiting
        List<String> seq = h.sequence("/wrb/confirm-rollout", "/wrb/pre-rollout", "/wrb/rollback", "/wrb/post-rollout");
        assertThat(seq).containsSubsequence("/wrb/confirm-rollout:Initialized", "/wrb/rollback:Waiting",
                "/wrb/post-rollout:Failed");
        assertThat(seq).endsWith("/wrb/rollback:Waiting", "/wrb/post-rollout:Failed");
        assertThat(seq).doesNotContain("/wrb/pre-rollout:Progressing");
        assertThat(h.calls("/wrb/rollback")).hasSize(2);

        CanaryId id = doc.canary().id();
        assertThat(h.messages(id)).containsSubsequence(
                "Halt wrb.e2e advancement waiting for approval approve",
                "Rolling back wrb.e2e manual webhook invoked",
                "Canary failed! Scaling down wrb.e2e",
                "Post-rollout check post passed");
        assertThat(h.messages(id)).doesNotContain("New revision detected! Scaling up wrb.e2e",
                "Starting canary analysis for wrb.e2e");
        assertThat(h.events(id)).filteredOn(e -> e.message().equals("Canary failed! Scaling down wrb.e2e"))
                .singleElement().satisfies(e -> assertThat(e.phase()).isEqualTo(CanaryPhase.FAILED));
    }
}
