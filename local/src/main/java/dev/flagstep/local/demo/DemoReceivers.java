package dev.flagstep.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.ToDoubleFunction;

/**
 * The demo's outside world on 127.0.0.1, speaking the same protocols as the real thing:
 * <ul>
 *   <li>{@code /loadtest/} — a flagger-loadtester-style task endpoint (answers 202, as its {@code cmd} tasks do);</li>
 *   <li>{@code /approve} — a confirm-promotion gate that approves (200), like the loadtester's {@code /gate/approve};</li>
 *   <li>{@code /events} — an event receiver that keeps what Flagger-style event hooks post;</li>
 *   <li>{@code /api/v1/query} — a Prometheus HTTP API answering instant vector queries with the
 *       request success rate the demo chooses per deployment.</li>
 * </ul>
 */
public final class DemoReceivers implements AutoCloseable {

    /** One webhook call as a receiver saw it. */
    public record Call(String path, JsonNode body) {}

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> queryCounts = new ConcurrentHashMap<>();
    private final ToDoubleFunction<String> successRate;

    /** @param successRate the success rate (percent) to report for a PromQL query, given the query text */
    public DemoReceivers(ToDoubleFunction<String> successRate) throws IOException {
        this.successRate = successRate;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/loadtest/", ex -> webhook(ex, 202, ""));
        server.createContext("/approve", ex -> webhook(ex, 200, "Approved"));
        server.createContext("/events", ex -> webhook(ex, 202, ""));
        server.createContext("/api/v1/query", this::prometheus);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    private void webhook(HttpExchange ex, int status, String answer) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            JsonNode json;
            try {
                json = mapper.readTree(body);
            } catch (IOException e) {
                send(ex, 400, "");
                return;
            }
            calls.add(new Call(ex.getRequestURI().getPath(), json));
            send(ex, status, answer);
        }
    }

    private void prometheus(HttpExchange ex) throws IOException {
        try (ex) {
            String raw = ex.getRequestURI().getRawQuery();
            String query = "";
            if (raw != null) {
                for (String kv : raw.split("&")) {
                    if (kv.startsWith("query=")) {
                        query = java.net.URLDecoder.decode(kv.substring(6), StandardCharsets.UTF_8);
                    }
                }
            }
            queryCounts.merge(query, 1, Integer::sum);
            double value = successRate.applyAsDouble(query);
            String json = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":["
                    + (System.currentTimeMillis() / 1000.0) + ",\"" + value + "\"]}]}}";
            ex.getResponseHeaders().set("Content-Type", "application/json");
            send(ex, 200, json);
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
