package dev.flagstep.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.gate.GateType;
import dev.flagstep.gatelink.GateLinkAction;
import dev.flagstep.gatelink.GateLinkClaims;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.testing.DynamoTableExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GateLinkUsesTest {

    @RegisterExtension
    static final DynamoTableExtension dynamo = new DynamoTableExtension();

    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private static final CanaryId ID = new CanaryId("test", "linked");

    private DynamoDbGateLinkUses uses() {
        return new DynamoDbGateLinkUses(dynamo.client(), dynamo.tableName(), Clock.fixed(T0, ZoneOffset.UTC));
    }

    private static GateLinkClaims link(String nonce) {
        return new GateLinkClaims(ID, GateType.CONFIRM_ROLLOUT, GateLinkAction.APPROVE, "run-1", T0.plusSeconds(3600), nonce);
    }

    @Test
    void aLinkIsSpentOnceAndExpiresWithTheLink() {
        assertThat(uses().spentAt(link("a"))).isEmpty();
        assertThat(uses().spend(link("a"), "203.0.113.9")).isTrue();
        assertThat(uses().spentAt(link("a"))).contains(T0);
        assertThat(uses().spend(link("a"), "198.51.100.1")).isFalse();
        assertThat(uses().spend(link("b"), "203.0.113.9")).as("another link of the same gate").isTrue();

        var item = dynamo.client().getItem(dynamo.tableName(), Items.key(ID, "LINK#a"));
        assertThat(Items.num(item, CanaryTable.TTL_ATTRIBUTE)).isEqualTo(T0.plusSeconds(3600).getEpochSecond());
        assertThat(Items.str(item, "usedBy")).contains("203.0.113.9");
        assertThat(Items.str(item, "action")).contains("approve");
    }

    @Test
    void ofTwoRacingClicksExactlyOneWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CyclicBarrier start = new CyclicBarrier(2);
            Callable<Boolean> click = () -> {
                start.await();
                return uses().spend(link("race"), "x");
            };
            Future<Boolean> a = pool.submit(click);
            Future<Boolean> b = pool.submit(click);
            assertThat(Map.of("a", a.get(), "b", b.get()).values()).containsExactlyInAnyOrder(true, false);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void spentLinksGoWithTheCanary() {
        CanaryStore store = dynamo.store(Clock.fixed(T0, ZoneOffset.UTC));
        store.putSpec(ID, "spec", SpecOrigin.API);
        uses().spend(link("gone"), "x");

        assertThat(store.deleteCanary(ID)).isTrue();

        assertThat(dynamo.client().getItem(dynamo.tableName(), Items.key(ID, "LINK#gone"))).isEmpty();
    }
}
