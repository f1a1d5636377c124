package dev.flagstep.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.Phase;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.DynamoDbCanaryStore;
import dev.flagstep.testing.DynamoTableExtension;
import dev.flagstep.testing.EventBridgeFake;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

class HistoryAndCompositePublisherTest {

    @RegisterExtension
    static final DynamoTableExtension dynamo = new DynamoTableExtension();

    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

    private static CanaryEvent event(CanaryId id, String message, int ms) {
        return new CanaryEvent(id, Message.Severity.NORMAL, message, Phase.PROGRESSING, T0.plusMillis(ms), 10, 0, "r", "c");
    }

    @Test
    void historyPublisherAppendsToTheCanarysHistory() {
        CanaryStore store = dynamo.store(Clock.systemUTC());
        CanaryId id = new CanaryId("test", "history");

        PublishResult result = new HistoryPublisher(store).publish(List.of(event(id, "one", 0), event(id, "two", 0)));

        assertThat(result).isEqualTo(new PublishResult(2, List.of()));
        assertThat(store.events(id, 10, Optional.empty()).items()).extracting(CanaryEvent::message)
                .containsExactly("two", "one");
    }

    @Test
    void historyFailuresAreReportedNotThrown() {
        CanaryStore broken = new DynamoDbCanaryStore(dynamo.client(), "missing-table", Clock.systemUTC());
        CanaryId id = new CanaryId("test", "broken");

        PublishResult result = new HistoryPublisher(broken).publish(List.of(event(id, "one", 0)));

        assertThat(result.delivered()).isZero();
        assertThat(result.failures()).singleElement().satisfies(f -> {
            assertThat(f.destination()).isEqualTo("history");
            assertThat(f.reason()).contains("append event test/broken");
        });
    }

    @Test
    void compositeDeliversToEveryDestinationEvenWhenOneThrows() {
        CanaryStore store = dynamo.store(Clock.systemUTC());
        CanaryId id = new CanaryId("test", "composite");
        EventPublisher throwing = events -> {
            throw new IllegalStateException("boom");
        };
        try (EventBridgeFake bus = EventBridgeFake.start(); EventBridgeClient client = bus.client()) {
            EventPublisher all = new CompositePublisher(List.of(
                    new HistoryPublisher(store), throwing, new EventBridgePublisher(client, "bus", 2, Duration.ofMillis(1))));

            PublishResult result = all.publish(List.of(event(id, "one", 0), event(id, "two", 1)));

            assertThat(result.delivered()).isEqualTo(4);
            assertThat(result.failures()).hasSize(2).allSatisfy(f -> assertThat(f.reason()).contains("boom"));
            assertThat(store.events(id, 10, Optional.empty()).items()).hasSize(2);
            assertThat(bus.acceptedEntries()).hasSize(2);
        }
    }
}
