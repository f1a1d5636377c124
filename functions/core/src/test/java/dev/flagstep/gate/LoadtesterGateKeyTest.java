package dev.flagstep.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.spec.CanaryId;
import org.junit.jupiter.api.Test;

class LoadtesterGateKeyTest {

    @Test
    void loadtesterKeysMapOntoTheCanarysGates() {
        assertThat(LoadtesterGateKey.parse("podinfo.test"))
                .contains(new LoadtesterGateKey(new CanaryId("test", "podinfo"), GateType.LOADTESTER));
        assertThat(LoadtesterGateKey.parse("rollback.podinfo.test"))
                .contains(new LoadtesterGateKey(new CanaryId("test", "podinfo"), GateType.ROLLBACK));
        assertThat(LoadtesterGateKey.parse("my.app.prod")).map(LoadtesterGateKey::canary)
                .contains(new CanaryId("prod", "my.app"));
        assertThat(LoadtesterGateKey.parse("nodot")).isEmpty();
        assertThat(LoadtesterGateKey.parse("trailing.")).isEmpty();
        assertThat(LoadtesterGateKey.confirm("podinfo", "test").key()).isEqualTo("podinfo.test");
        assertThat(LoadtesterGateKey.rollback("podinfo", "test").key()).isEqualTo("rollback.podinfo.test");
        assertThatThrownBy(() -> new LoadtesterGateKey(new CanaryId("t", "p"), GateType.CONFIRM_ROLLOUT))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
