package dev.flagstep.metrics;

import dev.flagstep.metrics.FakeHttpServer.Reply;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * CloudWatch's GetMetricData as the 2.41 SDK speaks it: smithy-rpc-v2-cbor, i.e. {@code POST
 * /service/GraniteServiceVersion20100801/operation/GetMetricData} with a CBOR body, answered in CBOR
 * with the {@code smithy-protocol: rpc-v2-cbor} header. Anything else is answered 404.
 */
final class FakeCloudWatch implements AutoCloseable {

    static final String PATH = "/service/GraniteServiceVersion20100801/operation/GetMetricData";

    private final FakeHttpServer server = new FakeHttpServer();

    /** Answers every GetMetricData with the given response map (CBOR-encoded), or an error. */
    FakeCloudWatch answer(Function<Map<String, Object>, Reply> handler) {
        server.respond(request -> {
            if (!request.method().equals("POST") || !request.uri().getPath().equals(PATH)
                    || !"rpc-v2-cbor".equals(request.header("smithy-protocol"))) {
                return Reply.text(404, "unknown operation " + request.method() + " " + request.uri());
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> input = (Map<String, Object>) Cbor.decode(request.body());
            return handler.apply(input);
        });
        return this;
    }

    static Reply results(List<Map<String, Object>> metricDataResults) {
        return cbor(200, Map.of("MetricDataResults", metricDataResults, "Messages", List.of()));
    }

    static Reply error(int status, String type, String message) {
        return cbor(status, Map.of("__type", "com.amazonaws.cloudwatch#" + type, "message", message));
    }

    private static Reply cbor(int status, Map<String, Object> body) {
        return new Reply(status, Map.of("Content-Type", "application/cbor", "smithy-protocol", "rpc-v2-cbor"), Cbor.encode(body), 0);
    }

    /** The decoded GetMetricData inputs received, in order. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> inputs() {
        return server.requests().stream()
                .filter(r -> r.uri().getPath().equals(PATH))
                .map(r -> (Map<String, Object>) Cbor.decode(r.body()))
                .toList();
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
