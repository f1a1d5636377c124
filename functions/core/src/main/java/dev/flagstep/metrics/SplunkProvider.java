package dev.flagstep.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Flagger's Splunk Observability (SignalFx) provider: a SignalFlow program run over the WebSocket API,
 * {@code {stream}/v2/signalflow/connect}, with the {@code authenticate} and {@code execute} messages its Go
 * client sends ({@code start = now - 10 x interval}, {@code stop = now}, ms, {@code immediate}), the token from
 * the secret's {@code sf_token_key}; binary data messages are collected until the channel ends. The value is
 * the last datapoint; datapoints of more than one time series are an error. Addresses follow Flagger's
 * rewrite: {@code https://api.<realm>.signalfx.com} streams from {@code wss://stream.<realm>.signalfx.com}.
 */
public final class SplunkProvider implements MetricProvider {

    static final String TOKEN = "sf_token_key";
    /** The Go client numbers its channels per client, and Flagger makes a client per query. */
    static final String CHANNEL = "ch-1";

    private final URI connect;
    private final URI validation;
    private final ProviderSecret secret;
    private final ProviderHttp http;
    private final Clock clock;

    SplunkProvider(Optional<String> address, ProviderSecret secret, ProviderHttp http, Clock clock) {
        String a = address.filter(s -> !s.isBlank()).map(String::strip)
                .orElseThrow(() -> new MetricQueryException("splunk endpoint is not set"));
        // Flagger's blind first-occurrence replacements, kept: they are what turns api.* into stream.*
        String stream = replaceFirst(replaceFirst(a + "/v2/signalflow", "http", "ws"), "api", "stream");
        ProviderHttp.address("splunk", stream.replaceFirst("^ws", "http"));
        // path.Join(stream path, "connect"), which also cleans a doubled slash
        this.connect = URI.create((stream + "/connect").replaceAll("(?<!:)/{2,}", "/"));
        this.validation = ProviderHttp.address("splunk",
                replaceFirst(replaceFirst(a + "/v2/metric?limit=1", "ws", "http"), "stream", "api"));
        this.secret = secret;
        this.http = http;
        this.clock = clock;
    }

    /** Where the SignalFlow WebSocket connects. */
    URI connect() {
        return connect;
    }

    /** What the online check asks. */
    URI validation() {
        return validation;
    }

    private static String replaceFirst(String text, String target, String replacement) {
        int i = text.indexOf(target);
        return i < 0 ? text : text.substring(0, i) + replacement + text.substring(i + target.length());
    }

    @Override
    public double query(String query, Optional<String> interval) {
        MetricWindow window = MetricWindow.last("splunk", interval, MetricWindow.FLAGGER_INTERVALS, clock);
        String token = secret.require(List.of(TOKEN)).get(TOKEN);
        Computation computation = new Computation();
        WebSocket ws = http.webSocket(connect, computation);
        List<SignalFlowMessages.Payload> payloads;
        try {
            ws.sendText(authenticate(token), true)
                    .thenCompose(w -> w.sendText(execute(query, window.from().toEpochMilli(), window.to().toEpochMilli()), true))
                    .whenComplete((w, e) -> {
                        if (e != null) {
                            computation.done.completeExceptionally(e);
                        }
                    });
            payloads = computation.done.get(http.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new MetricQueryException("error executing query: the computation did not end within "
                    + http.timeout().toMillis() + "ms", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof MetricQueryException m ? m
                    : new MetricQueryException("error executing query: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MetricQueryException("error executing query: interrupted", e);
        } finally {
            ws.abort();
        }
        List<SignalFlowMessages.Payload> values = payloads.stream().filter(p -> p.value().isPresent()).toList();
        if (values.isEmpty()) {
            throw new NoValuesFoundException("invalid response: the computation sent no datapoints");
        }
        if (values.stream().map(SignalFlowMessages.Payload::tsid).distinct().count() > 1) {
            throw new MetricQueryException("invalid response: query returned multiple values");
        }
        return values.getLast().value().orElseThrow();
    }

    /** Flagger's check: the metric listing answers 200 to the token. */
    @Override
    public void checkOnline() {
        String token = secret.require(List.of(TOKEN)).get(TOKEN);
        http.get(validation, Map.of("X-SF-Token", token)).online();
    }

    private static String authenticate(String token) {
        ObjectNode auth = ProviderJson.mapper().createObjectNode();
        auth.put("type", "authenticate");
        auth.put("token", token);
        return auth.toString();
    }

    /** The Go client's execute message, fields in its order. */
    static String execute(String program, long startMillis, long stopMillis) {
        ObjectNode execute = ProviderJson.mapper().createObjectNode();
        execute.put("type", "execute");
        execute.put("program", program);
        execute.put("channel", CHANNEL);
        execute.put("start", startMillis);
        execute.put("stop", stopMillis);
        execute.put("resolution", 0);
        execute.put("maxDelay", 0);
        execute.put("immediate", true);
        execute.put("timezone", "");
        return execute.toString();
    }

    /** Collects one channel's datapoints until it ends (END_OF_CHANNEL, CHANNEL_ABORT) or fails. */
    private static final class Computation implements WebSocket.Listener {

        final CompletableFuture<List<SignalFlowMessages.Payload>> done = new CompletableFuture<>();
        private final List<SignalFlowMessages.Payload> payloads = new CopyOnWriteArrayList<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                onMessage(message);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                byte[] message = binary.toByteArray();
                binary.reset();
                try {
                    SignalFlowMessages.Data decoded = SignalFlowMessages.decode(message);
                    if (decoded.channel().equals(CHANNEL)) {
                        payloads.addAll(decoded.payloads());
                    }
                } catch (MetricQueryException e) {
                    done.completeExceptionally(e);
                }
            }
            ws.request(1);
            return null;
        }

        private void onMessage(String message) {
            JsonNode json;
            try {
                json = ProviderJson.mapper().readTree(message);
            } catch (IOException e) {
                done.completeExceptionally(new MetricQueryException("could not parse SignalFlow message: " + message));
                return;
            }
            switch (json.path("type").asText()) {
                case "control-message" -> {
                    String event = json.path("event").asText();
                    if (json.path("channel").asText().equals(CHANNEL)
                            && (event.equals("END_OF_CHANNEL") || event.equals("CHANNEL_ABORT"))) {
                        done.complete(List.copyOf(payloads));
                    }
                }
                case "error" -> {
                    // the Go client's ComputationError: "code (errorType): message"
                    String detail = json.path("error").asText("0")
                            + (json.hasNonNull("errorType") ? " (" + json.path("errorType").asText() + ")" : "")
                            + (json.hasNonNull("message") ? ": " + json.path("message").asText() : "");
                    done.completeExceptionally(new MetricQueryException("error executing query: " + detail));
                }
                default -> { } // authenticated, info, metadata, events, keep-alives
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            done.completeExceptionally(new MetricQueryException("error executing query: SignalFlow closed the connection ("
                    + statusCode + (reason.isEmpty() ? "" : " " + reason) + ") before the computation ended"));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            done.completeExceptionally(new MetricQueryException("error executing query: " + error, error));
        }
    }
}
