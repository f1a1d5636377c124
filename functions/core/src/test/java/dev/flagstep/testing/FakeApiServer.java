package dev.flagstep.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flagstep.kubernetes.BearerToken;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes API server on 127.0.0.1 that serves what the service proxy needs, as kube-apiserver does:
 * bearer token checked (401 Status otherwise), {@code GET /api/v1/namespaces/{ns}} (200, 404, or 403 when
 * forbidden), and {@code /api/v1/namespaces/{ns}/services/{[https:]name[:port]}/proxy/...} forwarded with
 * the same method, body and headers (Authorization stripped) to the Service's backing server, the answer
 * copied back, a {@code Location} on the backend rewritten to the proxy path. Proxy errors are the API
 * server's Status bodies: 404 NotFound (no such Service), 503 no endpoints, 503 error trying to reach
 * service, 403 Forbidden.
 */
public final class FakeApiServer implements AutoCloseable {

    private static final Pattern NAMESPACE = Pattern.compile("/api/v1/namespaces/([^/]+)");
    private static final Pattern PROXY = Pattern.compile("/api/v1/namespaces/([^/]+)/services/([^/]+)/proxy(/.*)?");
    private static final Set<String> HOP = Set.of("authorization", "host", "content-length", "connection", "transfer-encoding",
            "upgrade", "expect", "http2-settings", "keep-alive");

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final String token;
    private final HttpClient forward = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
    private final Set<String> forbiddenGet = ConcurrentHashMap.newKeySet();
    private final Set<String> forbiddenProxy = ConcurrentHashMap.newKeySet();
    private final Map<String, URI> backends = new ConcurrentHashMap<>();
    private final Set<String> noEndpoints = ConcurrentHashMap.newKeySet();
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
    private final List<String> proxied = new ArrayList<>();
    private final AtomicInteger namespaceGets = new AtomicInteger();
    private volatile String notFoundHint = "";
    /** When set, every request is answered with this Status of the API server itself (overloaded, throttling). */
    private volatile int overloadedCode; // 0: not overloaded
    private volatile String overloadedMessage = "";

