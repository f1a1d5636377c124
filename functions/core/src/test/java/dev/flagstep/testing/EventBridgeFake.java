package dev.flagstep.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flagstep.aws.AwsJsonClient;
import dev.flagstep.aws.AwsService;
import dev.flagstep.aws.AwsSettings;
import dev.flagstep.aws.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A loopback EventBridge that speaks the real JSON 1.1 protocol for PutEvents, so flagstep's own
 * serialisation, headers and response parsing are what tests exercise. Scripted answers (failed
 * entries, service errors) apply to the next calls in order; every call is recorded.
 */
public final class EventBridgeFake implements AutoCloseable {

    public static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as received. */
    public record Call(String target, String contentType, JsonNode body) {

        /** The request's {@code Entries}. */
        public List<JsonNode> entries() {
            List<JsonNode> entries = new ArrayList<>();
            body.path("Entries").forEach(entries::add);
            return entries;
        }
    }

    private sealed interface Script {}

    private record FailEntries(Set<Integer> indexes, String errorCode) implements Script {}

    private record ServiceError(int status, String type) implements Script {}

    private final HttpServer server;
    private final List<Call> calls = new ArrayList<>();
    private final List<JsonNode> accepted = new ArrayList<>();
    private final Deque<Script> script = new ArrayDeque<>();

    private EventBridgeFake(HttpServer server) {
        this.server = server;
    }

    public static EventBridgeFake start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            EventBridgeFake fake = new EventBridgeFake(server);
            server.createContext("/", fake::handle);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the EventBridge fake", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A client for this fake; the client's own retries are off so tests see every call the code makes. */
    public AwsJsonClient client() {
        return new AwsJsonClient(AwsService.EVENTBRIDGE, AwsSettings.of("us-east-1",
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).withRetry(RetryPolicy.none()), endpoint());
    }

    /** The next PutEvents call fails the entries at these indexes (0-based, in that call). */
    public synchronized EventBridgeFake failEntriesOfNextCall(Set<Integer> indexes) {
        script.add(new FailEntries(Set.copyOf(indexes), "InternalFailure"));
        return this;
    }

    /** The next call fails as a whole with this HTTP status and error type. */
    public synchronized EventBridgeFake failNextCall(int status, String errorType) {
        script.add(new ServiceError(status, errorType));
        return this;
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Every entry that was answered with an EventId, in order. */
    public synchronized List<JsonNode> acceptedEntries() {
        return List.copyOf(accepted);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            JsonNode body = JSON.readTree(in.readAllBytes());
            Script next;
            synchronized (this) {
                calls.add(new Call(target == null ? "" : target, contentType == null ? "" : contentType, body));
                next = "AWSEvents.PutEvents".equals(target) && CONTENT_TYPE.equals(contentType) ? script.poll() : null;
            }
            if (!"AWSEvents.PutEvents".equals(target)) {
                error(exchange, 400, "UnknownOperationException", "unsupported target " + target);
            } else if (!CONTENT_TYPE.equals(contentType)) {
                error(exchange, 400, "SerializationException", "unexpected Content-Type " + contentType);
            } else if (next instanceof ServiceError e) {
                error(exchange, e.status(), e.type(), "scripted failure");
            } else {
                putEvents(exchange, body, next instanceof FailEntries f ? f : new FailEntries(Set.of(), ""));
            }
        }
    }

    private void putEvents(HttpExchange exchange, JsonNode body, FailEntries failures) throws IOException {
        ObjectNode response = JSON.createObjectNode();
        ArrayNode entries = response.putArray("Entries");
        int failed = 0;
        int index = 0;
        for (JsonNode entry : body.path("Entries")) {
            ObjectNode result = entries.addObject();
            if (failures.indexes().contains(index)) {
                result.put("ErrorCode", failures.errorCode()).put("ErrorMessage", "scripted entry failure");
                failed++;
            } else {
                result.put("EventId", UUID.randomUUID().toString());
                synchronized (this) {
                    accepted.add(entry);
                }
            }
            index++;
        }
        response.put("FailedEntryCount", failed);
        send(exchange, 200, response);
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("__type", type).put("message", message);
        exchange.getResponseHeaders().add("x-amzn-ErrorType", type);
        send(exchange, status, body);
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", CONTENT_TYPE);
        exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
