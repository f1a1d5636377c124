package dev.flagstep.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.gate.GateType;
import dev.flagstep.gate.LoadtesterGateKey;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.testing.DisabledOnMoto;
import dev.flagstep.testing.DynamoTableExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GateStoreTest {

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

    private static CanaryId canary() {
        return new CanaryId("test", "gated-" + CANARIES.incrementAndGet());
    }

    @Test
    void gatesAreClosedUntilOpened() {
        CanaryId id = canary();

        assertThat(store.gate(id, GateType.CONFIRM_ROLLOUT)).isEqualTo(Gate.closed());
        assertThat(store.gates(id)).hasSize(GateType.values().length).allSatisfy((type, gate) -> assertThat(gate.open()).isFalse());
    }

    @Test
    void openingRecordsWhoWhyAndWhen() {
        CanaryId id = canary();

        Optional<String> token = store.openGate(id, GateType.CONFIRM_PROMOTION, "alice", "dashboards look fine");

        assertThat(token).isEmpty();
        assertThat(store.gate(id, GateType.CONFIRM_PROMOTION)).isEqualTo(new Gate(true, Optional.of("alice"),
                Optional.of("dashboards look fine"), Optional.of(T0), Optional.empty(), Optional.empty()));
        assertThat(store.gate(id, GateType.CONFIRM_ROLLOUT).open()).as("gates are independent").isFalse();
        assertThat(store.gates(id).get(GateType.CONFIRM_PROMOTION).open()).isTrue();
    }

    @Test
    void openingHandsOverTheTokenOfTheParkedRolloutExactlyOnce() {
        CanaryId id = canary();
        assertThat(store.park(id, GateType.CONFIRM_ROLLOUT, "token-1", T0.plusSeconds(1))).isEqualTo(new ParkResult.Parked());
        assertThat(store.gate(id, GateType.CONFIRM_ROLLOUT).waitingTaskToken()).contains("token-1");
        assertThat(store.gate(id, GateType.CONFIRM_ROLLOUT).waitingSince()).contains(T0.plusSeconds(1));

        assertThat(store.openGate(id, GateType.CONFIRM_ROLLOUT, "bob", "go")).contains("token-1");
        assertThat(store.openGate(id, GateType.CONFIRM_ROLLOUT, "carol", "go again")).isEmpty();
        assertThat(store.gate(id, GateType.CONFIRM_ROLLOUT).waitingTaskToken()).isEmpty();
    }

    @Test
    void parkingOnAnOpenGateStoresNothingAndSaysGoOn() {
        CanaryId id = canary();
        store.openGate(id, GateType.CONFIRM_TRAFFIC_INCREASE, "alice", "ok");

        ParkResult result = store.park(id, GateType.CONFIRM_TRAFFIC_INCREASE, "token-1", T0);

        assertThat(result).isInstanceOfSatisfying(ParkResult.AlreadyOpen.class, open -> {
            assertThat(open.gate().open()).isTrue();
            assertThat(open.gate().who()).contains("alice");
        });
        assertThat(store.gate(id, GateType.CONFIRM_TRAFFIC_INCREASE).waitingTaskToken()).isEmpty();
    }

    @Test
    void closingKeepsAParkedRolloutParked() {
        CanaryId id = canary();
        store.park(id, GateType.CONFIRM_PROMOTION, "token-1", T0);

        store.closeGate(id, GateType.CONFIRM_PROMOTION, "dave", "not yet");

        Gate gate = store.gate(id, GateType.CONFIRM_PROMOTION);
        assertThat(gate.open()).isFalse();
        assertThat(gate.who()).contains("dave");
        assertThat(gate.waitingTaskToken()).contains("token-1");
    }

    @Test
    void aTokenIsClearedOnlyByItsOwnWaiter() {
        CanaryId id = canary();
        store.park(id, GateType.CONFIRM_ROLLOUT, "old", T0);
        store.park(id, GateType.CONFIRM_ROLLOUT, "new", T0.plusSeconds(60)); // the old wait timed out

        assertThat(store.clearToken(id, GateType.CONFIRM_ROLLOUT, "old")).isFalse();
        assertThat(store.gate(id, GateType.CONFIRM_ROLLOUT).waitingTaskToken()).contains("new");
        assertThat(store.clearToken(id, GateType.CONFIRM_ROLLOUT, "new")).isTrue();
        assertThat(store.gate(id, GateType.CONFIRM_ROLLOUT).waitingTaskToken()).isEmpty();
    }

    @Test
    void closeAllClosesEveryGateAndForgetsTokensWhenARolloutEnds() {
        CanaryId id = canary();
        store.openGate(id, GateType.CONFIRM_ROLLOUT, "a", "x");
        store.openGate(id, GateType.ROLLBACK, "a", "x");
        store.openGate(id, GateType.LOADTESTER, "a", "x");
        store.park(id, GateType.CONFIRM_PROMOTION, "token", T0);

        store.closeAll(id);

        assertThat(store.gates(id)).allSatisfy((type, gate) -> {
            assertThat(gate.open()).as(type.wireName()).isFalse();
            assertThat(gate.waitingTaskToken()).as(type.wireName()).isEmpty();
        });
        assertThat(store.gate(id, GateType.ROLLBACK).why()).contains("rollout ended");
    }

    @DisabledOnMoto(DisabledOnMoto.CONCURRENT_CONDITIONS)
    @Test
    void anOpenRacingAParkIsNeverLost() throws Exception {
        for (int round = 0; round < 20; round++) {
            CanaryId id = canary();
            CyclicBarrier barrier = new CyclicBarrier(2);
            Future<ParkResult> park = pool.submit(() -> {
                barrier.await();
                return store.park(id, GateType.CONFIRM_PROMOTION, "token-" + round(id), T0);
            });
            Future<Optional<String>> open = pool.submit(() -> {
                barrier.await();
                return store.openGate(id, GateType.CONFIRM_PROMOTION, "alice", "ship it");
            });

            // either the park came first and the opener holds its token to resume the rollout,
            // or the open came first and the rollout was told not to wait
            if (park.get() instanceof ParkResult.Parked) {
                assertThat(open.get()).contains("token-" + round(id));
            } else {
                assertThat(park.get()).isInstanceOf(ParkResult.AlreadyOpen.class);
                assertThat(open.get()).isEmpty();
            }
            Gate gate = store.gate(id, GateType.CONFIRM_PROMOTION);
            assertThat(gate.open()).isTrue();
            assertThat(gate.waitingTaskToken()).isEmpty();
        }
    }

    private static String round(CanaryId id) {
        return id.name();
    }

    @Test
    void theLoadtestersRollbackGateIsTheBuiltInRollbackGate() {
        CanaryId id = canary();
        LoadtesterGateKey key = LoadtesterGateKey.rollback(id.name(), id.namespace());
        store.openGate(key.canary(), key.type(), "loadtester", "/rollback/open");
        assertThat(store.gate(id, GateType.ROLLBACK).open()).isTrue();
    }
}
