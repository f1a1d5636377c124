package dev.flagstep.crd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CanaryEventObjectTest {

    @Test
    void namesAreClientGosObjectNameDotHexNanos() {
        Instant t = Instant.parse("2025-03-01T10:00:00.000000001Z");
        long nanos = CanaryEventObject.unixNanos(t);
        assertThat(nanos).isEqualTo(1740823200_000000001L);
        assertThat(CanaryEventObject.name("podinfo", nanos)).isEqualTo("podinfo." + Long.toHexString(nanos));
    }

    @Test
    void aNameTooLongForKubernetesIsRandom() {
        String longName = "a".repeat(250);
        String name = CanaryEventObject.name(longName, 1L << 60);
        assertThat(name).doesNotStartWith("aaa").hasSizeLessThanOrEqualTo(253).matches("[0-9a-f-]+");
        assertThat(CanaryEventObject.name("a".repeat(236), 1L << 60)).hasSize(253);
    }

    @Test
    void aRepeatPatchesOnlyCountAndLastTimestamp() {
        assertThat(CanaryEventObject.seenAgain(3, Instant.parse("2025-03-01T10:02:00.5Z")).toString())
                .isEqualTo("{\"count\":3,\"lastTimestamp\":\"2025-03-01T10:02:00Z\"}");
    }
}
