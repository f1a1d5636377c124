package dev.flagstep.local.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simulated API server answers JSON merge patches and Event field selectors as kube-apiserver does. */
class SimulatedApiPatchTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static SimulatedCluster cluster;

    @BeforeAll
    static void start() {
        cluster = SimulatedCluster.start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aMergePatchOfTheStatusSubresourceReplacesArraysAndRemovesNullsAndLeavesTheSpec() throws Exception {
        KubeClient client = cluster.client();
        KubeRef ref = ResourceKind.CANARY.ref("merge", "podinfo");
        client.create(ResourceKind.CANARY, (ObjectNode) JSON.readTree("""
                {"apiVersion":"flagger.app/v1beta1","kind":"Canary","metadata":{"name":"podinfo","namespace":"merge"},
                 "spec":{"targetRef":{"name":"podinfo"}}}"""));
        // a create leaves out the status of a kind with a status subresource, as a real API server does
        client.mergePatchStatus(ref, (ObjectNode) JSON.readTree("""
                {"status":{"phase":"Succeeded","lastPromotedSpec":"old","trackedConfigs":{"configmap/a":"1"},
                           "conditions":[{"type":"Promoted","status":"True","reason":"Succeeded"}]}}"""));

        client.mergePatchStatus(ref, (ObjectNode) JSON.readTree("""
                {"status":{"phase":"Progressing","lastPromotedSpec":null,
                           "conditions":[{"type":"Promoted","status":"Unknown","reason":"Progressing"}]},
                 "spec":{"targetRef":{"name":"changed"}}}"""));

        JsonNode stored = cluster.object(ref).orElseThrow();
        assertThat(stored.at("/status/phase").asText()).isEqualTo("Progressing");
        assertThat(stored.at("/status/conditions")).hasSize(1);
        assertThat(stored.at("/status/conditions/0/reason").asText()).isEqualTo("Progressing");
        assertThat(stored.path("status").has("lastPromotedSpec")).isFalse();
        assertThat(stored.at("/status/trackedConfigs/configmap~1a").asText()).as("maps merge").isEqualTo("1");
        assertThat(stored.at("/spec/targetRef/name").asText()).as("the status subresource leaves the spec").isEqualTo("podinfo");
    }

    @Test
    void eventsAreListedByTheirInvolvedObject() throws Exception {
        KubeClient client = cluster.client();
        for (String[] e : List.of(new String[] {"a.1", "podinfo", "u1"}, new String[] {"a.2", "other", "u2"},
                new String[] {"a.3", "podinfo", "u0"})) {
            client.create(ResourceKind.EVENT, (ObjectNode) JSON.readTree("""
                    {"apiVersion":"v1","kind":"Event","metadata":{"name":"%s","namespace":"events"},"involvedObject":{"kind":"Canary","name":"%s",
                     "namespace":"events","uid":"%s"},"reason":"Synced","message":"m","type":"Normal"}"""
                    .formatted(e[0], e[1], e[2])));
        }

        assertThat(names("involvedObject.name=podinfo,involvedObject.namespace=events,involvedObject.kind=Canary"))
                .containsExactlyInAnyOrder("a.1", "a.3");
        assertThat(names("involvedObject.name=podinfo,involvedObject.uid=u1")).containsExactly("a.1");
        assertThat(names("involvedObject.name!=podinfo")).containsExactly("a.2");
        assertThat(names("involvedObject.name=nobody")).isEmpty();
    }

    static List<String> names(String selector) throws Exception {
        URI uri = URI.create(cluster.endpoint().server() + ResourceKind.EVENT.collectionPath("events")
                + "?fieldSelector=" + URLEncoder.encode(selector, StandardCharsets.UTF_8));
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            return JSON.readTree(r.body()).path("items").findValues("name").stream()
                    .map(JsonNode::asText).filter(n -> n.startsWith("a.")).toList();
        }
    }
}
