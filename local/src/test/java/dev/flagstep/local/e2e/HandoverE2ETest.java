package dev.flagstep.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.api.RolloutRequest;
import dev.flagstep.api.RolloutStart;
import dev.flagstep.analysis.Routes;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionChain;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.asl.TaskTokenException;
import dev.flagstep.phases.wiring.HistoryBudget;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.ActiveRun;
import dev.flagstep.gate.GateType;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The handover with the real phase handlers, DynamoDB Local and the simulated cluster: executions
 * that continue the rollout after every 4 ticks carry its run id, status, gates and the parked
 * task token of a closed confirm-promotion gate; opening the gate through its token then promotes.
 * (ThirtyDayGateTest runs the same handover for 30 days of virtual time.)
 */
class HandoverE2ETest {

    static RolloutHarness h;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start(new HistoryBudget(4));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void aClosedPromotionGateWaitsAcrossHandoversThenOpensAndTheRunPromotes() throws Exception {
        String hooks = h.hooksUrl();
        CanaryDocument doc = h.canary(CanaryYaml.named("relay").metricsServer(hooks).analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 50
                    maxWeight: 50
                    webhooks:
                      - name: approve
                        type: confirm-promotion
                        url: %2$s/gate/check
                      - name: load
                        type: rollout
                        url: %1$s/relay/rollout
                      - name: post
                        type: post-rollout
                        url: %1$s/relay/post-rollout
                """.formatted(hooks, RolloutHarness.API_URL)));
        CanaryId id = doc.canary().id();
        var store = h.runtime.store();

        Execution first = h.deployNewRevision(doc);
        String runId = first.input().path("runId").asText();
        ExecutionChain run = first.chain();
        // three handovers, and the latest execution parked on the closed gate
        RolloutHarness.await("three handovers, then parked on confirm-promotion", Duration.ofSeconds(30), () -> {
            Optional<String> token = store.gate(id, GateType.CONFIRM_PROMOTION).waitingTaskToken();
            return run.length() >= 4 && token.isPresent() && h.runtime.interpreter().taskTokens().waiting().contains(token.get());
        });

        // the first execution handed over and ended; the run, its status and its gates carried on
        assertThat(first.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(first.successor()).contains(first.name() + ".1");
        assertThat(first.history()).anyMatch(e -> e.state().filter("HandedOver"::equals).isPresent());
        // (the run goes on handing over every few ticks while this test looks)
        Execution latest = run.latest();
        assertThat(latest.name()).matches(java.util.regex.Pattern.quote(first.name()) + "\\.[3-9][0-9]*");
        assertThat(latest.startedBy()).isPresent();
        assertThat(latest.input().path("runId").asText()).isEqualTo(runId);
        assertThat(store.activeRun(id).map(ActiveRun::runId)).contains(runId);
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.WAITING_PROMOTION);
        assertThat(h.routes(doc)).isEqualTo(Routes.of(50, 50));
        assertThat(h.status(doc).failedChecks()).isZero();
        assertThat(store.gate(id, GateType.CONFIRM_PROMOTION).open()).isFalse();
        // one execution carries the rollout at a time
        assertThat(h.runtime.runningRollouts(id)).hasSize(1).allSatisfy(e -> assertThat(e.chain()).isSameAs(run));
        // the same revision again is this rollout, whichever execution carries it (CLI and API alike)
        String revision = first.input().path("revision").asText();
        assertThat(h.runtime.startRollout(doc, revision).chain()).isSameAs(run);
        assertThat(h.runtime.rollouts().start(new RolloutRequest(id, revision, 10, true)))
                .isInstanceOfSatisfying(RolloutStart.AlreadyStarted.class, a -> assertThat(a.runId()).isEqualTo(runId));
        assertThat(run.length()).as("no second run").isGreaterThanOrEqualTo(4);
        assertThat(store.activeRun(id).map(ActiveRun::runId)).contains(runId);

        // POST .../gates/confirm-promotion/open: open, then complete the token parked by the latest execution
        Optional<String> token = store.openGate(id, GateType.CONFIRM_PROMOTION, "e2e-test", "approved");
        assertThat(token).isPresent();
        try {
            h.runtime.interpreter().taskTokens().sendTaskSuccess(token.get(), "{}");
        } catch (TaskTokenException e) {
            // the wait timed out just now: the next look at the gate finds it open
        }

        h.assertEnded(first, ExecutionStatus.SUCCEEDED);
        assertThat(run.latest().history()).anyMatch(e -> e.state().filter("Succeeded"::equals).isPresent());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.runWeights(doc, first)).containsExactly(50, 0);
        assertThat(store.activeRun(id)).isEmpty();
        assertThat(store.gates(id).values()).allSatisfy(g -> assertThat(g.open()).isFalse());
        // one run, whichever execution wrote its events
        assertThat(h.events(id)).filteredOn(e -> e.runId().equals(runId)).isNotEmpty();
        assertThat(h.events(id)).filteredOn(e -> !e.runId().equals(runId) && e.phase() != CanaryPhase.INITIALIZED && e.phase() != CanaryPhase.INITIALIZING)
                .as("events of other runs than the bootstrap").isEmpty();
        assertThat(h.messages(id)).containsSubsequence(
                "Advance relay.e2e canary weight 50",
                "Copying relay.e2e template spec to relay-primary.e2e",
                "Promotion completed! Scaling down relay.e2e");
        assertThat(h.calls("/relay/post-rollout")).hasSize(1);
    }
}
