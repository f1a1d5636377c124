package dev.flagstep.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.api.testing.FakeStepFunctions;
import dev.flagstep.gate.SfnTaskTokens;
import dev.flagstep.gate.TaskTokens;
import org.junit.jupiter.api.Test;

class SfnTaskTokensTest {

    @Test
    void completesAWaitingTaskAndReportsATokenNobodyWaitsOn() throws Exception {
        try (FakeStepFunctions sfn = new FakeStepFunctions()) {
            var client = sfn.client();
            TaskTokens tokens = new SfnTaskTokens(() -> client);
            sfn.parkToken("token-1");

            assertThat(tokens.resume("token-1", "{\"gate\":\"confirm-rollout\"}")).isTrue();
            assertThat(sfn.completed("token-1")).contains("{\"gate\":\"confirm-rollout\"}");
            assertThat(tokens.resume("token-1", "{}")).as("already completed").isFalse();
            assertThat(tokens.resume("never-parked", "{}")).isFalse();
        }
    }
}
