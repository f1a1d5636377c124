package dev.flagstep.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.testing.DefaultLocale;
import dev.flagstep.testing.DynamoTableExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

class EventHistoryTest {

    @RegisterExtension
    static final DynamoTableExtension dynamo = new DynamoTableExtension();

    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00.123Z");
    private static final AtomicInteger CANARIES = new AtomicInteger();
    private final CanaryStore store = dynamo.store(Clock.systemUTC());

    private static CanaryId canary() {
        return new CanaryId("test", "events-" + CANARIES.incrementAndGet());
    }

    private static CanaryEvent event(CanaryId id, String message, Instant at) {
        return new CanaryEvent(id, Message.Severity.NORMAL, message, CanaryPhase.PROGRESSING, at, 20, 1, "run-1", "cs");
    }

    @Test
    void keepsEveryFieldOfAnEvent() {
        CanaryId id = canary();
        CanaryEvent warning = new CanaryEvent(id, Message.Severity.WARNING,
                "Halt " + id.dotted() + " advancement pre-rollout check load failed", CanaryPhase.WAITING_PROMOTION, T0,
                50, 3, "run-7", "85d557f47b");

        store.append(warning);

        assertThat(store.events(id, 10, Optional.empty()).items()).containsExactly(warning);
    }

    @Test
    void eventsExpireAfterTheRetentionThroughTheTablesTtl() {
        CanaryId id = canary();
        store.append(event(id, "default retention", T0));
        CanaryStore weekly = new DynamoDbCanaryStore(dynamo.client(), dynamo.tableName(), Clock.systemUTC(), Duration.ofDays(7));
        weekly.append(event(id, "seven days", T0.plusSeconds(1)));

        Map<String, Long> expiry = new java.util.HashMap<>();
        dynamo.sdkClient().query(q -> q.tableName(dynamo.tableName())
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("CANARY#" + id))))
                .items().forEach(item -> expiry.put(item.get("message").s(), Long.parseLong(item.get("expiresAt").n())));

        assertThat(expiry).containsEntry("default retention", T0.plus(Duration.ofDays(30)).getEpochSecond())
                .containsEntry("seven days", T0.plusSeconds(1).plus(Duration.ofDays(7)).getEpochSecond());
        var ttl = dynamo.sdkClient().describeTimeToLive(d -> d.tableName(dynamo.tableName())).timeToLiveDescription();
        assertThat(ttl.attributeName()).isEqualTo("expiresAt");
        assertThat(ttl.timeToLiveStatus()).isIn(TimeToLiveStatus.ENABLED, TimeToLiveStatus.ENABLING);
    }

    @Test
    void pagesGoNewestFirstAndKeepEventsOfTheSameMillisecond() {
        CanaryId id = canary();
        List<CanaryEvent> appended = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            appended.add(event(id, "early " + i, T0.plusMillis(i)));
        }
        for (int i = 0; i < 4; i++) {
            appended.add(event(id, "same ms " + i, T0.plusMillis(10))); // four events, one millisecond
        }
        appended.add(event(id, "last", T0.plusMillis(11)));
        appended.forEach(store::append);
        store.append(event(canary(), "another canary", T0.plusMillis(5)));

        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            Page<CanaryEvent> page = store.events(id, 3, cursor);
            page.items().forEach(e -> seen.add(e.message()));
            pageSizes.add(page.items().size());
            cursor = page.next();
        } while (cursor.isPresent());

        assertThat(pageSizes).containsExactly(3, 3, 2);
        assertThat(seen).containsExactly(
                "last", "same ms 3", "same ms 2", "same ms 1", "same ms 0", "early 2", "early 1", "early 0");
    }

    @Test
    void eventKeysAreAsciiDigitsWhateverTheDefaultLocale() {
        assertThat(DefaultLocale.under(DefaultLocale.ARABIC_DIGITS, () -> Items.eventSk(1_700_000_000_123L, 7)))
                .isEqualTo("EVENT#1700000000123#0007");
    }

    @Test
    void aForeignOrForgedCursorIsRefused() {
        CanaryId id = canary();
        for (int i = 0; i < 3; i++) {
            store.append(event(id, "e" + i, T0.plusMillis(i)));
        }
        String cursor = store.events(id, 1, Optional.empty()).next().orElseThrow();

        // a cursor carries only a position: used on another canary it reads that canary's events
        CanaryId other = canary();
        store.append(event(other, "theirs", T0));
        assertThat(store.events(other, 10, Optional.of(cursor)).items()).extracting(CanaryEvent::canary).containsOnly(other);
        assertThatThrownBy(() -> store.events(id, 10, Optional.of("not-a-cursor!")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor");
        assertThatThrownBy(() -> store.events(id, 0, Optional.empty())).isInstanceOf(IllegalArgumentException.class);
    }
}
