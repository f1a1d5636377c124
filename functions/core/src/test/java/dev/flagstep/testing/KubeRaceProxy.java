package dev.flagstep.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flagstep.kubernetes.BearerToken;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeEndpoint;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A proxy in front of {@link KubeMockServer} that makes a race happen deterministically: on the first PATCH it
 * sees, it runs another writer's edit against the server <i>after</i> the client read the object and
 * <i>before</i> the client's patch arrives. Code under test must keep that other edit.
 */
public final class KubeRaceProxy implements AutoCloseable {

    private final URI target;
    private final HttpServer server;
    private final HttpClient forward = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicReference<Runnable> beforeFirstPatch = new AtomicReference<>();
    private final AtomicInteger patches = new AtomicInteger();

    public KubeRaceProxy(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    /** The other writer's edit, run once, just before the first PATCH is forwarded. */
    public KubeRaceProxy onFirstPatch(Runnable otherWriter) {
        beforeFirstPatch.set(otherWriter);
        return this;
    }

    public int patches() {
        return patches.get();
    }

    /** A client through the proxy with a short timeout (the mock never answers a failed test op). */
    public KubeClient client() {
        return new KubeClient(KubeEndpoint.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), BearerToken.none())
                .withTimeout(Duration.ofMillis(1500)));
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (ex.getRequestMethod().equals("PATCH")) {
                patches.incrementAndGet();
                Runnable r = beforeFirstPatch.getAndSet(null);
                if (r != null) r.run();
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target + ex.getRequestURI().toString()))
                    .timeout(Duration.ofSeconds(3))
                    .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            String ct = ex.getRequestHeaders().getFirst("Content-Type");
            if (ct != null) b.header("Content-Type", ct);
            HttpResponse<byte[]> resp;
            try {
                resp = forward.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (java.net.http.HttpTimeoutException e) {
                return; // like the mock: no answer at all
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(resp.statusCode(), resp.body().length == 0 ? -1 : resp.body().length);
            if (resp.body().length > 0) ex.getResponseBody().write(resp.body());
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
