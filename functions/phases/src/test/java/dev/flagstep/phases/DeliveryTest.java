package dev.flagstep.phases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.events.PublishResult;
import dev.flagstep.phases.wiring.HistoryBudget;
import dev.flagstep.phases.wiring.Services;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.StatusRecord;
import dev.flagstep.store.TickMemo;
import dev.flagstep.testing.DynamoTableExtension;
import dev.flagstep.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The tick claim protocol against the real store on DynamoDB Local, in virtual time: the clock only
 * moves when a delivery sleeps, so "wait until the lease ends" takes no real time and every instant a
 * delivery acts at is exact.
 */
class DeliveryTest {

    @RegisterExtension
    static final DynamoTableExtension dynamo = new DynamoTableExtension();

    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private static final AtomicInteger CANARIES = new AtomicInteger();

    /** Moves only when told (by a sleeping delivery). */
    private final MovableClock clock = new MovableClock(T0);
    private final CanaryStore store = dynamo.store(clock);
    /** Runs at every sleep of a waiting delivery, before the clock moves: what the others do meanwhile. */
    private final List<Runnable> meanwhile = new ArrayList<>();
    private final List<Duration> sleeps = new ArrayList<>();
    private final Services services = new Services(store, clock, null, (c, p) -> null, null,
            events -> PublishResult.none(), null, (token, output) -> false, "kubernetes", Optional.empty(), (id, ref) -> Optional.empty(),
            HistoryBudget.standard(), d -> {
                sleeps.add(d);
                meanwhile.forEach(Runnable::run);
                clock.advance(d);
            });
    private final CanaryId canary = new CanaryId("test", "claim-" + CANARIES.incrementAndGet());

    private static CanaryStatus progressing(int weight) {
        return new CanaryStatus(CanaryPhase.PROGRESSING, weight, 0, 0, "abc", T0, List.of());
    }

    private static PhaseInput input(String runId, String tick) {
        return new PhaseInput(new CanaryId("test", "x"), runId, "rev", 10, tick, Optional.empty(), Optional.empty(),
                java.util.OptionalInt.empty(), Optional.empty());
    }

    /** A delivery of {@code tick} of run {@code runId} that reads the status now and has {@code time} to run. */
    private Delivery delivery(String runId, String tick, Duration time) {
        StatusRecord record = store.statusRecord(canary).orElseThrow();
        return new Delivery(services, input(runId, tick), canary, record, clock.instant().plus(time));
    }

    private TickMemo memo() {
        return store.statusRecord(canary).orElseThrow().memo().orElseThrow();
    }

    private void seed() {
        store.saveStatus(canary, progressing(10), 0);
    }

    // --- the states, exhaustively ---

    @Test
    void theMemoReadsAsFreeInProgressExpiredOrCompleted() {
        Instant lease = T0.plusSeconds(120);
        assertThat(Delivery.state(Optional.empty(), T0)).isEqualTo(new Delivery.Free());
        assertThat(Delivery.state(Optional.of(new TickMemo("", "released A@1", Optional.empty())), T0))
                .isEqualTo(new Delivery.Free());
        TickMemo claimed = new TickMemo("r/A@1", "", Optional.empty(), 0, Optional.of(lease));
        assertThat(Delivery.state(Optional.of(claimed), T0)).isEqualTo(new Delivery.InProgress("r/A@1", lease));
        assertThat(Delivery.state(Optional.of(claimed), lease)).isEqualTo(new Delivery.Expired("r/A@1"));
        TickMemo noLease = new TickMemo("r/A@1", "", Optional.empty(), 0, Optional.empty());
        assertThat(Delivery.state(Optional.of(noLease), T0)).isEqualTo(new Delivery.Expired("r/A@1"));
        TickMemo done = new TickMemo("r/A@1", "advanced", Optional.empty());
        assertThat(Delivery.state(Optional.of(done), T0)).isEqualTo(new Delivery.Completed(done));
    }

