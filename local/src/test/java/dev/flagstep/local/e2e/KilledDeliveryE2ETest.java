package dev.flagstep.local.e2e;

import static dev.flagstep.local.e2e.FailureKit.image;
import static dev.flagstep.local.e2e.FailureKit.statesEntered;
import static dev.flagstep.local.e2e.FailureKit.successRate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.Routes;
import dev.flagstep.local.Delivery;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.asl.HistoryEvent;
import dev.flagstep.phases.TransientFault;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.store.TickMemo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deliveries Lambda kills (a timeout, an out-of-memory crash: no Java code runs, nothing is released)
 * and stragglers of a superseded run, through the real state machine: the tick claim's lease ends
 * with the killed invocation, the retry takes the tick over then and completes it once, and no phase
 * waits past its own function timeout.
 */
class KilledDeliveryE2ETest {

    static final Faults FAULTS = new Faults();
    static final String NEWER_IMAGE = "ghcr.io/stefanprodan/podinfo:6.7.2";
    static RolloutHarness h;
    static String hooks;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start(FAULTS);
        // readiness settled by every write: a phase never finds the canary not ready yet, so the delivery a fault
        // names (the first Analysis) is the one that reaches the step it kills, however loaded the machine
        h.sim.reconcileOnEveryWrite(true);
        hooks = h.hooksUrl();
    }

    @AfterEach
    void clearFaults() {
        FAULTS.clear();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static CanaryDocument canary(String n, String... webhooks) {
        successRate(h, n, 99.9);
        return h.canary(FailureKit.canary(h, n).analysis(FailureKit.analysis(hooks, n, 20, 50, webhooks)));
    }

    /** A tick claim as written: by which delivery, when (runtime clock), leased until when. */
    record Claim(Delivery delivery, Instant at, Instant leaseUntil) {}

    /** Records every tick claim of the deliveries it is applied to. */
    static Faults.Fault claimRecorder(List<Claim> claims) {
        return new Faults.Fault() {
            @Override
            public void storeCall(Delivery d, String operation, Object[] args) {
                if (Faults.isClaim(operation, args)) {
                    claims.add(new Claim(d, h.runtime.clock().instant(), ((TickMemo) args[3]).leaseUntil().orElseThrow()));
                }
            }
        };
    }

    private static List<HistoryEvent> retriesOf(Execution e, String state) {
        return e.history().stream()
                .filter(ev -> ev.type() == HistoryEvent.Type.TASK_RETRY_SCHEDULED && ev.state().orElse("").equals(state))
                .toList();
    }

    /**
     * The first Analysis, whose traffic step is the second (20 -> 40), is killed by its timeout after it changed the weight on the
     * router and before it recorded anything. The retry finds the claim still in progress, takes it over
     * once the killed delivery's lease (its deadline) has passed, and advances the weight once: the
     * status, the timeline and the event say 40 once, and the rollout is promoted, not rolled back. The
     * confirm-traffic-increase gate is asked again by the retry, as Flagger asks again on the tick after
     * a restart.
     */
    @Test
    void aDeliveryKilledMidPhaseIsRetriedAfterItsLeaseAndAdvancesTheWeightOnce() throws Exception {
        String n = "killed";
        List<Claim> claims = new CopyOnWriteArrayList<>();
        FAULTS.every(n, "Analysis", claimRecorder(claims));
        FAULTS.at(n, "Analysis", 1, Faults.killedAt("appendWeight", Faults.Kill.TIMEOUT));
        CanaryDocument doc = canary(n, "rollout", "confirm-traffic-increase", "post-rollout");

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        assertThat(h.runWeights(doc, rollout)).containsExactly(20, 40, 60, 0);
        assertThat(h.messages(doc.canary().id())).containsOnlyOnce("Advance killed.e2e canary weight 40")
                .noneMatch(m -> m.startsWith("Canary failed!"));
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(image(h, n + "-primary")).isEqualTo(RolloutHarness.NEW_IMAGE);
        assertThat(statesEntered(rollout)).doesNotContain("Rollback");
        List<HistoryEvent> retries = retriesOf(rollout, "Analysis");
        assertThat(retries).hasSize(1);
        assertThat(retries.getFirst().details().path("error").asText()).isEqualTo("Sandbox.Timedout");
        // the gate is asked before each of the three steps and before promotion, and once more by the retry
        assertThat(h.calls("/killed/confirm-traffic-increase")).hasSize(5);

        Claim killed = claims.get(0);
        Claim retry = claims.get(1);
        assertThat(retry.delivery()).isNotSameAs(killed.delivery());
        assertThat(retry.at()).as("the retry acts once the killed delivery's lease has passed")
                .isAfterOrEqualTo(killed.leaseUntil());
        assertThat(killed.leaseUntil()).as("the lease is the killed invocation's deadline, not 15 minutes")
                .isEqualTo(killed.delivery().deadline());
    }

    /**
     * Promote (120 s timeout) dies of an out-of-memory crash right after claiming its tick: Step Functions
     * gets the error at once and retries; the retry waits out the dead delivery's lease, then promotes.
     */
    @Test
    void aCrashedDeliveryIsRetriedAndTheRetryPromotes() throws Exception {
        String n = "crashed";
        List<Claim> claims = new CopyOnWriteArrayList<>();
        FAULTS.every(n, "Promote", claimRecorder(claims));
        FAULTS.at(n, "Promote", 1, Faults.killedAfterClaim(Faults.Kill.CRASH));
        CanaryDocument doc = canary(n, "rollout", "post-rollout");

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        assertThat(image(h, n + "-primary")).isEqualTo(RolloutHarness.NEW_IMAGE);
        List<String> errors = retriesOf(rollout, "Promote").stream().map(ev -> ev.details().path("error").asText()).toList();
        assertThat(errors.getFirst()).isEqualTo("Runtime.ExitError");
        // a retry that starts within MARGIN of the dead lease's end gives up waiting with a TransientFault, and
        // is retried in turn: how many do so depends on when the crash is noticed, not on the engine's decisions
        assertThat(errors.subList(1, errors.size())).allMatch(TransientFault.class.getName()::equals);
        assertThat(claims.get(1).at()).isAfterOrEqualTo(claims.get(0).leaseUntil());
        assertThat(h.messages(doc.canary().id())).containsOnlyOnce("Copying crashed.e2e template spec to crashed-primary.e2e");
    }

    /**
     * A run's Analysis is stuck (a slow hook) for 5 minutes when a newer revision's run starts: the new
     * Initialize must not act beside it, and must not wait past its own 120 s timeout either. It gives up
     * before its deadline with a retriable fault (DeliveryTest pins the instant exactly, in virtual
     * time), the state machine retries it, and once the straggler has written its last status the new
     * run proceeds and is promoted: it does not fail.
     */
    @Test
    void aStragglerSlowerThanTheNewRunsInitializeTimeoutDelaysItWithoutFailingIt() throws Exception {
        String n = "straggler";
        CountDownLatch stalled = new CountDownLatch(1);
        List<Claim> claims = new CopyOnWriteArrayList<>();
        List<Instant> stragglerDone = new CopyOnWriteArrayList<>();
        FAULTS.at(n, "Analysis", 1, FAULTS.stalledAfterClaim(Duration.ofMinutes(5), stalled::countDown));
        FAULTS.at(n, "Analysis", 1, new Faults.Fault() {
            @Override
            public void storeCall(Delivery d, String operation, Object[] args) {
                if (operation.equals("saveStatus") && args.length == 4 && !((TickMemo) args[3]).inProgress()) {
                    stragglerDone.add(h.runtime.clock().instant());
                }
            }
        });
        FAULTS.every(n, "Initialize", claimRecorder(claims));
        CanaryDocument doc = canary(n, "rollout", "post-rollout");

        Execution first = h.deployNewRevision(doc);
        assertThat(stalled.await(30, TimeUnit.SECONDS)).as("the first run's Analysis stalled").isTrue();
        h.sim.newRevision(doc.canary().id().namespace(), doc.canary().targetRef().name(), NEWER_IMAGE);
        Execution second = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());

        h.assertEnded(second, ExecutionStatus.SUCCEEDED);

        assertThat(first.status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(retriesOf(second, "Initialize")).as("Initialize retried while the straggler ran")
                .isNotEmpty()
                .allSatisfy(ev -> assertThat(ev.details().path("error").asText()).isEqualTo(TransientFault.ERROR));
        Claim newRunsClaim = claims.getLast();
        assertThat(stragglerDone).hasSize(1);
        assertThat(newRunsClaim.at()).as("the new run claimed only after the straggler's last write")
                .isAfterOrEqualTo(stragglerDone.getFirst());
        assertThat(image(h, n + "-primary")).isEqualTo(NEWER_IMAGE);
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
    }
}
