package dev.flagstep.local.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flagstep.api.ApiHandler;
import dev.flagstep.api.HttpRequest;
import dev.flagstep.api.HttpResponse;
import dev.flagstep.api.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * flagstep's HTTP endpoint on 127.0.0.1 (JDK HttpServer, a virtual thread per request): the Lambda
 * Invoke API under {@code /2015-03-31/functions/}, and every other path to the HTTP API handler, as
 * API Gateway would pass it. Loopback only, without authentication: the caller is recorded as
 * {@value #CALLER} where AWS would record the IAM ARN. Requests a web page could forge are refused
 * first ({@link BrowserGuard}).
 *
 * <p>Bound in {@link #bind} before it serves in {@link #start}, so the runtime can be told its own
 * URL (hooks at {@code {url}/gate/check} are flagstep's built-in gates) even for port 0.
 */
public final class LoopbackHttpServer implements AutoCloseable {

    public static final String CALLER = "local";
    /** Bodies beyond what a route accepts are still read (and dropped) up to this, so the client gets its 413. */
    private static final long DRAIN_LIMIT = 64L * 1024 * 1024;
    private static final Logger LOG = Logger.getLogger(LoopbackHttpServer.class.getName());

    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    private LoopbackHttpServer(HttpServer server) {
        this.server = server;
    }

    /** Binds 127.0.0.1:{port} (0: any free port) without serving yet. */
    public static LoopbackHttpServer bind(int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            return new LoopbackHttpServer(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Starts serving.
     *
     * @param api the HTTP API ({@link ApiHandler#handle}, possibly wrapped)
     * @param lambda the Lambda Invoke API
     */
    public void start(Function<HttpRequest, HttpResponse> api, LambdaInvokeApi lambda) {
        start(api, lambda, Set.of());
    }

    /**
     * @param browserOrigins origins whose pages may call this server ({@code --allow-browser-origin});
     *     none by default, so no web page can open a gate or start a rollout
     */
    public void start(Function<HttpRequest, HttpResponse> api, LambdaInvokeApi lambda, Set<String> browserOrigins) {
        BrowserGuard guard = new BrowserGuard(port(), browserOrigins);
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            try (exchange) {
                serve(exchange, api, lambda, guard);
            } catch (IOException | RuntimeException e) {
                // the client went away mid-answer, or a bug: nothing sensible can be sent now
                LOG.log(Level.FINE, "request " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + " failed", e);
            }
        });
        server.start();
    }

    private static void serve(HttpExchange exchange, Function<HttpRequest, HttpResponse> api, LambdaInvokeApi lambda,
            BrowserGuard guard) throws IOException {
        String path = Optional.ofNullable(exchange.getRequestURI().getRawPath()).orElse("/");
        boolean invoke = LambdaInvokeApi.handles(path);
        // one byte past the limit is enough for the handler to tell "too large" (413) from "at the limit"
        int cap = (invoke ? LambdaInvokeApi.MAX_PAYLOAD_BYTES : ApiHandler.MAX_BODY_BYTES) + 1;
        HttpRequest req = new HttpRequest(exchange.getRequestMethod(), path, headers(exchange),
                query(exchange.getRequestURI().getRawQuery()), body(exchange.getRequestBody(), cap), Optional.of(CALLER),
                Optional.ofNullable(exchange.getRemoteAddress()).map(a -> a.getAddress().getHostAddress()));
        Optional<HttpResponse> refused = guard.refusal(req);
        HttpResponse response;
        if (refused.isPresent()) {
            response = refused.get();
        } else if (guard.isAllowedPreflight(req)) {
            response = HttpResponse.empty(204);
        } else {
            try {
                response = invoke ? lambda.invoke(req) : api.apply(req);
            } catch (RuntimeException e) {
                // ApiHandler never throws; a wrapper might. Still an answer, never a stack trace.
                LOG.log(Level.SEVERE, "unexpected error answering " + req, e);
                response = Problem.internal("unexpected error: " + e.getClass().getSimpleName()).toResponse(path);
            }
        }
        guard.corsHeaders(req).forEach((name, value) -> exchange.getResponseHeaders().put(name, List.of(value)));
        write(exchange, response);
    }

    private static Map<String, String> headers(HttpExchange exchange) {
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, String.join(", ", values)));
        return headers;
    }

    /** The query string as API Gateway's {@code queryStringParameters}: decoded, repeated keys joined by commas. */
    static Map<String, String> query(String rawQuery) {
        Map<String, String> query = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.merge(key, value, (a, b) -> a + "," + b);
        }
        return query;
    }

    /** At most {@code cap} bytes of the body; the rest is drained so the client reads our answer, not a reset. */
    private static byte[] body(InputStream in, int cap) throws IOException {
        byte[] body = in.readNBytes(cap);
        byte[] sink = new byte[64 * 1024];
        long drained = 0;
        int n;
        while (drained < DRAIN_LIMIT && (n = in.read(sink)) > 0) {
            drained += n;
        }
        return body;
    }

    private static void write(HttpExchange exchange, HttpResponse response) throws IOException {
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().put(name, List.of(value)));
        byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
        boolean noBody = body.length == 0 || response.status() == 204 || exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(response.status(), noBody ? -1 : body.length);
        if (!noBody) {
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        // not close(): it would wait without bound for a request still running
        threads.shutdownNow();
        try {
            threads.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