    // --- one delivery ---

    @Test
    void aClaimIsLeasedUntilTheEndOfTheInvocationAndCompletingItEndsTheLease() {
        seed();
        Delivery d = delivery("r", "A@1", Duration.ofSeconds(120));

        assertThat(d.acquire(Optional.empty(), true, () -> false)).isEqualTo(new Delivery.Owned());
        assertThat(memo()).isEqualTo(new TickMemo("r/A@1", "", Optional.empty(), 0, Optional.of(T0.plusSeconds(120))));

        assertThat(d.complete(progressing(20), "advanced", Optional.empty(), 10)).isEmpty();
        assertThat(Delivery.state(Optional.of(memo()), clock.instant())).isInstanceOf(Delivery.Completed.class);
        assertThat(delivery("r", "A@1", Duration.ofSeconds(120)).replayed()).contains(memo());
    }

    // --- two deliveries of one tick ---

    @Test
    void aSecondDeliveryWaitsForTheFirstsAnswer() {
        seed();
        Delivery first = delivery("r", "A@1", Duration.ofSeconds(120));
        first.acquire(Optional.empty(), true, () -> false);
        Delivery second = delivery("r", "A@1", Duration.ofSeconds(120));
        meanwhile.add(() -> {
            if (clock.instant().isAfter(T0.plusSeconds(2)) && memo().inProgress()) {
                first.complete(progressing(20), "advanced", Optional.empty(), 10);
            }
        });

        Delivery.Outcome outcome = second.acquire(Optional.empty(), true, () -> false);

        assertThat(outcome).isInstanceOf(Delivery.Answered.class);
        assertThat(((Delivery.Answered) outcome).memo().decision()).isEqualTo("advanced");
        assertThat(store.statusRecord(canary).orElseThrow().status().canaryWeight()).isEqualTo(20);
    }

    /**
     * The first delivery was killed (a timeout or out-of-memory crash runs no Java code): its claim stays
     * in progress. The retry waits until that lease has passed, not a minute longer, then acts.
     */
    @Test
    void aRetryTakesOverAKilledDeliverysClaimOnceItsLeaseHasPassed() {
        seed();
        delivery("r", "A@1", Duration.ofSeconds(120)).acquire(Optional.empty(), true, () -> false);
        clock.advance(Duration.ofSeconds(30)); // the retry comes 30 s later
        Delivery retry = delivery("r", "A@1", Duration.ofSeconds(900));

        assertThat(retry.acquire(Optional.empty(), true, () -> false)).isEqualTo(new Delivery.Owned());

        assertThat(clock.instant()).isEqualTo(T0.plusSeconds(120));
        assertThat(memo().leaseUntil()).as("its own lease: from its start, its 900 s").contains(T0.plusSeconds(30 + 900));
    }

    /** The other delivery's lease outlasts this one's own time: it gives up before its deadline, retriably. */
    @Test
    void aDeliveryWhoseOwnTimeEndsFirstGivesUpRetriablyBeforeItsDeadline() {
        seed();
        delivery("r", "A@1", Duration.ofSeconds(900)).acquire(Optional.empty(), true, () -> false);
        Delivery retry = delivery("r", "A@1", Duration.ofSeconds(120));

        assertThatThrownBy(() -> retry.acquire(Optional.empty(), true, () -> false))
                .isInstanceOf(TransientFault.class)
                .hasMessageContaining("another delivery of A@1 is still running");

        assertThat(clock.instant()).isEqualTo(T0.plusSeconds(120).minus(Delivery.MARGIN));
        assertThat(memo().inProgress()).isTrue();
    }

    @Test
    void aClaimGivenBackIsTakenAtOnce() {
        seed();
        Delivery first = delivery("r", "A@1", Duration.ofSeconds(900));
        first.acquire(Optional.empty(), true, () -> false);
        first.release(Optional.empty());

        Delivery retry = delivery("r", "A@1", Duration.ofSeconds(120));
        assertThat(retry.acquire(Optional.empty(), true, () -> false)).isEqualTo(new Delivery.Owned());
        assertThat(clock.instant()).isEqualTo(T0);
        assertThat(store.statusRecord(canary).orElseThrow().status()).isEqualTo(progressing(10));
    }