    private FakeApiServer(String token) throws IOException {
        this.token = token;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    public static FakeApiServer start(String token) {
        try {
            return new FakeApiServer(token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A client of this server with the right token and {@code timeout} per request. */
    public KubeClient client(Duration timeout) {
        return new KubeClient(KubeEndpoint.of(url(), BearerToken.of(token)).withTimeout(timeout));
    }

    public FakeApiServer namespace(String ns) {
        namespaces.add(ns);
        return this;
    }

    public FakeApiServer forbidNamespaceGet(String ns) {
        forbiddenGet.add(ns);
        return this;
    }

    public FakeApiServer forbidProxy(String ns) {
        forbiddenProxy.add(ns);
        return this;
    }

    /** Service {@code name} in {@code ns} (namespace created), backed by the server at {@code backend} (scheme://host:port). */
    public FakeApiServer service(String ns, String name, URI backend) {
        namespaces.add(ns);
        backends.put(ns + "/" + name, backend);
        return this;
    }

    public FakeApiServer noEndpoints(String ns, String name) {
        namespaces.add(ns);
        noEndpoints.add(ns + "/" + name);
        return this;
    }

    public FakeApiServer unreachable(String ns, String name) {
        namespaces.add(ns);
        unreachable.add(ns + "/" + name);
        return this;
    }

    /** Words the 404 Status message adds after {@code services "NAME" not found}, as the simulated cluster does. */
    public FakeApiServer notFoundHint(String hint) {
        this.notFoundHint = hint;
        return this;
    }

    /**
     * From now on answers every request itself with {@code code} and a {@code Status} saying {@code message},
     * as an overloaded or throttling API server does (503 "the server is currently unable to handle the
     * request", 429 "Too many requests, please try again later."); {@link #recover()} ends it.
     */
    public FakeApiServer overloaded(int code, String message) {
        this.overloadedMessage = message;
        this.overloadedCode = code;
        return this;
    }

    public FakeApiServer recover() {
        this.overloadedCode = 0;
        return this;
    }

    /** The raw path and query of every proxied request, in order. */
    public synchronized List<String> proxied() {
        return List.copyOf(proxied);
    }

    public int namespaceGets() {
        return namespaceGets.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            int code = overloadedCode;
            if (code != 0) {
                status(ex, code, code == 429 ? "TooManyRequests" : "ServiceUnavailable", overloadedMessage, Optional.empty());
                return;
            }
            if (!("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                status(ex, 401, "Unauthorized", "Unauthorized", Optional.empty());
                return;
            }
            String path = ex.getRequestURI().getRawPath();
            Matcher proxy = PROXY.matcher(path);
            if (proxy.matches()) {
                proxy(ex, proxy.group(1), proxy.group(2), Optional.ofNullable(proxy.group(3)).orElse(""), body);
                return;
            }
            Matcher ns = NAMESPACE.matcher(path);
            if (ns.matches() && ex.getRequestMethod().equals("GET")) {
                namespaceGets.incrementAndGet();
                String name = ns.group(1);
                if (forbiddenGet.contains(name)) {
                    status(ex, 403, "Forbidden", "namespaces \"" + name + "\" is forbidden: User \"flagstep\" cannot get resource "
                            + "\"namespaces\" in API group \"\" in the namespace \"" + name + "\"", Optional.of("namespaces"));
                } else if (namespaces.contains(name)) {
                    send(ex, 200, "application/json", ("{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\""
                            + name + "\"}}").getBytes(StandardCharsets.UTF_8));
                } else {
                    status(ex, 404, "NotFound", "namespaces \"" + name + "\" not found", Optional.of("namespaces"));
                }
                return;
            }
            status(ex, 404, "NotFound", "the server could not find the requested resource", Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void proxy(HttpExchange ex, String ns, String segment, String rest, byte[] body) throws IOException, InterruptedException {
        String query = ex.getRequestURI().getRawQuery();
        synchronized (this) {
            proxied.add(ex.getRequestURI().getRawPath() + (query == null ? "" : "?" + query));
        }
        String name = segment.replaceFirst("^https?:", "").replaceFirst(":.*$", "");
        String key = ns + "/" + name;
        if (forbiddenProxy.contains(ns)) {
            status(ex, 403, "Forbidden", "services \"" + name + "\" is forbidden: User \"flagstep\" cannot create resource "
                    + "\"services/proxy\" in API group \"\" in the namespace \"" + ns + "\"", Optional.of("services"));
            return;
        }
        if (noEndpoints.contains(key)) {
            status(ex, 503, "ServiceUnavailable", "no endpoints available for service \"" + name + "\"", Optional.empty());
            return;
        }
        if (unreachable.contains(key)) {
            status(ex, 503, "ServiceUnavailable", "error trying to reach service: dial tcp 10.0.1.7:8080: connect: connection refused",
                    Optional.empty());
            return;
        }
        URI backend = backends.get(key);
        if (backend == null) {
            status(ex, 404, "NotFound", "services \"" + name + "\" not found" + notFoundHint, Optional.of("services"));
            return;
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(backend + (rest.isEmpty() ? "/" : rest) + (query == null ? "" : "?" + query)))
                .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        ex.getRequestHeaders().forEach((k, vs) -> {
            if (!HOP.contains(k.toLowerCase(Locale.ROOT))) {
                vs.forEach(v -> b.header(k, v));
            }
        });
        HttpResponse<byte[]> answer = forward.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        String prefix = ex.getRequestURI().getRawPath().substring(0, ex.getRequestURI().getRawPath().length() - rest.length());
        answer.headers().map().forEach((k, vs) -> {
            if (HOP.contains(k.toLowerCase(Locale.ROOT)) || k.equals(":status") || k.equalsIgnoreCase("date")) {
                return;
            }
            vs.forEach(v -> ex.getResponseHeaders().add(k, k.equalsIgnoreCase("Location") ? rewrite(v, backend, prefix) : v));
        });
        send(ex, answer.statusCode(), null, answer.body());
    }

    /** kube-apiserver's proxy transport: a Location on the backend itself (or a bare path) moves under the proxy path. */
    private String rewrite(String location, URI backend, String prefix) {
        URI l = URI.create(location);
        boolean sameHost = l.getRawAuthority() == null || l.getRawAuthority().equals(backend.getRawAuthority());
        if (!sameHost || l.getRawPath() == null || !l.getRawPath().startsWith("/")) {
            return location;
        }
        return url() + prefix + l.getRawPath() + (l.getRawQuery() == null ? "" : "?" + l.getRawQuery());
    }

    private static void status(HttpExchange ex, int code, String reason, String message, Optional<String> kind) throws IOException {
        String details = kind.map(k -> ",\"details\":{\"kind\":\"" + k + "\"}").orElse("");
        String json = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
                + quote(message) + ",\"reason\":\"" + reason + "\"" + details + ",\"code\":" + code + "}";
        send(ex, code, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void send(HttpExchange ex, int code, String contentType, byte[] body) throws IOException {
        if (contentType != null) {
            ex.getResponseHeaders().set("Content-Type", contentType);
        }
        ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
