package dev.flagstep.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.aws.AwsJsonClient;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.testing.EventBridgeFake;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventBridgePublisherTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00.123Z");
    private static final CanaryId PODINFO = new CanaryId("test", "podinfo");

    private final EventBridgeFake bus = EventBridgeFake.start();
    private final AwsJsonClient client = bus.client();
    private final EventBridgePublisher publisher = new EventBridgePublisher(client, "flagstep-bus", 3, Duration.ofMillis(1));

    @AfterEach
    void stop() {
        bus.close();
    }

    private static CanaryEvent advance(int i) {
        return new CanaryEvent(PODINFO, Message.Severity.NORMAL, "Advance podinfo.test canary weight " + i,
                CanaryPhase.PROGRESSING, T0.plusMillis(i), i, 0, "run-1", "85d557f47b");
    }

    private static List<CanaryEvent> events(int n) {
        return IntStream.range(0, n).mapToObj(EventBridgePublisherTest::advance).toList();
    }

    @Test
    void sendsEventsInBatchesOfTenOverTheJson11Protocol() {
        PublishResult result = publisher.publish(events(23));

        assertThat(result).isEqualTo(new PublishResult(23, List.of()));
        assertThat(bus.calls()).extracting(c -> c.entries().size()).containsExactly(10, 10, 3);
        assertThat(bus.calls()).allSatisfy(call -> {
            assertThat(call.target()).isEqualTo("AWSEvents.PutEvents");
            assertThat(call.contentType()).isEqualTo("application/x-amz-json-1.1");
        });
        assertThat(bus.acceptedEntries()).extracting(e -> e.get("Detail").asText())
                .extracting(d -> JSON.readTree(d).get("canaryWeight").asInt())
                .containsExactlyElementsOf(IntStream.range(0, 23).boxed().toList());
    }

    @Test
    void eachEntryCarriesFlaggersEventPayloadPlusWeightChecksAndRun() throws Exception {
        CanaryEvent event = new CanaryEvent(PODINFO, Message.Severity.WARNING,
                "Halt podinfo.test advancement external check load-test failed <html> & more", CanaryPhase.WAITING_PROMOTION,
                T0, 30, 2, "run-42", "85d557f47b");

        publisher.publish(List.of(event));

        JsonNode entry = bus.acceptedEntries().getFirst();
        assertThat(entry.get("Source").asText()).isEqualTo("flagstep");
        assertThat(entry.get("DetailType").asText()).isEqualTo("Canary Event");
        assertThat(entry.get("EventBusName").asText()).isEqualTo("flagstep-bus");
        assertThat(entry.get("Time").asDouble()).isEqualTo(T0.toEpochMilli() / 1000.0);
        assertThat(JSON.readTree(entry.get("Detail").asText())).isEqualTo(JSON.readTree("""
                {"name":"podinfo","namespace":"test","phase":"WaitingPromotion","checksum":"85d557f47b",
                 "metadata":{"eventMessage":"Halt podinfo.test advancement external check load-test failed <html> & more",
                             "eventType":"Warning","timestamp":"%d"},
                 "canaryWeight":30,"failedChecks":2,"runId":"run-42"}
                """.formatted(T0.toEpochMilli())));
    }

    @Test
    void retriesOnlyTheFailedEntriesOfAPartialFailureUntilTheyAreAccepted() {
        bus.failEntriesOfNextCall(Set.of(1, 4, 7)).failEntriesOfNextCall(Set.of(0));

        PublishResult result = publisher.publish(events(10));

        assertThat(result.allDelivered()).isTrue();
        assertThat(result.delivered()).isEqualTo(10);
        // the retry of 1, 4, 7 fails its first entry again, so the third call carries only that one
        assertThat(bus.calls()).extracting(c -> c.entries().size()).containsExactly(10, 3, 1);
        assertThat(bus.calls().get(1).entries()).extracting(e -> e.get("Detail").asText())
                .extracting(d -> JSON.readTree(d).get("canaryWeight").asInt()).containsExactly(1, 4, 7);
        assertThat(bus.calls().get(2).entries()).extracting(e -> e.get("Detail").asText())
                .extracting(d -> JSON.readTree(d).get("canaryWeight").asInt()).containsExactly(1);
        assertThat(bus.acceptedEntries()).hasSize(10)
                .extracting(e -> JSON.readTree(e.get("Detail").asText()).get("canaryWeight").asInt())
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 10).boxed().toList());
    }

    @Test
    void reportsEntriesStillFailingAfterTheLastAttemptWithoutThrowing() {
        bus.failEntriesOfNextCall(Set.of(2)).failEntriesOfNextCall(Set.of(0)).failEntriesOfNextCall(Set.of(0));

        PublishResult result = publisher.publish(events(5));

        assertThat(bus.calls()).hasSize(3);
        assertThat(result.delivered()).isEqualTo(4);
        assertThat(result.failures()).singleElement().satisfies(f -> {
            assertThat(f.event()).isEqualTo(advance(2));
            assertThat(f.destination()).isEqualTo("eventbridge:flagstep-bus");
            assertThat(f.reason()).contains("InternalFailure");
        });
    }

    @Test
    void aCallFailingWithA5xxIsRetried() {
        bus.failNextCall(500, "InternalException").failNextCall(500, "InternalException");

        assertThat(publisher.publish(events(2))).isEqualTo(new PublishResult(2, List.of()));
        assertThat(bus.calls()).hasSize(3);
    }

    @Test
    void aCallFailingForGoodIsReportedForItsBatchAtOnceAndTheOtherBatchesStillGo() {
        bus.failNextCall(400, "AccessDeniedException");

        PublishResult result = publisher.publish(events(12));

        assertThat(bus.calls()).extracting(c -> c.entries().size()).containsExactly(10, 2);
        assertThat(result.delivered()).isEqualTo(2);
        assertThat(result.failures()).hasSize(10)
                .allSatisfy(f -> assertThat(f.reason()).contains("PutEvents failed: AccessDeniedException"));
    }

    @Test
    void aBusThatKeepsFailingCostsAtMostMaxAttemptsCalls() {
        bus.failNextCall(503, "ServiceUnavailable").failNextCall(503, "ServiceUnavailable")
                .failNextCall(503, "ServiceUnavailable").failNextCall(503, "ServiceUnavailable");

        PublishResult result = publisher.publish(events(1));

        assertThat(bus.calls()).hasSize(3);
        assertThat(result.failures()).singleElement()
                .satisfies(f -> assertThat(f.reason()).contains("ServiceUnavailable"));
    }

    @Test
    void nothingToPublishMakesNoCall() {
        assertThat(publisher.publish(List.of())).isEqualTo(PublishResult.none());
        assertThat(bus.calls()).isEmpty();
    }
}
