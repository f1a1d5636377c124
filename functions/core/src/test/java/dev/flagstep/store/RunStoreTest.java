package dev.flagstep.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.spec.CanaryId;
import dev.flagstep.testing.DisabledOnMoto;
import dev.flagstep.testing.DynamoTableExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RunStoreTest {

    @RegisterExtension
    static final DynamoTableExtension dynamo = new DynamoTableExtension();

    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private static final AtomicInteger CANARIES = new AtomicInteger();
    private final CanaryStore store = dynamo.store(Clock.fixed(T0, ZoneOffset.UTC));
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    /** A canary with a document, unique to the test. */
    private CanaryId canary() {
        CanaryId id = new CanaryId("test", "app-" + CANARIES.incrementAndGet());
        store.putSpec(id, "spec: {}");
        return id;
    }

    @Test
    void aClaimCreatesARunningRunAndMarksTheCanaryActive() {
        CanaryId id = canary();

        ClaimResult result = store.claimRun(id, "run-1", "rev-1", T0);

        Run expected = new Run(id, "run-1", "rev-1", T0, Optional.empty(), RunResult.RUNNING, List.of(), Optional.empty());
        assertThat(result).isEqualTo(new ClaimResult.Claimed(expected, Optional.empty()));
        assertThat(store.run(id, "run-1")).contains(expected);
        assertThat(store.activeRun(id)).contains(new ActiveRun("run-1", "rev-1", T0));
    }

    @DisabledOnMoto(DisabledOnMoto.CONCURRENT_CONDITIONS)
    @Test
    void ofTwoStartsOfTheSameRevisionOneClaimsAndTheOtherGetsThatRun() throws Exception {
        for (int round = 0; round < 5; round++) {
            CanaryId id = canary();
            List<ClaimResult> results = race(
                    () -> store.claimRun(id, "run-a", "rev-1", T0),
                    () -> store.claimRun(id, "run-b", "rev-1", T0));

            assertThat(results).filteredOn(ClaimResult.Claimed.class::isInstance).hasSize(1);
            assertThat(results).filteredOn(ClaimResult.AlreadyActive.class::isInstance).hasSize(1);
            String winner = ((ClaimResult.Claimed) results.stream()
                    .filter(ClaimResult.Claimed.class::isInstance).findFirst().orElseThrow()).run().runId();
            ClaimResult.AlreadyActive loser = (ClaimResult.AlreadyActive) results.stream()
                    .filter(ClaimResult.AlreadyActive.class::isInstance).findFirst().orElseThrow();
            assertThat(loser.run().runId()).isEqualTo(winner);
            assertThat(store.activeRun(id)).map(ActiveRun::runId).contains(winner);
            String other = winner.equals("run-a") ? "run-b" : "run-a";
            assertThat(store.run(id, other)).as("the loser wrote nothing").isEmpty();
        }
    }

    @DisabledOnMoto(DisabledOnMoto.CONCURRENT_CONDITIONS)
    @Test
    void ofTwoStartsOfDifferentRevisionsOneClaimsAndTheOtherIsToldWhoHoldsTheCanary() throws Exception {
        for (int round = 0; round < 5; round++) {
            CanaryId id = canary();
            List<ClaimResult> results = race(
                    () -> store.claimRun(id, "run-a", "rev-a", T0),
                    () -> store.claimRun(id, "run-b", "rev-b", T0));

            assertThat(results).filteredOn(ClaimResult.Claimed.class::isInstance).hasSize(1);
            ClaimResult.Superseding superseding = (ClaimResult.Superseding) results.stream()
                    .filter(ClaimResult.Superseding.class::isInstance).findFirst().orElseThrow();
            assertThat(store.activeRun(id)).contains(superseding.active());
        }
    }

    @Test
    void startingTheActiveRunAgainIsIdempotent() {
        CanaryId id = canary();
        store.claimRun(id, "run-1", "rev-1", T0);
        store.appendWeight(id, "run-1", 10, T0.plusSeconds(60));

        ClaimResult again = store.claimRun(id, "run-1", "rev-1", T0.plusSeconds(90));

        assertThat(again).isInstanceOfSatisfying(ClaimResult.AlreadyActive.class, a -> {
            assertThat(a.run().runId()).isEqualTo("run-1");
            assertThat(a.run().startedAt()).isEqualTo(T0);
            assertThat(a.run().weights()).hasSize(1);
        });
    }

    @Test
    void aNewRevisionSupersedesTheRunningOne() {
        CanaryId id = canary();
        store.claimRun(id, "run-1", "rev-1", T0);
        ClaimResult asked = store.claimRun(id, "run-2", "rev-2", T0.plusSeconds(30));
        assertThat(asked).isEqualTo(new ClaimResult.Superseding(new ActiveRun("run-1", "rev-1", T0)));
        assertThat(store.run(id, "run-2")).isEmpty();

        ClaimResult result = store.supersede(id, "run-2", "rev-2", T0.plusSeconds(30));

        assertThat(result).isInstanceOfSatisfying(ClaimResult.Claimed.class, c -> {
            assertThat(c.run().runId()).isEqualTo("run-2");
            assertThat(c.superseded()).contains("run-1");
        });
        assertThat(store.activeRun(id)).contains(new ActiveRun("run-2", "rev-2", T0.plusSeconds(30)));
        Run old = store.run(id, "run-1").orElseThrow();
        assertThat(old.result()).isEqualTo(RunResult.SUPERSEDED);
        assertThat(old.endedAt()).contains(T0.plusSeconds(30));
        assertThat(old.supersededBy()).contains("run-2");
        // the superseded execution may still finish its current step: it must not release the new claim
        assertThat(store.finishRun(id, "run-1", RunResult.FAILED, T0.plusSeconds(40))).isFalse();
        assertThat(store.activeRun(id)).map(ActiveRun::runId).contains("run-2");
        assertThat(store.run(id, "run-1").orElseThrow().result()).isEqualTo(RunResult.SUPERSEDED);
        // and superseding again with the same revision is a no-op
        assertThat(store.supersede(id, "run-3", "rev-2", T0.plusSeconds(50)))
                .isInstanceOfSatisfying(ClaimResult.AlreadyActive.class, a -> assertThat(a.run().runId()).isEqualTo("run-2"));
    }

    @Test
    void supersedingAnIdleCanarySimplyClaimsIt() {
        CanaryId id = canary();

        assertThat(store.supersede(id, "run-1", "rev-1", T0))
                .isInstanceOfSatisfying(ClaimResult.Claimed.class, c -> assertThat(c.superseded()).isEmpty());
    }

    @Test
    void finishingRecordsTheResultAndReleasesTheCanaryOnce() {
        CanaryId id = canary();
        store.claimRun(id, "run-1", "rev-1", T0);

        assertThat(store.finishRun(id, "run-1", RunResult.SUCCEEDED, T0.plusSeconds(300))).isTrue();
        assertThat(store.finishRun(id, "run-1", RunResult.FAILED, T0.plusSeconds(301))).isFalse();

        Run run = store.run(id, "run-1").orElseThrow();
        assertThat(run.result()).isEqualTo(RunResult.SUCCEEDED);
        assertThat(run.endedAt()).contains(T0.plusSeconds(300));
        assertThat(store.activeRun(id)).isEmpty();
        assertThat(store.claimRun(id, "run-2", "rev-2", T0.plusSeconds(400))).isInstanceOf(ClaimResult.Claimed.class);
    }

    @Test
    void aFinishedRunIdIsNotReused() {
        CanaryId id = canary();
        store.claimRun(id, "run-1", "rev-1", T0);
        store.finishRun(id, "run-1", RunResult.FAILED, T0.plusSeconds(60));

        assertThatThrownBy(() -> store.claimRun(id, "run-1", "rev-1", T0.plusSeconds(70)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("claimRun run-1 " + id)
                .hasMessageContaining("already used");
    }

    @Test
    void keepsTheWeightTimelineOfARun() {
        CanaryId id = canary();
        store.claimRun(id, "run-1", "rev-1", T0);

        store.appendWeight(id, "run-1", 10, T0.plusSeconds(60));
        store.appendWeight(id, "run-1", 20, T0.plusSeconds(120));
        store.appendWeight(id, "run-1", 0, T0.plusSeconds(180));

        assertThat(store.run(id, "run-1").orElseThrow().weights()).containsExactly(
                new Run.WeightPoint(10, T0.plusSeconds(60)),
                new Run.WeightPoint(20, T0.plusSeconds(120)),
                new Run.WeightPoint(0, T0.plusSeconds(180)));
        assertThatThrownBy(() -> store.appendWeight(id, "run-x", 10, T0))
                .isInstanceOf(StoreException.class).hasMessage("appendWeight run-x " + id + ": no such run");
    }

    @Test
    void aRunCannotFinishAsRunning() {
        assertThatThrownBy(() -> store.finishRun(new CanaryId("test", "x"), "r", RunResult.RUNNING, T0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Runs both at the same instant (as near as two threads get) and returns their answers. */
    private List<ClaimResult> race(Callable<ClaimResult> a, Callable<ClaimResult> b) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(2);
        Future<ClaimResult> fa = pool.submit(() -> {
            barrier.await();
            return a.call();
        });
        Future<ClaimResult> fb = pool.submit(() -> {
            barrier.await();
            return b.call();
        });
        return List.of(fa.get(), fb.get());
    }
}
