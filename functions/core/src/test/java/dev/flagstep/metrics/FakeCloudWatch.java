package dev.flagstep.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.metrics.FakeHttpServer.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * CloudWatch's GetMetricData over the AWS JSON 1.0 protocol (one of the protocols CloudWatch's model
 * lists): {@code POST /} with {@code X-Amz-Target: GraniteServiceVersion20100801.GetMetricData} and
 * {@code Content-Type: application/x-amz-json-1.0}, timestamps as epoch seconds. Anything else is
 * answered 404. Inputs are decoded independently of the client: numbers as Long or Double, the
 * request's timestamps as Instants.
 */
final class FakeCloudWatch implements AutoCloseable {

    static final String TARGET = "GraniteServiceVersion20100801.GetMetricData";
    static final String CONTENT_TYPE = "application/x-amz-json-1.0";
    private static final Set<String> TIMESTAMPS = Set.of("StartTime", "EndTime", "Timestamps");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeHttpServer server = new FakeHttpServer();

    /** Answers every GetMetricData with the given response map (JSON-encoded), or an error. */
    FakeCloudWatch answer(Function<Map<String, Object>, Reply> handler) {
        server.respond(request -> {
            if (!isGetMetricData(request)) {
                return Reply.text(404, "unknown operation " + request.method() + " " + request.uri() + " "
                        + request.header("X-Amz-Target"));
            }
            return handler.apply(decode(request.body()));
        });
        return this;
    }

    private static boolean isGetMetricData(FakeHttpServer.Request request) {
        return request.method().equals("POST") && request.uri().getPath().equals("/")
                && TARGET.equals(request.header("X-Amz-Target")) && CONTENT_TYPE.equals(request.header("Content-Type"));
    }

    static Reply results(List<Map<String, Object>> metricDataResults) {
        return json(200, Map.of("MetricDataResults", metricDataResults, "Messages", List.of()));
    }

    static Reply error(int status, String type, String message) {
        return json(status, Map.of("__type", "com.amazonaws.cloudwatch#" + type, "message", message));
    }

    private static Reply json(int status, Map<String, Object> body) {
        try {
            return new Reply(status, Map.of("Content-Type", CONTENT_TYPE), JSON.writeValueAsBytes(encode(body)), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Instants as epoch seconds (milliseconds as decimals), as the protocol sends timestamps. */
    private static Object encode(Object value) {
        return switch (value) {
            case Instant t -> BigDecimal.valueOf(t.toEpochMilli(), 3);
            case Map<?, ?> m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), encode(v)));
                yield out;
            }
            case List<?> l -> l.stream().map(FakeCloudWatch::encode).toList();
            default -> value;
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> decode(byte[] body) {
        try {
            return (Map<String, Object>) decode(JSON.readTree(body), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object decode(JsonNode node, boolean timestamp) {
        if (node.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            node.properties().forEach(e -> m.put(e.getKey(), decode(e.getValue(), TIMESTAMPS.contains(e.getKey()))));
            return m;
        }
        if (node.isArray()) {
            List<Object> l = new ArrayList<>();
            node.forEach(n -> l.add(decode(n, timestamp)));
            return l;
        }
        if (timestamp && node.isNumber()) {
            BigDecimal seconds = node.decimalValue();
            return Instant.ofEpochSecond(seconds.longValue(), seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.isNull() ? null : node.asText();
    }

    /** The decoded GetMetricData inputs received, in order. */
    List<Map<String, Object>> inputs() {
        return server.requests().stream().filter(FakeCloudWatch::isGetMetricData).map(r -> decode(r.body())).toList();
    }

    FakeHttpServer.Request lastRequest() {
        return server.lastRequest();
    }

    URI endpoint() {
        return server.uri("");
    }

    @Override
    public void close() {
        server.close();
    }
}
