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
import dev.flagstep.spec.CanaryId;
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
 * a bus like the stack's, a rule on
 * source {@code flagstep} and detail-type {@code Canary Event} (the pattern template.yaml's
 * EventHookFunction rule uses) delivering to an SQS queue, and the events read back from the queue
 * as a rule target receives them.
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
    static void createBusRuleAndQueue() {
        aws = AwsEmulator.get();
        events = aws.client(EventBridgeClient.builder());
        sqs = aws.client(SqsClient.builder());
        bus = AwsEmulator.unique("flagstep-events");
        events.createEventBus(b -> b.name(bus));

        queueUrl = sqs.createQueue(b -> b.queueName(AwsEmulator.unique("canary-events"))).queueUrl();
        String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String ruleName = AwsEmulator.unique("canary-events");
        String ruleArn = events.putRule(b -> b.name(ruleName).eventBusName(bus)
                .eventPattern("""
                        {"source": ["%s"], "detail-type": ["%s"]}"""
                        .formatted(EventBridgePublisher.SOURCE, EventBridgePublisher.DETAIL_TYPE))).ruleArn();
        // what AWS needs before the rule may deliver to the queue (the emulators do not insist)
        sqs.setQueueAttributes(b -> b.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.POLICY, """
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                  "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage",
                  "Resource": "%s", "Condition": {"ArnEquals": {"aws:SourceArn": "%s"}}}]}"""
                .formatted(queueArn, ruleArn))));
        var targets = events.putTargets(b -> b.rule(ruleName).eventBusName(bus)
                .targets(Target.builder().id("queue").arn(queueArn).build()));
        assertThat(targets.failedEntryCount()).isZero();
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

        Map<String, JsonNode> received = receive(published.size(), Duration.ofSeconds(30));
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

        assertThat(receive(1, Duration.ofSeconds(2))).as("nothing else was delivered").isEmpty();
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
     * Reads (and deletes) messages until {@code count} distinct events arrived or the time is up;
     * keyed by event message, so a duplicate delivery (SQS is at-least-once) counts once.
     */
    private static Map<String, JsonNode> receive(int count, Duration within) throws Exception {
        Map<String, JsonNode> byMessage = new LinkedHashMap<>();
        long deadline = System.nanoTime() + within.toNanos();
        while (byMessage.size() < count && System.nanoTime() < deadline) {
            var messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages();
            for (var message : messages) {
                JsonNode envelope = JSON.readTree(message.body());
                byMessage.put(envelope.path("detail").path("metadata").path("eventMessage").asText(), envelope);
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
        return byMessage;
    }
}
