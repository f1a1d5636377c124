package dev.flagstep.webhook;

import static dev.flagstep.webhook.HookPhases.phaseSent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.analysis.Phase;
import dev.flagstep.spec.HookType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HookPhasesTest {

    @ParameterizedTest
    @EnumSource(Phase.class)
    void progressingTypesAlwaysSendProgressing(Phase current) {
        assertThat(phaseSent(HookType.PRE_ROLLOUT, current)).isEqualTo(Phase.PROGRESSING);
        assertThat(phaseSent(HookType.ROLLOUT, current)).isEqualTo(Phase.PROGRESSING);
        assertThat(phaseSent(HookType.CONFIRM_TRAFFIC_INCREASE, current)).isEqualTo(Phase.PROGRESSING);
        assertThat(phaseSent(HookType.CONFIRM_PROMOTION, current)).isEqualTo(Phase.PROGRESSING);
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void currentPhaseTypesSendTheCurrentPhase(Phase current) {
        assertThat(phaseSent(HookType.CONFIRM_ROLLOUT, current)).isEqualTo(current);
        assertThat(phaseSent(HookType.ROLLBACK, current)).isEqualTo(current);
        assertThat(phaseSent(HookType.EVENT, current)).isEqualTo(current);
    }

    @Test
    void confirmRolloutSeesInitializedFirstThenWaiting() {
        assertThat(phaseSent(HookType.CONFIRM_ROLLOUT, Phase.INITIALIZED)).isEqualTo(Phase.INITIALIZED);
        assertThat(phaseSent(HookType.CONFIRM_ROLLOUT, Phase.WAITING)).isEqualTo(Phase.WAITING);
    }

    @Test
    void postRolloutSendsTheOutcome() {
        assertThat(phaseSent(HookType.POST_ROLLOUT, Phase.SUCCEEDED)).isEqualTo(Phase.SUCCEEDED);
        assertThat(phaseSent(HookType.POST_ROLLOUT, Phase.FAILED)).isEqualTo(Phase.FAILED);
        assertThatThrownBy(() -> phaseSent(HookType.POST_ROLLOUT, Phase.PROGRESSING))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
