package dev.flagstep.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.aws.dynamodb.AttributeValue;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.events.MessageLimit;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.HookType;
import dev.flagstep.testing.DynamoTableExtension;
import dev.flagstep.testing.WebhookFixtures;
import dev.flagstep.testing.WebhookReceiver.Reply;
import dev.flagstep.testing.WebhookReceiver;
import dev.flagstep.webhook.HookOutcome;
import dev.flagstep.webhook.WebhookClient;
import dev.flagstep.webhook.WebhookPayload;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A receiver answering megabytes never costs an event: the message is cut, the append succeeds. DynamoDB Local. */
class EventSizeTest {

    @RegisterExtension
    static final DynamoTableExtension dynamo = new DynamoTableExtension();

    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00.123Z");
    private final CanaryStore store = dynamo.store(Clock.systemUTC());

    @Test
    void aMegabyteErrorBodyBecomesAFewKibOfEventAndIsRecorded() {
        CanaryId id = new CanaryId("test", "huge-body");
        HookOutcome outcome;
        try (WebhookReceiver rx = WebhookReceiver.start()) {
            rx.script("/load", Reply.status(400).body("E".repeat(1024 * 1024)));
            outcome = new WebhookClient().call(WebhookFixtures.hook("load-test", HookType.ROLLOUT, rx.url("/load"),
                    Duration.ofSeconds(10), 0), new WebhookPayload("huge-body", "test", CanaryPhase.PROGRESSING, "c", Map.of()));
        }
        String text = "Halt huge-body.test advancement external check load-test failed " + outcome.message();
        CanaryEvent event = new CanaryEvent(id, Message.Severity.WARNING, text, CanaryPhase.PROGRESSING, T0, 10, 1, "run-1", "c");

        store.append(event);

        String stored = store.events(id, 10, Optional.empty()).items().getFirst().message();
        assertThat(stored).startsWith("Halt huge-body.test advancement external check load-test failed EEEE")
                .endsWith(" bytes in all]");
        assertThat(stored.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(MessageLimit.EVENT_MESSAGE_BYTES);
    }

    @Test
    void anItemOverDynamosLimitHasItsMessageCutInsteadOfBeingRefused() {
        CanaryId id = new CanaryId("test", "huge-item");
        // everything but the message already near the limit: only the store's own fitting can save the append
        String checksum = "c".repeat(398_000);
        CanaryEvent event = new CanaryEvent(id, Message.Severity.NORMAL, "m".repeat(4000), CanaryPhase.PROGRESSING, T0, 10, 0, "run-1",
                checksum);

        store.append(event);

        CanaryEvent stored = store.events(id, 10, Optional.empty()).items().getFirst();
        assertThat(stored.checksum()).isEqualTo(checksum);
        assertThat(stored.message()).startsWith("mmm").endsWith(" ... [truncated: 4000 bytes in all]").hasSizeLessThan(4000);
    }

    @Test
    void fittingCutsOnlyWhatIsNeeded() {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS("CANARY#test/x"));
        item.put("message", AttributeValue.fromS("x".repeat(5000)));
        item.put("n", AttributeValue.fromN("42"));
        int whole = ItemSize.of(item);

        assertThat(ItemSize.fitted(item, "message", whole)).isSameAs(item);
        Map<String, AttributeValue> fitted = ItemSize.fitted(item, "message", 1000);
        assertThat(ItemSize.of(fitted)).isLessThanOrEqualTo(1000).isGreaterThan(900);
        assertThat(fitted.get("message").asS().orElseThrow()).endsWith(" ... [truncated: 5000 bytes in all]");
        assertThat(fitted.get("pk")).isEqualTo(item.get("pk"));
    }

    @Test
    void messagesAreCutAtCharacterBoundariesWithinTheLimit() {
        assertThat(MessageLimit.truncate("short", 4096)).isEqualTo("short");
        String accents = "é".repeat(5000); // two bytes each
        String cut = MessageLimit.truncate(accents, 4096);
        assertThat(cut.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(4096);
        assertThat(cut).startsWith("éé").endsWith("é ... [truncated: 10000 bytes in all]");
        String emoji = "😀".repeat(3000); // a surrogate pair, four bytes each
        assertThat(MessageLimit.truncate(emoji, 100).codePoints().filter(Character::isSupplementaryCodePoint).count())
                .isGreaterThan(0);
        assertThat(MessageLimit.truncate(emoji, 100)).doesNotContain("\uFFFD").endsWith("😀 ... [truncated: 12000 bytes in all]");
        assertThat(new CanaryEvent(new CanaryId("t", "n"), Message.Severity.NORMAL, "x".repeat(10_000), CanaryPhase.PROGRESSING, T0, 0, 0,
                "r", "c").message().getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(MessageLimit.EVENT_MESSAGE_BYTES);
    }
}
