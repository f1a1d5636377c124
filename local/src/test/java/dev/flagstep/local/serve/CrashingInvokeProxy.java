package dev.flagstep.local.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A Lambda Invoke API in front of another (a served runtime's) on 127.0.0.1: it passes every invocation on, except
 * one that a test armed, which it answers as Lambda answers a handler that threw: 200, {@code X-Amz-Function-Error:
 * Unhandled}, {@code {"errorType","errorMessage"}}. Another Step Functions' Lambda endpoint, so that a phase of its
 * execution crashes exactly once where the test wants it.
 */
final class CrashingInvokeProxy implements AutoCloseable {

    /** One armed crash: the first invocation of {@code function} whose payload {@code matches}. */
    record Crash(String function, Predicate<JsonNode> matches, String errorType, String errorMessage) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection", "transfer-encoding",
            "expect", "upgrade", "date");

    private final HttpServer server;
    private final URI backend;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Set<Crash> armed = ConcurrentHashMap.newKeySet();

    private CrashingInvokeProxy(HttpServer server, URI backend) {
        this.server = server;
        this.backend = backend;
    }

    static CrashingInvokeProxy start(URI backend) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            CrashingInvokeProxy proxy = new CrashingInvokeProxy(server, backend);
            server.createContext("/", proxy::handle);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return proxy;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The next invocation that {@code crash} matches fails as a function error; later ones pass again. */
    void crashOnce(Crash crash) {
        armed.add(crash);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            String function = LambdaInvokeApi.shortName(URLDecoder.decode(
                    path.replaceFirst("^" + LambdaInvokeApi.PREFIX, "").replaceFirst("/invocations/?$", ""),
                    StandardCharsets.UTF_8));
            for (Crash crash : armed) {
                if (crash.function().equals(function) && crash.matches().test(payload(body)) && armed.remove(crash)) {
                    byte[] error = JSON.createObjectNode().put("errorMessage", crash.errorMessage())
                            .put("errorType", crash.errorType()).toString().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.getResponseHeaders().add("X-Amz-Function-Error", "Unhandled");
                    exchange.getResponseHeaders().add("X-Amz-Executed-Version", "$LATEST");
                    reply(exchange, 200, error);
                    return;
                }
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(backend.resolve(exchange.getRequestURI().getRawPath()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    values.forEach(v -> forward.header(name, v));
                }
            });
            HttpResponse<byte[]> answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            answer.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT)) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            reply(exchange, answer.statusCode(), answer.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static JsonNode payload(byte[] body) {
        try {
            return body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
