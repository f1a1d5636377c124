package dev.flagstep.local.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.aws.AwsService;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.events.CanaryEventJson;
import dev.flagstep.events.EventBridgePublisher;
import dev.flagstep.events.PublishResult;
import dev.flagstep.local.faults.FaultProxy;
import dev.flagstep.spec.CanaryId;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@link EventBridgePublisher} against the emulator's EventBridge (LocalStack or moto: {@link AwsEmulator}):
 * a bus like the stack's, a rule as a user puts on it for canary events (source {@code flagstep}, detail-type
 * {@code Canary Event}, as docs/api.md documents) delivering to an SQS queue, and the events read back from
 * the queue as a rule target receives them. (The stack itself has no rule for canary events: the phases post
 * them to the event webhooks.)
 */
class EmulatorEventBusTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00.123Z");

    private static AwsEmulator aws;
    private static EventBridgeClient events;
    private static SqsClient sqs;
    private static String bus;
    private static String queueUrl;

    @BeforeAll
    static void createBusRuleAndQueue() throws Exception {
        aws = AwsEmulator.get();
        events = aws.client(EventBridgeClient.builder());
        sqs = aws.client(SqsClient.builder());
        bus = AwsEmulator.unique("flagstep-events");
        events.createEventBus(b -> b.name(bus));

        queueUrl = sqs.createQueue(b -> b.queueName(AwsEmulator.unique("canary-events"))).queueUrl();
        String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        List<JsonNode> patterns = List.of(canaryEventPattern());
        List<String> ruleArns = new ArrayList<>();
        for (JsonNode pattern : patterns) {
            String ruleName = AwsEmulator.unique("canary-events");
            ruleArns.add(events.putRule(b -> b.name(ruleName).eventBusName(bus).eventPattern(pattern.toString())).ruleArn());
            var targets = events.putTargets(b -> b.rule(ruleName).eventBusName(bus)
                    .targets(Target.builder().id("queue").arn(queueArn).build()));
            assertThat(targets.failedEntryCount()).isZero();
        }
        // what AWS needs before the rules may deliver to the queue (the emulators do not insist)
        sqs.setQueueAttributes(b -> b.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.POLICY, """
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                  "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage",
                  "Resource": "%s", "Condition": {"ArnEquals": {"aws:SourceArn": %s}}}]}"""
                .formatted(queueArn, JSON.valueToTree(ruleArns)))));
    }

    /** The documented pattern of a rule for canary events, from what the publisher sends. */
    private static JsonNode canaryEventPattern() {
        var pattern = JSON.createObjectNode();
        pattern.putArray("source").add(EventBridgePublisher.SOURCE);
        pattern.putArray("detail-type").add(EventBridgePublisher.DETAIL_TYPE);
        return pattern;
    }

    @AfterAll
    static void closeClients() {
        if (events != null) {
            events.close();
        }
        if (sqs != null) {
            sqs.close();
        }
    }

    @Test
    void everyPublishedEventReachesTheRuleTargetWithFlaggersPayload() throws Exception {
        CanaryId id = new CanaryId("test", "podinfo");
        List<CanaryEvent> published = new ArrayList<>();
        for (int i = 0; i < 12; i++) { // more than one PutEvents call (at most 10 entries each)
            published.add(new CanaryEvent(id, i == 11 ? Message.Severity.WARNING : Message.Severity.NORMAL,
                    "Advance podinfo.test canary weight " + (i * 5) + " #" + i, CanaryPhase.PROGRESSING,
                    T0.plusSeconds(i), i * 5, i == 11 ? 1 : 0, "run-" + i, "85d557f47b"));
        }
        // an event of another source on the same bus must not match the rule
        events.putEvents(b -> b.entries(PutEventsRequestEntry.builder().eventBusName(bus).source("not-flagstep")
                .detailType(EventBridgePublisher.DETAIL_TYPE).detail("{\"name\": \"stranger\"}").build()));

        PublishResult result = new EventBridgePublisher(aws.json(AwsService.EVENTBRIDGE), bus).publish(published);

        assertThat(result.failures()).isEmpty();
        assertThat(result.delivered()).isEqualTo(published.size());

        Map<String, JsonNode> received = receive("podinfo", published.size(), Duration.ofSeconds(30));
        assertThat(received.values()).allSatisfy(envelope -> {
            assertThat(envelope.path("source").asText()).isEqualTo("flagstep");
            assertThat(envelope.path("detail-type").asText()).isEqualTo("Canary Event");
            assertThat(envelope.path("detail").isObject()).as("detail is a JSON object, not a string").isTrue();
        });
        List<CanaryEvent> readBack = new ArrayList<>();
        for (JsonNode envelope : received.values()) {
            readBack.add(CanaryEventJson.fromDetail(JSON.writeValueAsString(envelope.path("detail"))));
        }
        assertThat(readBack).containsExactlyInAnyOrderElementsOf(published);
        JsonNode warning = received.get(published.get(11).message()).path("detail");
        assertThat(warning.path("metadata").path("eventType").asText()).isEqualTo("Warning");
        assertThat(warning.path("canaryWeight").asInt()).isEqualTo(55);
        assertThat(warning.path("failedChecks").asInt()).isEqualTo(1);
        assertThat(warning.path("runId").asText()).isEqualTo("run-11");

        assertThat(receive("podinfo", 1, Duration.ofSeconds(2))).as("nothing else was delivered").isEmpty();
    }

    /**
     * AWS refuses a PutEvents whose entries total 256 KB or more (moto does not check: the size is computed here
     * as AWS does, Time 14 bytes + Source + DetailType + Detail). Messages are cut to a few KiB, so ten events with
     * megabyte messages (a receiver's error body) still make one valid call, and all of them arrive.
     */
    @Test
    void tenEventsWithHugeMessagesFitOnePutEventsUnder256KiBAndArrive() throws Exception {
        String huge = "x".repeat(1 << 20);
        List<CanaryEvent> published = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            published.add(new CanaryEvent(new CanaryId("test", "huge"), Message.Severity.WARNING, "#" + i + " " + huge,
                    CanaryPhase.PROGRESSING, T0.plusSeconds(i), 10, 1, "run-huge", "85d557f47b"));
        }
        long requestBytes = published.stream().mapToLong(e -> 14 + utf8(EventBridgePublisher.SOURCE)
                + utf8(EventBridgePublisher.DETAIL_TYPE) + utf8(CanaryEventJson.detailJson(e))).sum();
        assertThat(requestBytes).as("one PutEvents of ten entries").isLessThan(256 * 1024);

        PublishResult result = new EventBridgePublisher(aws.json(AwsService.EVENTBRIDGE), bus).publish(published);

        assertThat(result.failures()).isEmpty();
        assertThat(result.delivered()).isEqualTo(10);
        Map<String, JsonNode> received = receive("huge", 10, Duration.ofSeconds(30));
        assertThat(received.keySet()).hasSize(10).allSatisfy(message -> assertThat(message).contains("[truncated: "));
    }

    /**
     * PutEvents may refuse some entries and accept the rest (FailedEntryCount &gt; 0): the publisher sends again
     * only the refused ones. The first answer (from a proxy in front of the emulator, as no emulator refuses valid
     * entries) accepts events 0 and 2 without delivering them and refuses 1; the retry reaches the emulator.
     */
    @Test
    void onlyTheEntriesAPartialFailureRefusedAreSentAgain() throws Exception {
        List<CanaryEvent> published = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            published.add(new CanaryEvent(new CanaryId("test", "partial"), Message.Severity.NORMAL, "partial #" + i,
                    CanaryPhase.PROGRESSING, T0.plusSeconds(i), 0, 0, "run-partial", "85d557f47b"));
        }
        try (FaultProxy proxy = FaultProxy.start(aws.endpoint().getPort())) {
            proxy.answer(new FaultProxy.Reply(200, "OK", Map.of("Content-Type", "application/x-amz-json-1.1"), """
                    {"FailedEntryCount": 1, "Entries": [{"EventId": "accepted-0"},
                      {"ErrorCode": "ThrottlingException", "ErrorMessage": "Rate exceeded"}, {"EventId": "accepted-2"}]}"""), 1);
            AwsEmulator proxied = new AwsEmulator(aws.name(), URI.create("http://127.0.0.1:" + proxy.port()), aws.region(),
                    aws.account(), aws.accessKey(), aws.secretKey());

            PublishResult result = new EventBridgePublisher(proxied.json(AwsService.EVENTBRIDGE), bus, 2, Duration.ofMillis(1))
                    .publish(published);

            assertThat(result.failures()).isEmpty();
            assertThat(result.delivered()).isEqualTo(3);
        }
        Map<String, JsonNode> received = receive("partial", 1, Duration.ofSeconds(30));
        assertThat(received.keySet()).containsExactly("partial #1");
        assertThat(receive("partial", 1, Duration.ofSeconds(2))).as("events 0 and 2 were not sent again").isEmpty();
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void aMissingBusIsReportedAsUndeliveredNotThrown() {
        CanaryEvent event = new CanaryEvent(new CanaryId("test", "podinfo"), Message.Severity.NORMAL, "lost",
                CanaryPhase.PROGRESSING, T0, 0, 0, "run-1", "c");

        PublishResult result = new EventBridgePublisher(aws.json(AwsService.EVENTBRIDGE), "no-such-bus", 2, Duration.ofMillis(10))
                .publish(List.of(event));

        assertThat(result.delivered()).isZero();
        assertThat(result.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.event()).isEqualTo(event);
            assertThat(failure.destination()).isEqualTo("eventbridge:no-such-bus");
        });
    }

    /**
     * Reads (and deletes) messages until {@code count} distinct events of canary {@code name} arrived or the time
     * is up; keyed by event message, so a duplicate delivery (SQS is at-least-once) counts once. Another canary's
     * events (left by a test that failed) are dropped, so one failure does not fail the tests after it.
     */
    private static Map<String, JsonNode> receive(String name, int count, Duration within) throws Exception {
        Map<String, JsonNode> byMessage = new LinkedHashMap<>();
        long deadline = System.nanoTime() + within.toNanos();
        while (byMessage.size() < count && System.nanoTime() < deadline) {
            var messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages();
            for (var message : messages) {
                JsonNode envelope = JSON.readTree(message.body());
                if (envelope.path("detail").path("name").asText().equals(name)) {
                    byMessage.put(envelope.path("detail").path("metadata").path("eventMessage").asText(), envelope);
                }
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
        return byMessage;
    }
}
