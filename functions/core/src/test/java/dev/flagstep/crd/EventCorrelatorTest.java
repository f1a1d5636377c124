package dev.flagstep.crd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.Message.Severity;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventCorrelatorTest {

    static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    static EventCorrelator.Key key(String message) {
        return new EventCorrelator.Key("test", "uid-1", Severity.NORMAL, "Synced", message);
    }

    @Test
    void anEventIsRepeatedOnlyWithEveryPartTheSame() {
        EventCorrelator c = new EventCorrelator();
        c.remember(key("a"), new EventCorrelator.Posted("podinfo.1", 1, T0));

        assertThat(c.repeated(key("a"), T0.plusSeconds(5))).map(EventCorrelator.Posted::name).contains("podinfo.1");
        assertThat(c.repeated(key("b"), T0)).isEmpty();
        assertThat(c.repeated(new EventCorrelator.Key("test", "uid-2", Severity.NORMAL, "Synced", "a"), T0)).isEmpty();
        assertThat(c.repeated(new EventCorrelator.Key("test", "uid-1", Severity.WARNING, "Synced", "a"), T0)).isEmpty();
        assertThat(c.repeated(new EventCorrelator.Key("other", "uid-1", Severity.NORMAL, "Synced", "a"), T0)).isEmpty();
    }

    @Test
    void anEventOlderThanTheServersEventLifetimeIsNotReused() {
        EventCorrelator c = new EventCorrelator();
        c.remember(key("a"), new EventCorrelator.Posted("podinfo.1", 4, T0));

        assertThat(c.repeated(key("a"), T0.plus(EventCorrelator.EVENT_TTL).minusSeconds(1))).isPresent();
        assertThat(c.repeated(key("a"), T0.plus(EventCorrelator.EVENT_TTL))).isEmpty();
    }

    @Test
    void memoryIsBoundedForgettingTheLeastRecentlySeen() {
        EventCorrelator c = new EventCorrelator();
        for (int i = 0; i < EventCorrelator.MAX_ENTRIES; i++) {
            c.remember(key("m" + i), new EventCorrelator.Posted("p" + i, 1, T0));
        }
        c.repeated(key("m0"), T0); // seen again: now the most recent
        c.remember(key("new"), new EventCorrelator.Posted("new", 1, T0));

        assertThat(c.size()).isEqualTo(EventCorrelator.MAX_ENTRIES);
        assertThat(c.repeated(key("m0"), T0)).isPresent();
        assertThat(c.repeated(key("m1"), T0)).isEmpty();
        assertThat(c.repeated(key("new"), T0)).isPresent();
    }
}
