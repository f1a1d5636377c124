package dev.flagstep.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;

/**
 * A Splunk Observability (SignalFx) API on 127.0.0.1: the SignalFlow WebSocket at
 * {@code /v2/signalflow/connect} (answers {@code authenticate}, then runs each {@code execute} by sending the
 * scripted frames on its channel, then {@code END_OF_CHANNEL}), and {@code GET /v2/metric?limit=1}. It
 * records the text messages and the HTTP requests it received.
 */
public final class FakeSignalFlow implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One datapoint of a data message: value type (1 long, 2 double, 3 int32, other: none), time series id, 8 value bytes. */
    public record Point(int type, long tsid, long bits) {
        public static Point ofDouble(long tsid, double value) {
            return new Point(2, tsid, Double.doubleToLongBits(value));
        }

        public static Point ofLong(long tsid, long value) {
            return new Point(1, tsid, value);
        }

        /** int32 values sit in the first 4 of the 8 value bytes. */
        public static Point ofInt(long tsid, int value) {
            return new Point(3, tsid, ((long) value) << 32);
        }
    }

    /** What an execute gets: data messages (points per message), optionally gzipped, then the end (or an error, or silence). */
    public record Script(List<List<Point>> messages, boolean gzip, String ending) {
        public static Script data(List<List<Point>> messages) {
            return new Script(messages, false, "END_OF_CHANNEL");
        }
    }

    private final MockWebServer server = new MockWebServer();
    private final List<String> texts = new CopyOnWriteArrayList<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private volatile Script script = Script.data(List.of());
    private volatile int validationStatus = 200;

    public FakeSignalFlow() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                requests.add(request);
                if (request.getPath().equals("/v2/signalflow/connect")) {
                    return new MockResponse().withWebSocketUpgrade(new Listener());
                }
                if (request.getPath().equals("/v2/metric?limit=1")) {
                    return new MockResponse().setResponseCode(validationStatus)
                            .setBody(validationStatus == 200 ? "{\"count\": 1, \"results\": []}" : "{\"message\": \"invalid token\"}");
                }
                return new MockResponse().setResponseCode(404).setBody("not found");
            }
        });
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    /** {@code http://127.0.0.1:port}: Flagger's rewrite turns it into {@code ws://127.0.0.1:port/v2/signalflow}. */
    public String address() {
        return "http://127.0.0.1:" + server.getPort();
    }

    public FakeSignalFlow answer(Script script) {
        this.script = script;
        return this;
    }

    public FakeSignalFlow validationStatus(int status) {
        this.validationStatus = status;
        return this;
    }

    /** The text messages received over WebSockets, in order. */
    public List<String> texts() {
        return List.copyOf(texts);
    }

    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** A binary data message as SignalFlow encodes it. */
    public static byte[] dataMessage(String channel, long timestampMillis, List<Point> points, boolean gzip) {
        ByteBuffer body = ByteBuffer.allocate(12 + 17 * points.size());
        body.putLong(timestampMillis).putInt(points.size());
        points.forEach(p -> body.put((byte) p.type()).putLong(p.tsid()).putLong(p.bits()));
        byte[] payload = body.array();
        if (gzip) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
                zip.write(payload);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            payload = out.toByteArray();
        }
        ByteBuffer message = ByteBuffer.allocate(20 + payload.length);
        message.put((byte) 1).put((byte) 5).put((byte) (gzip ? 1 : 0)).put((byte) 0);
        message.put(Arrays.copyOf(channel.getBytes(StandardCharsets.UTF_8), 16));
        message.put(payload);
        return message.array();
    }

    private final class Listener extends WebSocketListener {
        @Override
        public void onMessage(WebSocket ws, String text) {
            texts.add(text);
            JsonNode message;
            try {
                message = JSON.readTree(text);
            } catch (IOException e) {
                ws.close(1003, "not JSON");
                return;
            }
            switch (message.path("type").asText()) {
                case "authenticate" -> ws.send("{\"type\": \"authenticated\", \"orgId\": \"org-1\", \"userId\": \"user-1\"}");
                case "execute" -> execute(ws, message.path("channel").asText(), message.path("start").asLong());
                default -> { }
            }
        }

        private void execute(WebSocket ws, String channel, long start) {
            Script s = script;
            ws.send("{\"type\": \"control-message\", \"channel\": \"" + channel + "\", \"event\": \"STREAM_START\", \"timestampMs\": " + start + "}");
            ws.send("{\"type\": \"control-message\", \"channel\": \"" + channel + "\", \"event\": \"JOB_START\", \"handle\": \"job-1\"}");
            ws.send("{\"type\": \"metadata\", \"channel\": \"" + channel + "\", \"tsId\": \"AAAAAAAAAAE\", \"properties\": {\"sf_metric\": \"x\"}}");
            long ts = start;
            for (List<Point> points : s.messages()) {
                ws.send(dataMessage(channel, ts, points, s.gzip()));
                ts += 60_000;
            }
            switch (s.ending()) {
                case "END_OF_CHANNEL", "CHANNEL_ABORT" ->
                        ws.send("{\"type\": \"control-message\", \"channel\": \"" + channel + "\", \"event\": \"" + s.ending() + "\"}");
                case "" -> { }
                default -> ws.send(s.ending().replace("$CHANNEL", channel));
            }
        }
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
