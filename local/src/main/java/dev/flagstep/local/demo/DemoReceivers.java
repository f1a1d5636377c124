package dev.flagstep.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.flagstep.local.cli.ServiceBacking;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.ToDoubleFunction;

/**
 * The demo's in-cluster receivers, each a local server on 127.0.0.1 that backs the cluster Service the demo's
 * canaries name (through the simulated API server's service proxy), speaking the same protocol as the real one:
 * <ul>
 *   <li>{@code flagger-loadtester.test}: {@code /} runs a task (answers 202, as the loadtester's {@code cmd} tasks
 *       do), {@code /gate/approve} is the gate that approves (200 {@code Approved});</li>
 *   <li>{@code event-receiver.notifications}: keeps what Flagger-style event hooks post;</li>
 *   <li>{@code prometheus.istio-system:9090}: {@code /api/v1/query}, a Prometheus HTTP API answering instant vector
 *       queries with the value the demo chooses per query.</li>
 * </ul>
 */
public final class DemoReceivers implements AutoCloseable {

    /** One webhook call as a receiver saw it: the Service ({@code name.namespace}) and the path. */
    public record Call(String service, String path, JsonNode body) {}

    private final ObjectMapper mapper = new ObjectMapper();
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<ServiceBacking> services = new ArrayList<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final ToDoubleFunction<String> prometheus;

    /** @param prometheus the value Prometheus answers for a PromQL query, given the query text */
    public DemoReceivers(ToDoubleFunction<String> prometheus) throws IOException {
        this.prometheus = prometheus;
        try {
            serve(DemoCanaries.LOADTESTER, Map.of(
                    "/", ex -> webhook(DemoCanaries.LOADTESTER, ex, 202, ""),
                    "/gate/approve", ex -> webhook(DemoCanaries.LOADTESTER, ex, 200, "Approved")));
            serve(DemoCanaries.EVENT_RECEIVER, Map.of("/", ex -> webhook(DemoCanaries.EVENT_RECEIVER, ex, 202, "")));
            serve(DemoCanaries.PROMETHEUS, Map.of("/api/v1/query", this::query));
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Each cluster Service the demo's canaries call, backed by its local server: what {@code --service} would say. */
    public List<ServiceBacking> services() {
        return List.copyOf(services);
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    private void serve(URI clusterUrl, Map<String, HttpHandler> contexts) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        servers.add(server);
        server.setExecutor(handlers);
        contexts.forEach(server::createContext);
        server.start();
        String[] host = clusterUrl.getHost().split("\\.");
        int port = clusterUrl.getPort() < 0 ? 80 : clusterUrl.getPort();
        services.add(new ServiceBacking(host[0], host[1], port,
                URI.create("http://127.0.0.1:" + server.getAddress().getPort())));
    }

    private void webhook(URI service, HttpExchange ex, int status, String answer) throws IOException {
        try (ex) {
            JsonNode json;
            try {
                json = mapper.readTree(ex.getRequestBody().readAllBytes());
            } catch (IOException e) {
                send(ex, 400, "");
                return;
            }
            calls.add(new Call(service.getHost(), ex.getRequestURI().getPath(), json));
            send(ex, status, answer);
        }
    }

    private void query(HttpExchange ex) throws IOException {
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
            double value = prometheus.applyAsDouble(query);
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
        servers.forEach(s -> s.stop(0));
        handlers.close();
    }
}
