package dev.flagstep.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.Message.Severity;
import dev.flagstep.analysis.PhaseContext;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.kubernetes.BearerToken;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeEndpoint;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.testing.KubeMockServer;
import dev.flagstep.testing.MovableClock;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KubeCanaryObjectsTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    static final ObjectMapper JSON = new ObjectMapper();
    static final CanaryId ID = new CanaryId("test", "podinfo");
    static final KubeRef CANARY = ResourceKind.CANARY.ref("test", "podinfo");
    static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    static final PhaseContext CTX = new PhaseContext("Deployment", 10);
    static final String CANARY_YAML = """
            metadata: {name: podinfo, namespace: test}
            spec:
              targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
              service: {port: 9898}
              analysis: {interval: 1m, threshold: 5, stepWeight: 10, maxWeight: 50}
            """;

    final MovableClock clock = new MovableClock(T0);

    KubeCanaryObjects objects() {
        KubeClient client = kube.client();
        return new KubeCanaryObjects(() -> client, clock);
    }

    static CanaryStatus progressing() {
        return CanaryStatus.initial(T0).withChecksum("abc").setPhase(CanaryPhase.PROGRESSING, CTX, T0)
                .withCanaryWeight(20, T0).withIterations(2, T0).withFailedChecks(1, T0);
    }

    static CanaryEvent event(Severity severity, String message, Instant at) {
        return new CanaryEvent(ID, severity, message, CanaryPhase.PROGRESSING, at, 10, 0, "run-1", "abc");
    }

    @Test
    void theStatusLandsOnTheStatusSubresourceAsAMergePatch() throws Exception {
        ObjectNode before = kube.apply(ResourceKind.CANARY, CANARY_YAML);
        drain();

        assertThat(objects().writeStatus(ID, progressing(), Optional.empty())).isTrue();

        RecordedRequest patch = kube.server().takeRequest(5, TimeUnit.SECONDS);
        assertThat(patch.getMethod()).isEqualTo("PATCH");
        assertThat(patch.getPath()).isEqualTo("/apis/flagger.app/v1beta1/namespaces/test/canaries/podinfo/status");
        assertThat(patch.getHeader("Content-Type")).startsWith("application/merge-patch+json");
        // the body is FlaggerStatusTest's (the mock consumes it): here, what it did to the object

        ObjectNode stored = kube.require(CANARY);
        assertThat(stored.get("spec")).isEqualTo(before.get("spec"));
        JsonNode s = stored.get("status");
        assertThat(s.get("phase").asText()).isEqualTo("Progressing");
        assertThat(s.get("canaryWeight").asInt()).isEqualTo(20);
        assertThat(s.get("iterations").asInt()).isEqualTo(2);
        assertThat(s.get("failedChecks").asInt()).isEqualTo(1);
        assertThat(s.get("lastAppliedSpec").asText()).isEqualTo("abc");
        assertThat(s.at("/conditions/0/reason").asText()).isEqualTo("Progressing");
    }

    @Test
    void aMissingObjectIsFalseQuietlyAndTriesAgainNextTime() {
        KubeCanaryObjects objects = objects();
        assertThat(objects.writeStatus(ID, progressing(), Optional.empty())).isFalse();
        objects.record(ID, List.of(event(Severity.NORMAL, "Advance podinfo.test canary weight 10", T0)));
        assertThat(listEvents("test")).isEmpty();

        kube.apply(ResourceKind.CANARY, CANARY_YAML);
        assertThat(objects.writeStatus(ID, progressing(), Optional.empty())).isTrue();
    }

    @Test
    void aRejectedWriteIsFalseAndLoggedNotThrown() {
        kube.apply(ResourceKind.CANARY, CANARY_YAML);
        kube.expect().patch().withPath(CANARY.path() + "/status")
                .andReturn(403, "{\"kind\":\"Status\",\"message\":\"canaries.flagger.app \\\"podinfo\\\" is forbidden\"}").once();

        KubeCanaryObjects objects = objects();
        assertThat(objects.writeStatus(ID, progressing(), Optional.empty())).isFalse();
        // a refusal is no outage: the next write is tried
        assertThat(objects.writeStatus(ID, progressing(), Optional.empty())).isTrue();
    }

    @Test
    void anUnreachableApiCostsOneFailureThenIsLeftAloneForAWhile() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        List<String> calls = new ArrayList<>();
        KubeClient down = new KubeClient(KubeEndpoint.of(URI.create("http://127.0.0.1:" + closedPort), BearerToken.of("t"))
                .withTimeout(Duration.ofSeconds(2)), pause -> { });
        KubeCanaryObjects objects = new KubeCanaryObjects(() -> {
            calls.add("client");
            return down;
        }, clock);

        assertThat(objects.writeStatus(ID, progressing(), Optional.empty())).isFalse();
        objects.record(ID, List.of(event(Severity.NORMAL, "x", T0)));
        assertThat(objects.writeStatus(ID, progressing(), Optional.empty())).isFalse();
        assertThat(calls).as("calls within the quiet time").hasSize(1);

        clock.set(T0.plus(KubeCanaryObjects.QUIET_AFTER_OUTAGE));
        assertThat(objects.writeStatus(ID, progressing(), Optional.empty())).isFalse();
        assertThat(calls).hasSize(2);
    }

    @Test
    void eventsArePostedAsClientGoDoesOnTheCanaryByUid() {
        ObjectNode canary = kube.apply(ResourceKind.CANARY, CANARY_YAML);
        String uid = canary.at("/metadata/uid").asText();
        assertThat(uid).isNotEmpty();

        objects().record(ID, List.of(
                event(Severity.NORMAL, "Starting canary analysis for podinfo.test", T0),
                event(Severity.WARNING, "Halt advancement no values found for metric request-success-rate", T0)));

        List<JsonNode> events = listEvents("test");
        assertThat(events).hasSize(2);
        assertThat(events.stream().map(e -> e.at("/metadata/name").asText()).distinct())
                .as("events of one batch share a timestamp, not a name").hasSize(2)
                .allMatch(n -> n.matches("podinfo\\.[0-9a-f]+"));
        JsonNode warning = events.stream().filter(e -> e.path("type").asText().equals("Warning")).findFirst().orElseThrow();
        assertThat(warning.path("message").asText()).isEqualTo("Halt advancement no values found for metric request-success-rate");
        assertThat(warning.path("reason").asText()).isEqualTo("Synced");
        assertThat(warning.at("/involvedObject/apiVersion").asText()).isEqualTo("flagger.app/v1beta1");
        assertThat(warning.at("/involvedObject/kind").asText()).isEqualTo("Canary");
        assertThat(warning.at("/involvedObject/name").asText()).isEqualTo("podinfo");
        assertThat(warning.at("/involvedObject/namespace").asText()).isEqualTo("test");
        assertThat(warning.at("/involvedObject/uid").asText()).isEqualTo(uid);
        assertThat(warning.at("/source/component").asText()).isEqualTo("flagstep");
        assertThat(warning.path("reportingComponent").asText()).isEqualTo("flagstep");
        assertThat(warning.path("count").asInt()).isEqualTo(1);
        assertThat(warning.path("firstTimestamp").asText()).isEqualTo("2025-03-01T10:00:00Z");
        assertThat(warning.path("lastTimestamp").asText()).isEqualTo("2025-03-01T10:00:00Z");
        assertThat(events.stream().filter(e -> e.path("type").asText().equals("Normal")).count()).isEqualTo(1);
    }

    @Test
    void anIdenticalEventCountsUpTheEventPostedBefore() {
        kube.apply(ResourceKind.CANARY, CANARY_YAML);
        KubeCanaryObjects objects = objects();
        String halt = "Halt advancement podinfo-primary.test waiting for rollout to finish";

        objects.record(ID, List.of(event(Severity.NORMAL, halt, T0)));
        objects.record(ID, List.of(event(Severity.NORMAL, halt, T0.plusSeconds(60))));
        objects.record(ID, List.of(event(Severity.NORMAL, halt, T0.plusSeconds(120))));
        objects.record(ID, List.of(event(Severity.WARNING, halt, T0.plusSeconds(180))));

        List<JsonNode> events = listEvents("test");
        assertThat(events).hasSize(2);
        JsonNode normal = events.stream().filter(e -> e.path("type").asText().equals("Normal")).findFirst().orElseThrow();
        assertThat(normal.path("count").asInt()).isEqualTo(3);
        assertThat(normal.path("firstTimestamp").asText()).isEqualTo("2025-03-01T10:00:00Z");
        assertThat(normal.path("lastTimestamp").asText()).isEqualTo("2025-03-01T10:02:00Z");
    }

    @Test
    void aRepeatOfAnEventTheServerNoLongerHasIsPostedAnew() {
        kube.apply(ResourceKind.CANARY, CANARY_YAML);
        KubeCanaryObjects objects = objects();
        objects.record(ID, List.of(event(Severity.NORMAL, "same", T0)));
        String first = listEvents("test").getFirst().at("/metadata/name").asText();
        kube.client().delete(ResourceKind.EVENT.ref("test", first)); // expired (--event-ttl)

        objects.record(ID, List.of(event(Severity.NORMAL, "same", T0.plusSeconds(60))));

        List<JsonNode> events = listEvents("test");
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().at("/metadata/name").asText()).isNotEqualTo(first);
        assertThat(events.getFirst().path("count").asInt()).isEqualTo(1);
    }

    @Test
    void aRecreatedCanaryGetsNewEventsOnItsNewUid() {
        kube.apply(ResourceKind.CANARY, CANARY_YAML);
        KubeCanaryObjects objects = objects();
        assertThat(objects.writeStatus(ID, progressing(), Optional.empty())).isTrue();
        objects.record(ID, List.of(event(Severity.NORMAL, "same", T0)));
        kube.client().delete(CANARY);
        String newUid = kube.apply(ResourceKind.CANARY, CANARY_YAML).at("/metadata/uid").asText();

        // the next tick writes the status first, which answers the new object
        assertThat(objects.writeStatus(ID, progressing(), Optional.empty())).isTrue();
        objects.record(ID, List.of(event(Severity.NORMAL, "same", T0.plusSeconds(60))));

        assertThat(listEvents("test")).hasSize(2)
                .anyMatch(e -> e.at("/involvedObject/uid").asText().equals(newUid) && e.path("count").asInt() == 1);
    }

    @Test
    void eventsAfterAStatusWriteTakeTheUidItAnsweredWithoutReadingTheObject() throws Exception {
        String uid = kube.apply(ResourceKind.CANARY, CANARY_YAML).at("/metadata/uid").asText();
        KubeCanaryObjects objects = objects();
        assertThat(objects.writeStatus(ID, progressing(), Optional.empty())).isTrue();
        drain();

        objects.record(ID, List.of(event(Severity.NORMAL, "Advance podinfo.test canary weight 20", T0)));

        List<String> requests = new ArrayList<>();
        for (RecordedRequest r; (r = kube.server().takeRequest(10, TimeUnit.MILLISECONDS)) != null; ) {
            requests.add(r.getMethod() + " " + r.getPath());
        }
        assertThat(requests).as("one POST of the event, no GET of the canary").hasSize(1)
                .allMatch(r -> r.startsWith("POST ") && r.contains("/events"));
        assertThat(listEvents("test")).singleElement()
                .satisfies(e -> assertThat(e.at("/involvedObject/uid").asText()).isEqualTo(uid));
    }

    // --- helpers ---

    List<JsonNode> listEvents(String namespace) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(kube.url() + ResourceKind.EVENT.collectionPath(namespace)))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            List<JsonNode> out = new ArrayList<>();
            JSON.readTree(r.body()).path("items").forEach(out::add);
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void drain() throws InterruptedException {
        while (kube.server().takeRequest(10, TimeUnit.MILLISECONDS) != null) {
            // discard
        }
    }
}
