package dev.flagstep.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A webhook receiver for tests: a JDK HttpServer (or HttpsServer with a self-signed certificate for
 * {@code receiver.invalid}) on 127.0.0.1 and an ephemeral port, answering every path. It records each
 * request (method, path, headers, body, arrival time) and answers scripted replies per path: the
 * replies are used in order and the last one repeats; unscripted paths answer 200 with no body.
 *
 * <pre>{@code
 * try (var rx = WebhookReceiver.start()) {
 *     rx.script("/gate/check", Reply.status(403).body("Forbidden"), Reply.status(200).body("Approved"));
 *     ... call rx.url("/gate/check") ...
 *     assertThat(rx.requests("/gate/check")).hasSize(2);
 * }
 * }</pre>
 * Handlers run on virtual threads, so delayed replies do not hold up other requests.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** The PKCS12 store (password {@value #KEYSTORE_PASSWORD}) holding the self-signed certificate. */
    public static final String KEYSTORE = "/dev/flagstep/testing/webhook-receiver-selfsigned.p12";
    public static final String KEYSTORE_PASSWORD = "flagstep-test";
    private static final Duration HOLD_AT_MOST = Duration.ofMinutes(1);

    /** One request as received. Header names are lower-cased. */
    public record Request(String method, String path, Map<String, List<String>> headers, byte[] body, long arrivalNanos) {

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT))).filter(v -> !v.isEmpty()).map(v -> v.get(0));
        }
    }

    /**
     * A scripted answer. {@code delay} is waited before the status line (to trip timeouts before
     * headers), {@code bodyDelay} after the headers and before the body (to trip the body read).
     */
    public record Reply(int status, String body, Map<String, String> headers, Duration delay, Duration bodyDelay) {

        public Reply {
            headers = Map.copyOf(headers);
        }

        public static Reply status(int status) {
            return new Reply(status, "", Map.of(), Duration.ZERO, Duration.ZERO);
        }

        public Reply body(String body) {
            return new Reply(status, body, headers, delay, bodyDelay);
        }

        public Reply header(String name, String value) {
            Map<String, String> h = new HashMap<>(headers);
            h.put(name, value);
            return new Reply(status, body, h, delay, bodyDelay);
        }

        public Reply after(Duration delay) {
            return new Reply(status, body, headers, delay, bodyDelay);
        }

        public Reply bodyAfter(Duration bodyDelay) {
            return new Reply(status, body, headers, delay, bodyDelay);
        }
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final String scheme;
    private final List<Request> requests = new ArrayList<>();
    private final Map<String, List<Reply>> scripts = new ConcurrentHashMap<>();
    private int holdUntil; // guarded by this

    private WebhookReceiver(HttpServer server, String scheme) {
        this.server = server;
        this.scheme = scheme;
        server.createContext("/", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    /** A plain-HTTP receiver on 127.0.0.1. */
    public static WebhookReceiver start() {
        try {
            return new WebhookReceiver(HttpServer.create(loopback(), 0), "http");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An HTTPS receiver on 127.0.0.1 whose certificate is self-signed and names only receiver.invalid. */
    public static WebhookReceiver startTls() {
        try {
            HttpsServer https = HttpsServer.create(loopback(), 0);
            https.setHttpsConfigurator(new HttpsConfigurator(selfSignedContext()));
            return new WebhookReceiver(https, "https");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SSLContext of {@link #startTls()}'s server. */
    public static SSLContext selfSignedContext() {
        try (InputStream in = WebhookReceiver.class.getResourceAsStream(KEYSTORE)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, KEYSTORE_PASSWORD.toCharArray());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, KEYSTORE_PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load " + KEYSTORE, e);
        }
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** The absolute URL of {@code path} on this receiver. */
    public URI url(String path) {
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Replies for {@code path}, used in order; the last one repeats. Replaces any earlier script. A path with a
     * (decoded) query, {@code /api/v1/query?query=vector(1)}, scripts requests with exactly that query, ahead of
     * the path's own script.
     */
    public WebhookReceiver script(String path, Reply... replies) {
        if (replies.length == 0) {
            throw new IllegalArgumentException("script at least one reply");
        }
        scripts.put(path, List.of(replies));
        return this;
    }

    /**
     * Holds every reply until {@code count} requests (at any path) have arrived, for a minute at most.
     * A caller that is answered within its timeout then proves the others were sent while it waited:
     * concurrency shown by order, not by a stopwatch.
     */
    public synchronized WebhookReceiver holdRepliesUntil(int count) {
        holdUntil = count;
        return this;
    }

    /** Every request so far, in arrival order. */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    public synchronized List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Waits (briefly) until {@code count} requests arrived; returns them all. */
    public synchronized List<Request> awaitRequests(int count, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (requests.size() < count) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + count + " requests within " + timeout + ", got " + requests.size());
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            String path = exchange.getRequestURI().getRawPath();
            Reply reply;
            synchronized (this) {
                int seen = (int) requests.stream().filter(r -> r.path().equals(path)).count();
                String query = exchange.getRequestURI().getQuery();
                List<Reply> script = Optional.ofNullable(query).map(q -> scripts.get(path + "?" + q))
                        .orElseGet(() -> scripts.getOrDefault(path, List.of(Reply.status(200))));
                reply = script.get(Math.min(seen, script.size() - 1));
                requests.add(new Request(exchange.getRequestMethod(), path, Map.copyOf(headers), body, System.nanoTime()));
                notifyAll();
                long heldUntil = System.nanoTime() + HOLD_AT_MOST.toNanos();
                while (requests.size() < holdUntil && heldUntil - System.nanoTime() > 0) {
                    wait(Math.max(1, (heldUntil - System.nanoTime()) / 1_000_000));
                }
            }
            pause(reply.delay());
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
            // -1: no body; 0 would mean chunked
            exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                OutputStream os = exchange.getResponseBody();
                if (reply.bodyDelay().isPositive()) {
                    os.flush();
                    pause(reply.bodyDelay());
                }
                os.write(out);
            }
        } catch (IOException clientWentAway) {
            // a client that timed out closes the connection; nothing to record
        } catch (InterruptedException closing) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause(Duration d) {
        if (d.isPositive()) {
            try {
                Thread.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