    // --- a superseded run's straggler ---

    /** Initialize of a new run finds the old run's phase still acting: it waits for it to end, then acts. */
    @Test
    void aPhaseThatMustNotRunBesideAStragglerWaitsForItToEnd() {
        seed();
        Delivery straggler = delivery("old", "Analysis@1", Duration.ofSeconds(900));
        straggler.acquire(Optional.empty(), true, () -> false);
        meanwhile.add(() -> {
            if (!clock.instant().isBefore(T0.plusSeconds(40)) && memo().inProgress()) {
                straggler.complete(progressing(30), "passed", Optional.empty(), 10);
            }
        });
        Delivery initialize = delivery("new", "Initialize@1", Duration.ofSeconds(120));

        assertThat(initialize.acquire(Optional.empty(), false, () -> false)).isEqualTo(new Delivery.Owned());

        // it polls at most every second: it acts within a second of the straggler's end
        assertThat(clock.instant()).isBetween(T0.plusSeconds(40), T0.plusSeconds(42));
        assertThat(initialize.status().canaryWeight()).as("acts on the straggler's last write").isEqualTo(30);
    }

    /** The straggler is slower than this Initialize's own timeout: a retriable fault, thrown in time. */
    @Test
    void aStragglerSlowerThanTheCallersTimeoutMakesItRetryNotFail() {
        seed();
        delivery("old", "Analysis@1", Duration.ofSeconds(900)).acquire(Optional.empty(), true, () -> false);
        Delivery initialize = delivery("new", "Initialize@1", Duration.ofSeconds(120));

        assertThatThrownBy(() -> initialize.acquire(Optional.empty(), false, () -> false))
                .isInstanceOf(TransientFault.class)
                .hasMessageContaining("a phase of a superseded run (old/Analysis@1) is still acting on it");
        assertThat(clock.instant()).isEqualTo(T0.plusSeconds(115));
    }

    /** A straggler that was killed holds the canary only until its lease ends. */
    @Test
    void aKilledStragglerIsWaitedForOnlyUntilItsLeaseEnds() {
        seed();
        delivery("old", "Promote@1", Duration.ofSeconds(60)).acquire(Optional.empty(), true, () -> false);
        Delivery initialize = delivery("new", "Initialize@1", Duration.ofSeconds(120));

        assertThat(initialize.acquire(Optional.empty(), false, () -> false)).isEqualTo(new Delivery.Owned());
        assertThat(clock.instant()).isEqualTo(T0.plusSeconds(60));
    }

    /** A superseded run's own phase, finding the new run's claim, steps aside without waiting. */
    @Test
    void aSupersededRunsPhaseStepsAside() {
        seed();
        delivery("new", "Initialize@1", Duration.ofSeconds(120)).acquire(Optional.empty(), false, () -> false);

        Delivery old = delivery("old", "Analysis@2", Duration.ofSeconds(900));
        assertThat(old.acquire(Optional.empty(), true, () -> true)).isEqualTo(new Delivery.Superseded());
        assertThat(sleeps).isEmpty();
    }

    /** A claim left by this run's own earlier phase (a delivery that died before Rollback) is not waited for. */
    @Test
    void aClaimOfThisRunsEarlierPhaseIsNotWaitedFor() {
        seed();
        delivery("r", "Analysis@1", Duration.ofSeconds(900)).acquire(Optional.empty(), true, () -> false);

        Delivery rollback = delivery("r", "Rollback@1", Duration.ofSeconds(120));
        assertThat(rollback.acquire(Optional.empty(), false, () -> false)).isEqualTo(new Delivery.Owned());
        assertThat(sleeps).isEmpty();
    }
}
