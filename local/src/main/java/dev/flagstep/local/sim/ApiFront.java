package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The simulated API server's front door on 127.0.0.1: requests for the service proxy subresource go to
 * {@link ProxySubresource}; discovery ({@link Discovery}) and {@code /openapi/*} are answered here; watches, field
 * selectors, Tables and merge patches of resources by {@link ResourceFront}; every other request goes to the mock API
 * as it came. The proxy cannot live in the mock's
 * dispatcher: the mock answers on a single Vert.x event loop, so a hook that takes minutes would stall every
 * Kubernetes call of every canary meanwhile; here each request has a virtual thread of its own.
 */
final class ApiFront implements AutoCloseable {

    /** Hop-by-hop headers (RFC 9110 7.6.1) and those java.net.http sets itself. */
    static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "proxy-authorization", "proxy-authenticate", "content-length", "host", "expect",
            "http2-settings");

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The mock leaves some requests unanswered (a body it cannot read, a JSON Patch whose {@code test} fails): a
     * client gets an error after this instead of waiting forever.
     */
    private static final java.time.Duration MOCK_TIMEOUT = java.time.Duration.ofSeconds(60);

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final URI mock;
    private final ProxySubresource proxy;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Discovery discovery;
    private final OpenApiV3 openApi;
    private final ResourceFront resources;
    private final AccessReviews accessReviews = new AccessReviews();
    /** Run after each write is stored and before it is answered (see {@link SimulatedCluster#reconcileOnEveryWrite}). */
    private volatile Runnable afterWrite = () -> { };

    private ApiFront(HttpServer server, URI mock, ProxySubresource proxy, Clock clock) {
        this.server = server;
        this.mock = mock;
        this.proxy = proxy;
        ServedResources served = new ServedResources(this::storedCrds);
        this.discovery = new Discovery(served);
        this.openApi = new OpenApiV3(served);
        this.resources = new ResourceFront(this::toMock, served, clock);
        server.createContext("/", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    /** Listens on an ephemeral port of 127.0.0.1 in front of the mock API at {@code mock}. */
    static ApiFront start(URI mock, ProxySubresource proxy, Clock clock) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            return new ApiFront(s, mock, proxy, clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void afterEachWrite(Runnable action) {
        afterWrite = action;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String rawPath = exchange.getRequestURI().getRawPath();
            String rawQuery = exchange.getRequestURI().getRawQuery();
            String method = exchange.getRequestMethod();
            Optional<ProxySubresource.Target> proxied = ProxySubresource.Target.parse(rawPath);
            if (proxied.isPresent()) {
                send(exchange, proxy.forward(proxied.get(), method, rawQuery, exchange.getRequestHeaders(), body));
                return;
            }
            if (method.equals("POST") && rawPath.equals(AccessReviews.PATH)) {
                send(exchange, accessReview(body));
                return;
            }
            if (method.equals("GET")) {
                Optional<String> document = discovery.answer(rawPath);
                if (document.isPresent()) {
                    send(exchange, new Reply(200, HttpHeaders.of(Map.of("Content-Type", List.of("application/json")),
                            (a, b) -> true), document.get().getBytes(StandardCharsets.UTF_8)));
                    return;
                }
                if (rawPath.startsWith("/openapi/")) {
                    Optional<String> spec = openApi.answer(rawPath);
                    send(exchange, spec.map(d -> new Reply(200, HttpHeaders.of(Map.of("Content-Type",
                                    List.of("application/json")), (a, b) -> true), d.getBytes(StandardCharsets.UTF_8)))
                            .orElseGet(() -> Reply.status(404, "NotFound", "the simulated API server serves no " + rawPath)));
                    return;
                }
            }
            Map<String, List<String>> headers = exchange.getRequestHeaders();
            if (ProtobufBodies.isProtobuf(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")).orElse(""))) {
                // the mock would never answer a protobuf body: read it here, or refuse it as a real server would
                Optional<ObjectNode> namespace = method.equals("POST") && rawPath.equals("/api/v1/namespaces")
                        ? ProtobufBodies.namespace(body) : Optional.empty();
                if (namespace.isEmpty()) {
                    send(exchange, Reply.status(415, "UnsupportedMediaType", "the simulated API server reads protobuf "
                            + "only for a new Namespace (kubectl create namespace); send JSON (kubectl apply -f)"));
                    return;
                }
                body = namespace.get().toString().getBytes(StandardCharsets.UTF_8);
                headers = jsonContent(headers);
            }
            Optional<ApiPath> path = ApiPath.parse(rawPath);
            if (path.isPresent() && method.equals("GET") && path.get().collection()
                    && ResourceFront.watch(ResourceFront.query(rawQuery))) {
                resources.watch(exchange, path.get(), rawQuery);
                return;
            }
            Map<String, List<String>> sent = headers;
            byte[] content = body;
            Reply reply = path.flatMap(p -> resources.answer(method, p, rawQuery, sent, content))
                    .orElseGet(() -> toMock(method, rawPath + (rawQuery == null ? "" : "?" + rawQuery), sent, content));
            if (!method.equals("GET")) {
                afterWrite.run();
            }
            send(exchange, reply);
        }
    }

    /** {@code headers} with {@code Content-Type: application/json} instead of theirs. */
    private static Map<String, List<String>> jsonContent(Map<String, List<String>> headers) {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        headers.forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type")) out.put(name, values);
        });
        out.put("Content-Type", List.of("application/json"));
        return out;
    }

    /** The CustomResourceDefinitions in the mock's store. */
    private List<ObjectNode> storedCrds() {
        Reply r = toMock("GET", ServedResources.CRD_PATH, Map.of("Accept", List.of("application/json")), new byte[0]);
        if (r.status() != 200) return List.of();
        try {
            List<ObjectNode> out = new java.util.ArrayList<>();
            for (JsonNode i : JSON.readTree(r.body()).path("items")) if (i instanceof ObjectNode o) out.add(o);
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }

    Reply toMock(String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(mock.resolve(pathAndQuery)).timeout(MOCK_TIMEOUT);
        copyHeaders(headers, b, Set.of());
        b.method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.body().length == 0 || r.headers().firstValue("Content-Type").isPresent()) {
                return new Reply(r.statusCode(), r.headers(), r.body());
            }
            // the mock labels many answers with no type, and kubectl then decodes them as the type it sent: protobuf
            Map<String, List<String>> typed = new java.util.HashMap<>(r.headers().map());
            typed.put("Content-Type", List.of("application/json"));
            return new Reply(r.statusCode(), HttpHeaders.of(typed, (a, v) -> true), r.body());
        } catch (java.net.http.HttpTimeoutException e) {
            return Reply.status(504, "Timeout", "the simulated API server's store did not answer " + method + " "
                    + pathAndQuery + " within " + MOCK_TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            return Reply.status(503, "ServiceUnavailable", "the simulated API server is down: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reply.status(503, "ServiceUnavailable", "interrupted");
        }
    }

    /** Copies request headers but hop-by-hop ones and {@code also} (lower-case names). */
    static void copyHeaders(Map<String, List<String>> headers, HttpRequest.Builder to, Set<String> also) {
        headers.forEach((name, values) -> {
            String n = name.toLowerCase(Locale.ROOT);
            if (NOT_FORWARDED.contains(n) || also.contains(n)) return;
            for (String v : values) to.header(name, v);
        });
    }

    /** Writes {@code reply} as it is, but for the framing headers the server sets itself. */
    static void send(HttpExchange exchange, Reply reply) throws IOException {
        reply.headers().map().forEach((name, values) -> {
            String n = name.toLowerCase(Locale.ROOT);
            if (NOT_FORWARDED.contains(n) || n.equals(":status") || n.equals("date")) return;
            exchange.getResponseHeaders().put(name, values);
        });
        boolean noBody = reply.body().length == 0 || exchange.getRequestMethod().equals("HEAD")
                || reply.status() == 204 || reply.status() == 304;
        exchange.sendResponseHeaders(reply.status(), noBody ? -1 : reply.body().length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }

    /** An answer to write back: status, headers, body. */
    AccessReviews accessReviews() {
        return accessReviews;
    }

    private Reply accessReview(byte[] body) {
        try {
            if (JSON.readTree(body) instanceof ObjectNode review) {
                return new Reply(201, HttpHeaders.of(Map.of("Content-Type", List.of("application/json")), (a, b) -> true),
                        JSON.writeValueAsBytes(accessReviews.answer(review)));
            }
        } catch (IOException e) {
            // answered below
        }
        return Reply.status(400, "BadRequest", "a SelfSubjectAccessReview must be a JSON object");
    }

    record Reply(int status, HttpHeaders headers, byte[] body) {

        /** A Kubernetes {@code Status} failure. */
        static Reply status(int code, String reason, String message) {
            return status(code, reason, message, Map.of());
        }

        /** A Kubernetes {@code Status} failure with {@code details}. */
        static Reply status(int code, String reason, String message, Map<String, String> details) {
            byte[] body = StrictPatchDispatcher.statusJson(code, reason, message, details).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return new Reply(code, HttpHeaders.of(Map.of("Content-Type", List.of("application/json")), (a, b) -> true), body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        http.close();
    }
}
