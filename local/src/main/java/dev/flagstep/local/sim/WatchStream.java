package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A watch ({@code ?watch=1}) as kube-apiserver streams it: HTTP 200, chunked, one {@code {"type":..., "object":...}}
 * per line, ADDED / MODIFIED / DELETED (with the last state). fabric8's mock only watches over WebSocket (fabric8's
 * own client), and answers a plain {@code ?watch=1} with a list, so the front watches for it: it lists the
 * collection every {@link #POLL} and sends what changed (changes within one poll coalesce, as a real watch cache's
 * never do; kubectl only prints the latest state anyway). From a {@code resourceVersion}, objects newer than it come
 * first as MODIFIED; without one (or {@code 0}) every object comes as ADDED. Ends after {@code timeoutSeconds}
 * (default 30 min, the API server's order of magnitude) or when the client goes away, noticed by a newline sent
 * every few seconds of silence (JSON decoders skip whitespace between objects).
 */
final class WatchStream {

    static final Duration POLL = Duration.ofMillis(100);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(5);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpExchange exchange;
    private final Function<ObjectNode, JsonNode> render;

    /** @param render what an event carries for an object (the object, or a one-row Table) */
    WatchStream(HttpExchange exchange, Function<ObjectNode, JsonNode> render) {
        this.exchange = exchange;
        this.render = render;
    }

    /**
     * Streams until the timeout, the client leaves or the thread is interrupted.
     *
     * @param list lists the (selected) collection, by uid ({@link #byUid}): called once per poll
     */
    void run(Supplier<Map<String, ObjectNode>> list, String fromVersion, Duration timeout) throws IOException {
        Map<String, ObjectNode> first;
        try {
            first = list.get();
        } catch (RuntimeException e) {
            ApiFront.send(exchange, ApiFront.Reply.status(503, "ServiceUnavailable", "cannot start the watch: " + e.getMessage()));
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0);
        Instant end = Instant.now().plus(timeout.isZero() ? DEFAULT_TIMEOUT : timeout);
        try (OutputStream out = exchange.getResponseBody()) {
            Map<String, ObjectNode> seen = first;
            long from = version(fromVersion);
            for (ObjectNode o : seen.values()) {
                if (from == 0) send(out, "ADDED", o);
                else if (version(rv(o)) > from) send(out, "MODIFIED", o);
            }
            out.flush();
            Instant lastWrite = Instant.now();
            while (Instant.now().isBefore(end)) {
                Thread.sleep(POLL);
                Map<String, ObjectNode> now = list.get();
                boolean wrote = false;
                for (Map.Entry<String, ObjectNode> e : now.entrySet()) {
                    ObjectNode before = seen.get(e.getKey());
                    if (before == null) wrote |= send(out, "ADDED", e.getValue());
                    else if (!rv(before).equals(rv(e.getValue()))) wrote |= send(out, "MODIFIED", e.getValue());
                }
                for (Map.Entry<String, ObjectNode> e : seen.entrySet()) {
                    if (!now.containsKey(e.getKey())) wrote |= send(out, "DELETED", e.getValue());
                }
                seen = now;
                if (!wrote && Duration.between(lastWrite, Instant.now()).compareTo(KEEP_ALIVE) > 0) {
                    out.write('\n');
                    wrote = true;
                }
                if (wrote) {
                    out.flush();
                    lastWrite = Instant.now();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException gone) {
            // the client closed the stream: nothing to tell anyone
        } catch (RuntimeException listFailed) {
            // the store went away mid-watch: end the stream, as an API server does; the client lists again
        }
    }

    private boolean send(OutputStream out, String type, ObjectNode object) throws IOException {
        ObjectNode event = JSON.createObjectNode().put("type", type);
        event.set("object", render.apply(object));
        out.write((event + "\n").getBytes(StandardCharsets.UTF_8));
        return true;
    }

    /** Objects of one listing by uid (name when there is none). */
    static Map<String, ObjectNode> byUid(Iterable<ObjectNode> items) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        for (ObjectNode o : items) {
            JsonNode m = o.path("metadata");
            out.put(m.path("uid").asText(m.path("namespace").asText() + "/" + m.path("name").asText()), o);
        }
        return out;
    }

    private static String rv(JsonNode o) {
        return o.path("metadata").path("resourceVersion").asText();
    }

    private static long version(String rv) {
        try {
            return rv == null || rv.isEmpty() ? 0 : Long.parseLong(rv);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
