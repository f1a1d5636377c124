package dev.flagstep.local.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 in front of a local server (the simulated Kubernetes API, DynamoDB Local), so
 * tests can make that server fail as a real one does while what it stores stays where it is:
 * <ul>
 *   <li>{@link #refuse()}: the port is closed, a connect is refused and every open connection (HTTP
 *       clients pool them) is cut: the server is down or unreachable;</li>
 *   <li>{@link #answer(Reply)} / {@link #answer(Reply, int)} / {@link #answer(Reply, Duration, Clock)}: every
 *       request (the next n, those of a while) gets a canned HTTP answer instead of reaching the server: a
 *       503 burst, 429 throttling, a 403;</li>
 *   <li>{@link #pass()}: requests reach the server again, on the same port, so endpoints handed out stay valid.</li>
 * </ul>
 */
public final class FaultProxy implements AutoCloseable {

    /** A canned HTTP answer. */
    public record Reply(int status, String reason, Map<String, String> headers, String body) {

        public Reply {
            headers = Map.copyOf(headers);
        }
    }

    private sealed interface Mode {}

    private record Passing() implements Mode {}

    private record Refusing() implements Mode {}

    /** {@code remaining} answers left, or -1 for every request until told otherwise. */
    private record Answering(Reply reply, int remaining) implements Mode {}

    /** Every request until {@code duration} has passed on {@code clock} since the first one answered. */
    private record AnsweringFor(Reply reply, Duration duration, Clock clock, Optional<Instant> until) implements Mode {}

    private final InetSocketAddress backend;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private Optional<ServerSocket> listening = Optional.empty();
    private Mode mode = new Passing();
    private boolean closed;

    private FaultProxy(InetSocketAddress backend, int port) {
        this.backend = backend;
        this.port = port;
    }

    /** Listens on an ephemeral port of 127.0.0.1 and forwards to {@code backendPort} there. */
    public static FaultProxy start(int backendPort) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        ServerSocket first = bind(new InetSocketAddress(loopback, 0));
        FaultProxy p = new FaultProxy(new InetSocketAddress(loopback, backendPort), first.getLocalPort());
        p.listenOn(first);
        return p;
    }

    public int port() {
        return port;
    }

    /** True while connections are refused. */
    public synchronized boolean refusing() {
        return mode instanceof Refusing;
    }

    /** True while requests reach the server. */
    public synchronized boolean passing() {
        return mode instanceof Passing;
    }

    /** Refuses new connections and cuts the open ones. */
    public synchronized void refuse() {
        mode = new Refusing();
        listening.ifPresent(FaultProxy::closeQuietly);
        listening = Optional.empty();
        cutOpenConnections();
    }

    /** Answers every request with {@code reply} until {@link #pass()}. */
    public void answer(Reply reply) {
        answering(new Answering(reply, -1));
    }

    /** Answers the next {@code requests} requests with {@code reply}, then passes again. */
    public void answer(Reply reply, int requests) {
        if (requests < 1) throw new IllegalArgumentException("requests must be >= 1");
        answering(new Answering(reply, requests));
    }

    /**
     * Answers every request with {@code reply} for {@code duration} on {@code clock}, counted from the
     * first request it answers (so a burst meant for a phase is not spent before the phase calls), then passes.
     */
    public void answer(Reply reply, Duration duration, Clock clock) {
        answering(new AnsweringFor(reply, duration, clock, Optional.empty()));
    }

    /** Requests reach the server again. */
    public synchronized void pass() {
        mode = new Passing();
        listen();
    }

    @Override
    public synchronized void close() {
        closed = true;
        refuse();
    }

    private synchronized void answering(Mode answering) {
        mode = answering;
        // pooled connections would reach the server past the answer: new requests come on new ones
        cutOpenConnections();
        listen();
    }

    private void listen() {
        if (closed) throw new IllegalStateException("the proxy is closed");
        if (listening.isEmpty()) {
            listenOn(bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
        }
    }

    private void listenOn(ServerSocket s) {
        listening = Optional.of(s);
        Thread.ofVirtual().name("fault-proxy-accept").start(() -> accept(s));
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException closedByRefuse) {
                return;
            }
            Thread.ofVirtual().name("fault-proxy-conn").start(() -> serve(client));
        }
    }

    /** What a new connection gets: the server, or a canned answer (counted down). */
    private synchronized Optional<Reply> nextAnswer() {
        if (mode instanceof AnsweringFor a) {
            Instant now = a.clock().instant();
            Instant until = a.until().orElse(now.plus(a.duration()));
            if (!now.isBefore(until)) {
                mode = new Passing();
                return Optional.empty();
            }
            mode = new AnsweringFor(a.reply(), a.duration(), a.clock(), Optional.of(until));
            return Optional.of(a.reply());
        }
        if (!(mode instanceof Answering a)) {
            return Optional.empty();
        }
        if (a.remaining() > 0) {
            mode = a.remaining() == 1 ? new Passing() : new Answering(a.reply(), a.remaining() - 1);
        }
        return Optional.of(a.reply());
    }

    private void serve(Socket client) {
        open.add(client);
        Optional<Reply> answer = nextAnswer();
        if (answer.isPresent()) {
            try (client) {
                respond(client, answer.get());
            } catch (IOException cut) {
                // the client went away: nothing to report
            } finally {
                open.remove(client);
            }
            return;
        }
        Socket server = new Socket();
        open.add(server);
        try {
            // each chunk goes on at once: with Nagle on, a request body read after its head waits for the
            // server's delayed ACK of the head (40 ms on Linux loopback) before it is sent on
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            server.connect(backend);
            // a refuse() between accept and here must still cut this pair
            if (!passing()) throw new IOException("not passing");
        } catch (IOException e) {
            forget(client, server);
            return;
        }
        Thread.ofVirtual().name("fault-proxy-up").start(() -> pump(client, server));
        pump(server, client);
    }

    /** Reads one HTTP/1.1 request (head and body) and answers it, closing the connection. */
    private static void respond(Socket client, Reply reply) throws IOException {
        InputStream in = client.getInputStream();
        String head = readHead(in);
        String lower = head.toLowerCase(Locale.ROOT);
        long length = headerValue(lower, "content-length").map(Long::parseLong).orElse(0L);
        if (headerValue(lower, "transfer-encoding").filter(v -> v.contains("chunked")).isPresent()) {
            skipChunked(in);
        } else {
            in.skipNBytes(length);
        }
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder("HTTP/1.1 " + reply.status() + " " + reply.reason() + "\r\n");
        reply.headers().forEach((k, v) -> out.append(k).append(": ").append(v).append("\r\n"));
        out.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
        OutputStream o = client.getOutputStream();
        o.write(out.toString().getBytes(StandardCharsets.ISO_8859_1));
        o.write(body);
        o.flush();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) throw new IOException("connection closed before the request head ended");
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static Optional<String> headerValue(String lowerHead, String name) {
        for (String line : lowerHead.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
                return Optional.of(line.substring(colon + 1).trim());
            }
        }
        return Optional.empty();
    }

    private static void skipChunked(InputStream in) throws IOException {
        while (true) {
            StringBuilder size = new StringBuilder();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) return;
                if (b != '\r') size.append((char) b);
            }
            int semicolon = size.indexOf(";");
            long n = Long.parseLong((semicolon < 0 ? size.toString() : size.substring(0, semicolon)).trim(), 16);
            in.skipNBytes(n + 2); // the chunk and its CRLF (after the last chunk: the final CRLF)
            if (n == 0) return;
        }
    }

    /** Copies one direction until either side ends, then ends both (HTTP/1.1 needs no half-close here). */
    private void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buf = new byte[16 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ended) {
            // one side closed or was cut: nothing to report
        } finally {
            forget(from, to);
        }
    }

    private void cutOpenConnections() {
        open.forEach(FaultProxy::closeQuietly);
        open.clear();
    }

    private void forget(Socket a, Socket b) {
        closeQuietly(a);
        closeQuietly(b);
        open.remove(a);
        open.remove(b);
    }

    private static ServerSocket bind(InetSocketAddress at) {
        try {
            ServerSocket s = new ServerSocket();
            // connections cut by refuse() leave TIME_WAIT entries on this port; pass() must still bind it
            s.setReuseAddress(true);
            s.bind(at);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("fault proxy: cannot listen on " + at, e);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
