package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.testing.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulated API server's service proxy and Namespaces, over real HTTP at {@link SimulatedCluster#endpoint()}:
 * what a proxied request carries to the local server backing a Service, what comes back, and each error as
 * kube-apiserver words it. One cluster for the class; every test backs Services in a namespace of its own.
 */
class ServiceProxyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static SimulatedCluster cluster;

    private final String ns = "proxy" + NAMESPACES.incrementAndGet();
    private final List<Backend> backends = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        cluster = SimulatedCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @AfterEach
    void stopBackends() {
        backends.forEach(Backend::close);
    }

    @Test
    void aProxiedPostReachesTheBackingServerWithTheSameBytesAndItsAnswerComesBackAsItIs() throws Exception {
        Backend rx = backend(false, 202, Map.of("Content-Type", "text/plain; charset=utf-8", "X-Receiver", "loadtester"), "approved\n");
        cluster.backService(ns, "flagger-loadtester", 80, rx.url());
        byte[] payload = "{\"name\":\"podinfo\",\"namespace\":\"test\",\"phase\":\"Progressing\",\"metadata\":{\"x\":\"ü\"}}"
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(proxy("flagger-loadtester:80", "/gate/approve"))
                .header("Content-Type", "application/json")
                .header("X-Flagger-Signature", "sha256=abc123")
                .header("Authorization", "Bearer the-eks-token")
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload)));

        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("approved\n");
        assertThat(r.headers().firstValue("X-Receiver")).contains("loadtester");
        assertThat(r.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");
        Backend.Seen seen = rx.only();
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.rawUri()).isEqualTo("/gate/approve");
        assertThat(seen.body()).isEqualTo(payload);
        assertThat(seen.header("Content-Type")).isEqualTo("application/json");
        assertThat(seen.header("X-Flagger-Signature")).isEqualTo("sha256=abc123");
        assertThat(seen.headers()).doesNotContainKey("Authorization");
    }

    @Test
    void theForwardedRequestIsMarkedAsKubeApiserverMarksItWithTheProxyPathAndTheApiServersHost() throws Exception {
        Backend rx = backend(false, 200, Map.of(), "");
        cluster.backService(ns, "flagger-loadtester", 80, rx.url());

        send(HttpRequest.newBuilder(proxy("flagger-loadtester:80", "/gate/approve?x=1")).header("X-Forwarded-Host", "spoofed")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

        Backend.Seen seen = rx.only();
        assertThat(seen.header("X-Forwarded-Uri")).isEqualTo("/api/v1/namespaces/" + ns + "/services/flagger-loadtester:80/proxy/gate/approve");
        assertThat(seen.header("X-Forwarded-Host")).isEqualTo(URI.create(api()).getAuthority());
        assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
    }

    @Test
    void aGetKeepsItsRawQueryAndAnEmptyPathBecomesSlash() throws Exception {
        Backend prometheus = backend(false, 200, Map.of("Content-Type", "application/json"), "{\"status\":\"success\"}");
        cluster.backService(ns, "prometheus", 9090, prometheus.url());
        String query = "query=sum%28rate%28http_requests_total%7Bstatus%21~%225.*%22%7D%5B1m%5D%29%29&time=1.5";

        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(proxy("prometheus:9090", "/api/v1/query") + "?" + query)).GET());
        HttpResponse<byte[]> root = send(HttpRequest.newBuilder(proxy("prometheus:9090", "")).GET());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"status\":\"success\"}");
        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(prometheus.seen()).extracting(Backend.Seen::method).containsExactly("GET", "GET");
        assertThat(prometheus.seen()).extracting(Backend.Seen::rawUri).containsExactly("/api/v1/query?" + query, "/");
    }

    @Test
    void everyMethodIsForwardedAndAServicePortIsPickedByNumberNameOrNothing() throws Exception {
        Backend rx = backend(false, 200, Map.of(), "");
        cluster.backService(ns, "hooks", 8080, rx.url());

        for (String id : List.of("hooks:8080", "hooks:http", "hooks", "http:hooks:8080")) {
            assertThat(send(HttpRequest.newBuilder(proxy(id, "/x")).method("PUT", HttpRequest.BodyPublishers.ofString("p")))
                    .statusCode()).as(id).isEqualTo(200);
        }
        assertThat(send(HttpRequest.newBuilder(proxy("hooks:8080", "/x")).DELETE()).statusCode()).isEqualTo(200);
        assertThat(rx.seen()).extracting(Backend.Seen::method).containsExactly("PUT", "PUT", "PUT", "PUT", "DELETE");
    }

    @Test
    void httpsDialsTheBackingServerOverTlsWithoutVerifyingIt() throws Exception {
        Backend tls = backend(true, 200, Map.of(), "over tls"); // its certificate names receiver.invalid only
        cluster.backService(ns, "secure", 443, tls.url());

        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(proxy("https:secure:443", "/hook"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("over tls");
        assertThat(tls.only().rawUri()).isEqualTo("/hook");
    }

    @Test
    void aMissingServiceIs404NotFoundWithAHintNamingTheFlag() throws Exception {
        cluster.createNamespace(ns);

        JsonNode status = status(send(HttpRequest.newBuilder(proxy("flagger-loadtester:80", "/")).GET()), 404);

        assertThat(status.path("reason").asText()).isEqualTo("NotFound");
        assertThat(status.path("details").path("kind").asText()).isEqualTo("services");
        assertThat(status.path("details").path("name").asText()).isEqualTo("flagger-loadtester");
        assertThat(status.path("message").asText()).isEqualTo("services \"flagger-loadtester\" not found (the simulated cluster has"
                + " no Service flagger-loadtester in namespace " + ns + ": back it with --service flagger-loadtester." + ns
                + "=http://127.0.0.1:PORT)");
    }

    @Test
    void aForbiddenNamespaceIs403AsRbacWordsItWithTheVerbOfTheMethod() throws Exception {
        Backend rx = backend(false, 200, Map.of(), "");
        cluster.backService(ns, "telegram", 8080, rx.url());
        cluster.forbidProxy(ns, true);

        JsonNode post = status(send(HttpRequest.newBuilder(proxy("telegram:8080", "/")).POST(HttpRequest.BodyPublishers.ofString("{}"))), 403);
        JsonNode get = status(send(HttpRequest.newBuilder(proxy("telegram:8080", "/")).GET()), 403);
        cluster.forbidProxy(ns, false);
        int allowedAgain = send(HttpRequest.newBuilder(proxy("telegram:8080", "/")).GET()).statusCode();

        assertThat(post.path("reason").asText()).isEqualTo("Forbidden");
        assertThat(post.path("message").asText()).isEqualTo("services \"telegram\" is forbidden: User \"flagstep\" cannot create"
                + " resource \"services/proxy\" in API group \"\" in the namespace \"" + ns + "\"");
        assertThat(get.path("message").asText()).contains("cannot get resource \"services/proxy\"");
        assertThat(allowedAgain).isEqualTo(200);
        assertThat(rx.seen()).hasSize(1);
    }

    @Test
    void aServiceWithNoReadyEndpointsIs503() throws Exception {
        Backend rx = backend(false, 200, Map.of(), "");
        cluster.backService(ns, "flagger-loadtester", 80, rx.url());
        cluster.holdNoEndpoints(ns, "flagger-loadtester", true);

        JsonNode status = status(send(HttpRequest.newBuilder(proxy("flagger-loadtester:80", "/")).GET()), 503);
        cluster.holdNoEndpoints(ns, "flagger-loadtester", false);

        assertThat(status.path("reason").asText()).isEqualTo("ServiceUnavailable");
        assertThat(status.path("message").asText()).isEqualTo("no endpoints available for service \"flagger-loadtester\"");
        assertThat(send(HttpRequest.newBuilder(proxy("flagger-loadtester:80", "/")).GET()).statusCode()).isEqualTo(200);
        assertThat(rx.seen()).hasSize(1);
    }

    @Test
    void aServiceWithoutBackingOrPodsHasNoEndpoints() throws Exception {
        cluster.createNamespace(ns);
        cluster.client().create(ResourceKind.SERVICE, JSON.readValue("""
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"lonely","namespace":"%s"},
                 "spec":{"ports":[{"name":"http","port":80}]}}""".formatted(ns), com.fasterxml.jackson.databind.node.ObjectNode.class));

        JsonNode status = status(send(HttpRequest.newBuilder(proxy("lonely:80", "/")).GET()), 503);

        assertThat(status.path("message").asText()).isEqualTo("no endpoints available for service \"lonely\"");
    }

    @Test
    void aBackingServerRefusingConnectionsIs503ErrorTryingToReachService() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        cluster.backService(ns, "gone", 80, URI.create("http://127.0.0.1:" + closedPort));

        JsonNode status = status(send(HttpRequest.newBuilder(proxy("gone:80", "/")).GET()), 503);

        assertThat(status.path("reason").asText()).isEqualTo("ServiceUnavailable");
        assertThat(status.path("message").asText())
                .isEqualTo("error trying to reach service: dial tcp 127.0.0.1:" + closedPort + ": connect: connection refused");
    }

    @Test
    void aPortNumberTheServiceDoesNotHaveIs503AndAnUnknownPortNameHasNoEndpoints() throws Exception {
        Backend rx = backend(false, 200, Map.of(), "");
        cluster.backService(ns, "prometheus", 9090, rx.url());

        JsonNode byNumber = status(send(HttpRequest.newBuilder(proxy("prometheus:80", "/")).GET()), 503);
        JsonNode byName = status(send(HttpRequest.newBuilder(proxy("prometheus:metrics", "/")).GET()), 503);
        JsonNode badScheme = status(send(HttpRequest.newBuilder(proxy("ftp:prometheus:9090", "/")).GET()), 400);

        assertThat(byNumber.path("message").asText()).isEqualTo("no service port 80 found for service \"prometheus\"");
        assertThat(byName.path("message").asText()).isEqualTo("no endpoints available for service \"prometheus\"");
        assertThat(badScheme.path("message").asText()).isEqualTo("invalid service request \"ftp:prometheus:9090\"");
        assertThat(rx.seen()).isEmpty();
    }

    @Test
    void aHookThatHoldsItsAnswerDoesNotHoldUpTheRestOfTheApi() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Backend slow = backend(false, 200, Map.of(), "done");
        slow.holdUntil(release);
        cluster.backService(ns, "helmtester", 80, slow.url());

        CompletableFuture<HttpResponse<byte[]>> hook = HTTP.sendAsync(HttpRequest.newBuilder(proxy("helmtester:80", "/"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofByteArray());
        slow.awaitArrivals(1);
        // while the hook is held, the API answers (a short client timeout: a stalled API would fail this)
        HttpResponse<byte[]> meanwhile = HTTP.send(HttpRequest.newBuilder(URI.create(api() + "/api/v1/namespaces/" + ns + "/services"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        release.countDown();

        assertThat(meanwhile.statusCode()).isEqualTo(200);
        assertThat(hook.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void namespacesTheClusterHasAnswer200AndOthers404() throws Exception {
        Backend rx = backend(false, 200, Map.of(), "");
        cluster.backService(ns, "flagger-loadtester", 80, rx.url());

        assertThat(namespaceStatus(ns)).isEqualTo(200);
        assertThat(namespaceStatus("default")).isEqualTo(200);
        assertThat(namespaceStatus("kube-system")).isEqualTo(200);
        assertThat(namespaceStatus("com")).isEqualTo(404);
        assertThat(namespaceStatus(ns + "-never")).isEqualTo(404);
    }

    @Test
    void seedingACanaryCreatesItsNamespace() throws Exception {
        dev.flagstep.testing.KubeCanaries canary = dev.flagstep.testing.KubeCanaries.podinfo();
        canary.namespace = ns;
        canary.provider = "kubernetes";
        cluster.seed(canary.build(), "ghcr.io/stefanprodan/podinfo:6.0.0");

        assertThat(namespaceStatus(ns)).isEqualTo(200);
    }

    @Test
    void theServiceOptionBacksAServiceAsTheCommandsDo() throws Exception {
        Backend rx = backend(false, 200, Map.of(), "from the option");
        String option = "web." + ns + ".svc.cluster.local:8080=" + rx.url();

        dev.flagstep.local.cli.RuntimeOptions.back(cluster, dev.flagstep.local.cli.ServiceBacking.parseAll(List.of(option)));

        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(proxy("web:8080", "/hook")).GET());
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("from the option");
        assertThat(namespaceStatus(ns)).isEqualTo(200);
    }

    private int namespaceStatus(String name) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(api() + "/api/v1/namespaces/" + name)).GET()).statusCode();
    }

    private static String api() {
        return cluster.endpoint().server().toString();
    }

    private URI proxy(String serviceId, String path) {
        return URI.create(api() + "/api/v1/namespaces/" + ns + "/services/" + serviceId + "/proxy" + path);
    }

    private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode status(HttpResponse<byte[]> r, int code) throws IOException {
        assertThat(r.statusCode()).isEqualTo(code);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode s = JSON.readTree(r.body());
        assertThat(s.path("kind").asText()).isEqualTo("Status");
        assertThat(s.path("apiVersion").asText()).isEqualTo("v1");
        assertThat(s.path("code").asInt()).isEqualTo(code);
        return s;
    }

    private Backend backend(boolean tls, int status, Map<String, String> headers, String body) {
        Backend b = Backend.start(tls, status, headers, body);
        backends.add(b);
        return b;
    }

    /** A local server recording each request as it arrived (raw URI, headers as sent, body bytes). */
    private static final class Backend implements AutoCloseable {

        record Seen(String method, String rawUri, Map<String, List<String>> headers, byte[] body) {
            String header(String name) {
                return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                        .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
            }
        }

        private final HttpServer server;
        private final List<Seen> seen = new ArrayList<>();
        private final String scheme;
        private volatile CountDownLatch release = new CountDownLatch(0);

        private Backend(HttpServer server, String scheme, int status, Map<String, String> headers, String body) {
            this.server = server;
            this.scheme = scheme;
            server.createContext("/", ex -> answer(ex, status, headers, body));
            server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
            server.start();
        }

        static Backend start(boolean tls, int status, Map<String, String> headers, String body) {
            try {
                InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
                if (tls) {
                    HttpsServer s = HttpsServer.create(loopback, 0);
                    s.setHttpsConfigurator(new HttpsConfigurator(WebhookReceiver.selfSignedContext()));
                    return new Backend(s, "https", status, headers, body);
                }
                return new Backend(HttpServer.create(loopback, 0), "http", status, headers, body);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        URI url() {
            return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
        }

        void holdUntil(CountDownLatch latch) {
            release = latch;
        }

        synchronized List<Seen> seen() {
            return List.copyOf(seen);
        }

        Seen only() {
            assertThat(seen()).hasSize(1);
            return seen().getFirst();
        }

        synchronized void awaitArrivals(int n) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (seen.size() < n && System.nanoTime() < end) wait(100);
            assertThat(seen).hasSizeGreaterThanOrEqualTo(n);
        }

        private void answer(HttpExchange ex, int status, Map<String, String> headers, String body) throws IOException {
            try (ex) {
                byte[] in = ex.getRequestBody().readAllBytes();
                synchronized (this) {
                    seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getRawPath()
                            + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery()),
                            Map.copyOf(ex.getRequestHeaders()), in));
                    notifyAll();
                }
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
                byte[] out = body.getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
                if (out.length > 0) {
                    try (OutputStream os = ex.getResponseBody()) {
                        os.write(out);
                    }
                }
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
