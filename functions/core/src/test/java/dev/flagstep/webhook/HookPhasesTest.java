package dev.flagstep.webhook;

import static dev.flagstep.webhook.HookPhases.phaseSent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.spec.HookType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HookPhasesTest {

    @ParameterizedTest
    @EnumSource(CanaryPhase.class)
    void progressingTypesAlwaysSendProgressing(CanaryPhase current) {
        assertThat(phaseSent(HookType.PRE_ROLLOUT, current)).isEqualTo(CanaryPhase.PROGRESSING);
        assertThat(phaseSent(HookType.ROLLOUT, current)).isEqualTo(CanaryPhase.PROGRESSING);
        assertThat(phaseSent(HookType.CONFIRM_TRAFFIC_INCREASE, current)).isEqualTo(CanaryPhase.PROGRESSING);
        assertThat(phaseSent(HookType.CONFIRM_PROMOTION, current)).isEqualTo(CanaryPhase.PROGRESSING);
    }

    @ParameterizedTest
    @EnumSource(CanaryPhase.class)
    void currentPhaseTypesSendTheCurrentPhase(CanaryPhase current) {
        assertThat(phaseSent(HookType.CONFIRM_ROLLOUT, current)).isEqualTo(current);
        assertThat(phaseSent(HookType.ROLLBACK, current)).isEqualTo(current);
        assertThat(phaseSent(HookType.EVENT, current)).isEqualTo(current);
    }

    @Test
    void confirmRolloutSeesInitializedFirstThenWaiting() {
        assertThat(phaseSent(HookType.CONFIRM_ROLLOUT, CanaryPhase.INITIALIZED)).isEqualTo(CanaryPhase.INITIALIZED);
        assertThat(phaseSent(HookType.CONFIRM_ROLLOUT, CanaryPhase.WAITING)).isEqualTo(CanaryPhase.WAITING);
    }

    @Test
    void postRolloutSendsTheOutcome() {
        assertThat(phaseSent(HookType.POST_ROLLOUT, CanaryPhase.SUCCEEDED)).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(phaseSent(HookType.POST_ROLLOUT, CanaryPhase.FAILED)).isEqualTo(CanaryPhase.FAILED);
        assertThatThrownBy(() -> phaseSent(HookType.POST_ROLLOUT, CanaryPhase.PROGRESSING))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
