package dev.flagstep.local.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 in front of the mock API, so the API can be made unreachable and back while the
 * stored objects stay where they are (in the mock, behind). Paused, the port is closed: a connect is refused
 * and every open connection (HTTP clients pool them) is cut, which is what flagstep sees when a real API
 * server goes away. Resumed, it listens on the same port again, so endpoints handed out stay valid.
 */
final class ApiProxy implements AutoCloseable {

    private final InetSocketAddress backend;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private Optional<ServerSocket> listening = Optional.empty();
    private boolean closed;

    private ApiProxy(InetSocketAddress backend, int port) {
        this.backend = backend;
        this.port = port;
    }

    /** Listens on an ephemeral port of 127.0.0.1 and forwards to {@code backendPort} there. */
    static ApiProxy start(int backendPort) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        ServerSocket first = bind(new InetSocketAddress(loopback, 0));
        ApiProxy p = new ApiProxy(new InetSocketAddress(loopback, backendPort), first.getLocalPort());
        p.listenOn(first);
        return p;
    }

    int port() {
        return port;
    }

    synchronized boolean paused() {
        return listening.isEmpty();
    }

    /** Refuses new connections and cuts the open ones. */
    synchronized void pause() {
        listening.ifPresent(ApiProxy::closeQuietly);
        listening = Optional.empty();
        open.forEach(ApiProxy::closeQuietly);
        open.clear();
    }

    /** Listens on the same port again. */
    synchronized void resume() {
        if (closed) throw new IllegalStateException("the simulated cluster is closed");
        if (listening.isPresent()) return;
        listenOn(bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
    }

    @Override
    public synchronized void close() {
        closed = true;
        pause();
    }

    private void listenOn(ServerSocket s) {
        listening = Optional.of(s);
        Thread.ofVirtual().name("sim-api-proxy-accept").start(() -> accept(s));
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException closedByPause) {
                return;
            }
            Thread.ofVirtual().name("sim-api-proxy-conn").start(() -> connect(client));
        }
    }

    private void connect(Socket client) {
        Socket server = new Socket();
        open.add(client);
        open.add(server);
        try {
            server.connect(backend);
            // a pause between accept and here must still cut this pair
            if (paused()) throw new IOException("paused");
        } catch (IOException e) {
            forget(client, server);
            return;
        }
        Thread.ofVirtual().name("sim-api-proxy-up").start(() -> pump(client, server));
        pump(server, client);
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
            // one side closed or was cut by pause(): nothing to report
        } finally {
            forget(from, to);
        }
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
            // connections cut by pause() leave TIME_WAIT entries on this port; resume must still bind it
            s.setReuseAddress(true);
            s.bind(at);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("simulated cluster: cannot listen on " + at, e);
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
