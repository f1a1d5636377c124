package dev.flagstep.kubernetes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.flagstep.testing.KubeMockServer;
import dev.flagstep.testing.WebhookFixtures.RecordingSleeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KubeClientTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    static final KubeRef ROUTE = ResourceKind.HTTP_ROUTE.ref("test", "podinfo");
    static final String ROUTE_YAML = """
            metadata: {name: podinfo, namespace: test, labels: {app: podinfo}}
            spec:
              rules:
                - backendRefs:
                    - {name: podinfo-primary, port: 9898, weight: 100}
                    - {name: podinfo-canary, port: 9898, weight: 0}
            """;

    @Test
    void createsAndReadsBack() {
        ObjectNode created = kube.apply(ResourceKind.HTTP_ROUTE, ROUTE_YAML);

        ObjectNode read = kube.client().require(ROUTE);
        assertThat(read.path("apiVersion").asText()).isEqualTo("gateway.networking.k8s.io/v1");
        assertThat(read.path("metadata").path("resourceVersion").asText()).isNotEmpty()
                .isEqualTo(created.path("metadata").path("resourceVersion").asText());
        assertThat(read.at("/spec/rules/0/backendRefs/1/name").asText()).isEqualTo("podinfo-canary");
    }

    @Test
    void missingObjectIsEmptyOrANamedError() {
        KubeClient client = kube.client();
        assertThat(client.get(ROUTE)).isEmpty();
        assertThatThrownBy(() -> client.require(ROUTE))
                .isInstanceOf(KubeException.NotFound.class)
                .hasMessage("HTTPRoute test/podinfo not found: create it or let Initialize bootstrap it");
        assertThatThrownBy(() -> client.edit(ROUTE, o -> o.put("x", 1)))
                .isInstanceOf(KubeException.NotFound.class);
    }

    @Test
    void createOfExistingObjectConflictsAndCreateIfAbsentKeepsIt() {
        kube.apply(ResourceKind.HTTP_ROUTE, ROUTE_YAML);
        KubeClient client = kube.client();
        ObjectNode again = client.require(ROUTE).deepCopy();
        again.remove("metadata");
        again.putObject("metadata").put("name", "podinfo").put("namespace", "test");
        ((ObjectNode) again.at("/spec/rules/0/backendRefs/0")).put("weight", 5);

        assertThatThrownBy(() -> client.create(ResourceKind.HTTP_ROUTE, again))
                .isInstanceOf(KubeException.Conflict.class).hasMessageContaining("HTTPRoute test/podinfo");
        assertThat(client.createIfAbsent(ResourceKind.HTTP_ROUTE, again)).isEmpty();
        assertThat(client.require(ROUTE).at("/spec/rules/0/backendRefs/0/weight").asInt()).isEqualTo(100);
    }

    @Test
    void editSendsAGuardedJsonPatchOfOnlyTheDifference() throws Exception {
        kube.apply(ResourceKind.HTTP_ROUTE, ROUTE_YAML);
        drainRequests();

        ObjectNode after = kube.client().edit(ROUTE, o -> {
            ((ObjectNode) o.at("/spec/rules/0/backendRefs/0")).put("weight", 90);
            ((ObjectNode) o.at("/spec/rules/0/backendRefs/1")).put("weight", 10);
        });

        assertThat(after.at("/spec/rules/0/backendRefs/0/weight").asInt()).isEqualTo(90);
        ObjectNode stored = kube.require(ROUTE);
        assertThat(stored.at("/spec/rules/0/backendRefs/1/weight").asInt()).isEqualTo(10);
        assertThat(stored.at("/metadata/labels/app").asText()).isEqualTo("podinfo");

        var get = kube.server().takeRequest(1, TimeUnit.SECONDS);
        var patch = kube.server().takeRequest(1, TimeUnit.SECONDS);
        assertThat(get.getMethod()).isEqualTo("GET");
        assertThat(patch.getMethod()).isEqualTo("PATCH");
        assertThat(patch.getHeader("Content-Type")).isEqualTo("application/json-patch+json");
        assertThat(patch.getHeader("Authorization")).isEqualTo("Bearer test-token");
        // the body itself is checked in JsonPatchTest (the mock consumes it); its guard is proven by the race test below
    }

    @Test
    void editThatChangesNothingSendsNoPatch() {
        kube.apply(ResourceKind.HTTP_ROUTE, ROUTE_YAML);
        int before = kube.server().getRequestCount();

        kube.client().edit(ROUTE, o -> ((ObjectNode) o.at("/spec/rules/0/backendRefs/0")).put("weight", 100));

        assertThat(kube.server().getRequestCount() - before).isEqualTo(1); // the GET only
    }

    @Test
    void concurrentEditBetweenReadAndPatchIsKept() {
        kube.apply(ResourceKind.HTTP_ROUTE, ROUTE_YAML);
        KubeClient other = kube.client();
        AtomicInteger calls = new AtomicInteger();

        kube.client(Duration.ofMillis(1500)).edit(ROUTE, o -> {
            if (calls.incrementAndGet() == 1) {
                // another writer (a GitOps controller, kubectl) changes the object after our read
                other.edit(ROUTE, x -> ((ObjectNode) x.path("metadata")).putObject("annotations").put("owner", "someone-else"));
            }
            ((ObjectNode) o.at("/spec/rules/0/backendRefs/0")).put("weight", 80);
            ((ObjectNode) o.at("/spec/rules/0/backendRefs/1")).put("weight", 20);
        });

        ObjectNode stored = kube.require(ROUTE);
        assertThat(calls).hasValue(2);
        assertThat(stored.at("/metadata/annotations/owner").asText()).isEqualTo("someone-else");
        assertThat(stored.at("/spec/rules/0/backendRefs/0/weight").asInt()).isEqualTo(80);
        assertThat(stored.at("/spec/rules/0/backendRefs/1/weight").asInt()).isEqualTo(20);
    }

    @Test
    void conflictAnswers409And422AreRetriedByReReading() {
        kube.apply(ResourceKind.HTTP_ROUTE, ROUTE_YAML);
        kube.expect().patch().withPath(ROUTE.path()).andReturn(409, status(409, "Conflict", "the object has been modified")).once();
        kube.expect().patch().withPath(ROUTE.path()).andReturn(422, status(422, "Invalid", "test operation failed")).once();
        AtomicInteger calls = new AtomicInteger();

        kube.client().edit(ROUTE, o -> {
            calls.incrementAndGet();
            ((ObjectNode) o.at("/spec/rules/0/backendRefs/1")).put("weight", 30);
        });

        assertThat(calls).hasValue(3);
        assertThat(kube.require(ROUTE).at("/spec/rules/0/backendRefs/1/weight").asInt()).isEqualTo(30);
    }

    @Test
    void endlessConflictsGiveUpAfterTheBound() {
        kube.apply(ResourceKind.HTTP_ROUTE, ROUTE_YAML);
        kube.expect().patch().withPath(ROUTE.path()).andReturn(409, status(409, "Conflict", "the object has been modified")).always();
        KubeClient client = new KubeClient(KubeEndpoint.of(kube.url(), BearerToken.none()).withMaxAttempts(3));

        assertThatThrownBy(() -> client.edit(ROUTE, o -> o.put("x", 1)))
                .isInstanceOf(KubeException.Conflict.class)
                .hasMessage("PATCH HTTPRoute test/podinfo: gave up after 3 attempts, the object kept changing between"
                        + " read and patch (last: 409 the object has been modified)");
    }

    @Test
    void serverErrorSaysWhatFailed() {
        kube.expect().get().withPath(ROUTE.path()).andReturn(500, status(500, "InternalError", "etcdserver: leader changed"))
                .times(KubeClient.QUICK_ATTEMPTS);

        assertThatThrownBy(() -> recordingClient(new RecordingSleeper()).get(ROUTE))
                .isInstanceOf(KubeException.Unavailable.class)
                .hasMessage("GET HTTPRoute test/podinfo: Kubernetes API at " + kube.url() + " answered 500 etcdserver: leader changed");
    }

    /** An API server blip (a 503, a 429 of priority and fairness) is tried again at once, after a jittered pause. */
    @Test
    void aBriefServerErrorOrThrottleIsRetriedAtOnce() {
        kube.apply(ResourceKind.HTTP_ROUTE, ROUTE_YAML);
        kube.expect().get().withPath(ROUTE.path()).andReturn(503, status(503, "ServiceUnavailable", "apiserver is shutting down")).once();
        kube.expect().get().withPath(ROUTE.path()).andReturn(429, status(429, "TooManyRequests", "too many requests")).once();
        RecordingSleeper sleeper = new RecordingSleeper();

        assertThat(recordingClient(sleeper).get(ROUTE)).isPresent();

        assertThat(sleeper.waits()).hasSize(2);
        assertThat(sleeper.waits().get(0)).isBetween(Duration.ZERO, Duration.ofMillis(100));
        assertThat(sleeper.waits().get(1)).isBetween(Duration.ZERO, Duration.ofMillis(200));
    }

    /** A 4xx other than 409/429 is the request's own fault: no retry. */
    @Test
    void aRejectionIsNotRetried() {
        kube.expect().get().withPath(ROUTE.path()).andReturn(403, status(403, "Forbidden", "forbidden")).once();
        RecordingSleeper sleeper = new RecordingSleeper();

        assertThatThrownBy(() -> recordingClient(sleeper).get(ROUTE)).isInstanceOf(KubeException.Rejected.class);
        assertThat(sleeper.waits()).isEmpty();
    }

    private static KubeClient recordingClient(RecordingSleeper sleeper) {
        return new KubeClient(KubeEndpoint.of(kube.url(), BearerToken.of("test-token")).withTimeout(Duration.ofSeconds(5)), sleeper);
    }

    @Test
    void forbiddenIsRejectedWithTheRbacHint() {
        kube.expect().patch().withPath(ROUTE.path()).andReturn(403, status(403, "Forbidden",
                "httproutes.gateway.networking.k8s.io \"podinfo\" is forbidden")).once();
        kube.apply(ResourceKind.HTTP_ROUTE, ROUTE_YAML);

        assertThatThrownBy(() -> kube.client().edit(ROUTE, o -> o.put("x", 1)))
                .isInstanceOf(KubeException.Rejected.class)
                .hasMessageStartingWith("PATCH HTTPRoute test/podinfo: Kubernetes API answered 403 httproutes.gateway.networking.k8s.io \"podinfo\" is forbidden")
                .hasMessageContaining("get/list/create/patch/delete on httproutes.gateway.networking.k8s.io in test");
    }

    @Test
    void deleteReportsWhetherTheObjectExisted() {
        kube.apply(ResourceKind.HTTP_ROUTE, ROUTE_YAML);
        KubeClient client = kube.client();

        assertThat(client.delete(ROUTE)).isTrue();
        assertThat(client.get(ROUTE)).isEmpty();
        assertThat(client.delete(ROUTE)).isFalse();
    }

    @Test
    void readsDeploymentStatusSubresource() {
        kube.apply(ResourceKind.DEPLOYMENT, """
                metadata: {name: podinfo, namespace: test}
                spec: {replicas: 2}
                status: {replicas: 2, updatedReplicas: 2, availableReplicas: 1}
                """);

        ObjectNode status = kube.client().status(ResourceKind.DEPLOYMENT.ref("test", "podinfo"));

        assertThat(status.at("/status/availableReplicas").asInt()).isEqualTo(1);
    }

    @Test
    void slowApiTimesOutWithAClearError() throws Exception {
        HttpServer silent = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        silent.createContext("/", exchange -> { /* never answers */ });
        silent.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + silent.getAddress().getPort());
            KubeClient client = new KubeClient(KubeEndpoint.of(url, BearerToken.none()).withTimeout(Duration.ofMillis(300)));

            assertThatThrownBy(() -> client.get(ROUTE))
                    .isInstanceOf(KubeException.Unavailable.class)
                    .hasMessage("GET HTTPRoute test/podinfo: Kubernetes API at " + url + " did not answer within 300 ms");
        } finally {
            silent.stop(0);
        }
    }

    @Test
    void apiDownSaysItCannotConnect() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + port);
        KubeClient client = new KubeClient(KubeEndpoint.of(url, BearerToken.none()));

        assertThatThrownBy(() -> client.require(ROUTE))
                .isInstanceOf(KubeException.Unavailable.class)
                .hasMessageStartingWith("GET HTTPRoute test/podinfo: cannot connect to the Kubernetes API at " + url);
    }

    @Test
    void rejectsNamesThatAreNotKubernetesNames() {
        assertThatThrownBy(() -> ResourceKind.SERVICE.ref("test", "../secrets").path())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ResourceKind.SERVICE.objectPath("test", "podinfo")).isEqualTo("/api/v1/namespaces/test/services/podinfo");
        assertThat(ResourceKind.TRAFFIC_SPLIT_V1ALPHA3.objectPath("test", "podinfo"))
                .isEqualTo("/apis/split.smi-spec.io/v1alpha3/namespaces/test/trafficsplits/podinfo");
    }

    @Test
    void clusterScopedKindsHaveNoNamespaceInTheirPaths() {
        ResourceKind route = new ResourceKind("kuma.io", "v1alpha1", "TrafficRoute", "trafficroutes", true);
        assertThat(route.objectPath("", "podinfo")).isEqualTo("/apis/kuma.io/v1alpha1/trafficroutes/podinfo");
        assertThat(route.ref("", "podinfo")).hasToString("TrafficRoute podinfo");
        assertThatThrownBy(() -> route.objectPath("test", "podinfo")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TrafficRoute is cluster-scoped: no namespace, got 'test'");
        assertThatThrownBy(() -> ResourceKind.SERVICE.objectPath("", "podinfo")).isInstanceOf(IllegalArgumentException.class);

        kube.expect().get().withPath(route.ref("", "podinfo").path()).andReturn(403, status(403, "Forbidden", "forbidden")).once();
        assertThatThrownBy(() -> kube.client().get(route.ref("", "podinfo")))
                .hasMessageContaining("a ClusterRole with get/list/create/patch/delete on trafficroutes.kuma.io (cluster-scoped)");
    }

    private static void drainRequests() throws InterruptedException {
        while (kube.server().takeRequest(10, TimeUnit.MILLISECONDS) != null) {
            // discard the set-up requests
        }
    }

    private static String status(int code, String reason, String message) {
        return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":" + code
                + ",\"reason\":\"" + reason + "\",\"message\":\"" + message.replace("\"", "\\\"") + "\"}";
    }
}
