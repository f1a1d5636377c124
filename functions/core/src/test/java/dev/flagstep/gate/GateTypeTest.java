package dev.flagstep.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.spec.HookType;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GateTypeTest {

    @Test
    void everyWebhookTypeHasItsGateOrNone() {
        Map<HookType, Optional<GateType>> expected = new EnumMap<>(HookType.class);
        expected.put(HookType.CONFIRM_ROLLOUT, Optional.of(GateType.CONFIRM_ROLLOUT));
        expected.put(HookType.CONFIRM_TRAFFIC_INCREASE, Optional.of(GateType.CONFIRM_TRAFFIC_INCREASE));
        expected.put(HookType.CONFIRM_PROMOTION, Optional.of(GateType.CONFIRM_PROMOTION));
        expected.put(HookType.ROLLBACK, Optional.of(GateType.ROLLBACK));
        expected.put(HookType.PRE_ROLLOUT, Optional.empty());
        expected.put(HookType.ROLLOUT, Optional.empty());
        expected.put(HookType.POST_ROLLOUT, Optional.empty());
        expected.put(HookType.EVENT, Optional.empty());
        assertThat(expected).hasSize(HookType.values().length);
        for (HookType type : HookType.values()) {
            assertThat(GateType.forHook(type)).as(type.wireName()).isEqualTo(expected.get(type));
        }
    }

    @Test
    void aRolloutParkedOnAConfirmGateWakesForItsGateTheLoadtestersAndTheRollbackGate() {
        assertThat(GateType.wakers(HookType.CONFIRM_ROLLOUT))
                .containsExactly(GateType.CONFIRM_ROLLOUT, GateType.LOADTESTER, GateType.ROLLBACK);
        assertThat(GateType.wakers(HookType.CONFIRM_TRAFFIC_INCREASE))
                .containsExactly(GateType.CONFIRM_TRAFFIC_INCREASE, GateType.LOADTESTER, GateType.ROLLBACK);
        assertThat(GateType.wakers(HookType.CONFIRM_PROMOTION))
                .containsExactly(GateType.CONFIRM_PROMOTION, GateType.LOADTESTER, GateType.ROLLBACK);
        for (HookType other : List.of(HookType.PRE_ROLLOUT, HookType.ROLLOUT, HookType.POST_ROLLOUT, HookType.ROLLBACK,
                HookType.EVENT)) {
            assertThatThrownBy(() -> GateType.wakers(other)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void wireNamesRoundTripAndOnlyTheLoadtesterGateIsNotBuiltIn() {
        for (GateType type : GateType.values()) {
            assertThat(GateType.fromWire(type.wireName())).contains(type);
            assertThat(type.isBuiltIn()).isEqualTo(type != GateType.LOADTESTER);
        }
        assertThat(GateType.fromWire("confirm-traffic-increase")).contains(GateType.CONFIRM_TRAFFIC_INCREASE);
        assertThat(GateType.fromWire("nope")).isEmpty();
    }
}
