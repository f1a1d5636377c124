package dev.flagstep.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.spec.CanaryId;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CanaryEventJsonTest {

    private static final CanaryEvent EVENT = new CanaryEvent(new CanaryId("test", "podinfo"),
            Message.Severity.NORMAL, "Promotion completed! Scaling down podinfo.test", CanaryPhase.SUCCEEDED,
            Instant.parse("2026-11-02T10:00:00.123Z"), 0, 0, "run-1", "85d557f47b");

    @Test
    void fieldsComeInFlaggersPayloadOrderThenOurs() {
        assertThat(CanaryEventJson.detailJson(EVENT)).isEqualTo(
                "{\"name\":\"podinfo\",\"namespace\":\"test\",\"phase\":\"Succeeded\",\"checksum\":\"85d557f47b\","
                        + "\"metadata\":{\"eventMessage\":\"Promotion completed! Scaling down podinfo.test\","
                        + "\"eventType\":\"Normal\",\"timestamp\":\"1793613600123\"},"
                        + "\"canaryWeight\":0,\"failedChecks\":0,\"runId\":\"run-1\"}");
    }

    @Test
    void readsADetailBack() {
        assertThat(CanaryEventJson.fromDetail(CanaryEventJson.detailJson(EVENT))).isEqualTo(EVENT);
    }

    @Test
    void refusesWhatIsNotACanaryEvent() {
        assertThatThrownBy(() -> CanaryEventJson.fromDetail("{\"name\":\"x\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespace");
        assertThatThrownBy(() -> CanaryEventJson.fromDetail("not json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> CanaryEventJson.fromDetail(
                "{\"name\":\"x\",\"namespace\":\"y\",\"phase\":\"Dancing\",\"metadata\":{\"eventType\":\"Normal\",\"timestamp\":\"1\"}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Dancing");
    }
}
