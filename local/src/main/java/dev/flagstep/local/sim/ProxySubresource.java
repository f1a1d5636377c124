package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.kubernetes.Tls;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API server's service proxy, the Services' {@code proxy} subresource
 * {@code /api/v1/namespaces/{ns}/services/{[scheme:]name[:port]}/proxy/{path}}, as kube-apiserver serves it (the
 * server side of flagstep's {@code kubernetes.ServiceProxy}): authorization first ({@link #forbid}: 403 as RBAC words it), then the Service from the
 * store (404), its port by number or name (503), a ready endpoint (503), then the request, minus hop-by-hop headers
 * and {@code Authorization}, marked with {@code X-Forwarded-Uri}, {@code -Host} and {@code -Proto}, to the endpoint
 * (TLS unverified for {@code https:}, as the API server dials pods), and the answer back as it is. The simulated cluster has no pods to dial: a Service's endpoint is the local server that
 * {@link #back backs} it. No timeout bounds the forwarded request: kube-apiserver treats {@code proxy} as long-running,
 * so only the caller's own timeout ends a long hook.
 */
final class ProxySubresource {

    /** {@code --service}, as the hint of a proxied request to a Service the simulated cluster cannot serve names it. */
    static final String FLAG = "--service";

    /** Who the simulated API server says the caller is, in RBAC denials. */
    static final String USER = "flagstep";

    private static final Pattern PATH = Pattern.compile("/api/v1/namespaces/([^/]+)/services/([^/]+)/proxy(/.*)?");

    /**
     * A proxy request's path: namespace, the raw service id ({@code [scheme:]name[:port]}) and the path after
     * {@code /proxy} ({@code /} when there is none).
     */
    record Target(String namespace, String id, String path) {

        static Optional<Target> parse(String rawPath) {
            Matcher m = PATH.matcher(rawPath);
            if (!m.matches()) return Optional.empty();
            return Optional.of(new Target(m.group(1), m.group(2), m.group(3) == null ? "/" : m.group(3)));
        }
    }

    /** kube's SplitSchemeNamePort: {@code name}, {@code name:port} or {@code scheme:name:port}, scheme http or https. */
    record ServiceId(String scheme, String name, String port) {

        static Optional<ServiceId> parse(String id) {
            String[] parts = id.split(":", -1);
            ServiceId s = switch (parts.length) {
                case 1 -> new ServiceId("", parts[0], "");
                case 2 -> new ServiceId("", parts[0], parts[1]);
                case 3 -> new ServiceId(parts[0], parts[1], parts[2]);
                default -> null;
            };
            if (s == null || s.name.isEmpty() || !Set.of("", "http", "https").contains(s.scheme)) return Optional.empty();
            return Optional.of(s);
        }
    }

    /** Where the proxy reads Services and Endpoints: the API server's own store, not a request to itself. */
    @FunctionalInterface
    interface Store {
        Optional<ObjectNode> get(KubeRef ref);
    }

    /** The local server behind a Service, and whether its endpoint is ready. */
    private record Backing(URI server, boolean ready) {}

    private final Store store;
    private final Map<KubeRef, Backing> backings = new ConcurrentHashMap<>();
    private final Set<String> forbidden = ConcurrentHashMap.newKeySet();
    private final HttpClient http;

    ProxySubresource(Store store) {
        this.store = store;
        // a dial timeout as kube-apiserver's (30 s); none for the request: proxy is a long-running request.
        // The API server dials pods over TLS without verifying them; so does the simulated one.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30))
                .sslContext(Tls.insecure()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Service {@code namespace/name}'s endpoint is {@code server} (host and port used; the scheme comes from the request). */
    void back(String namespace, String name, URI server) {
        backings.put(ResourceKind.SERVICE.ref(namespace, name), new Backing(server, true));
    }

    /** Whether a backed Service has a ready endpoint (a Service with no ready endpoints answers 503). */
    void endpointsReady(String namespace, String name, boolean ready) {
        KubeRef ref = ResourceKind.SERVICE.ref(namespace, name);
        Backing b = backings.get(ref);
        if (b == null) throw new IllegalArgumentException("Service " + namespace + "/" + name + " is not backed by a local server");
        backings.put(ref, new Backing(b.server(), ready));
    }

    /** Proxying to Services in {@code namespace} is denied, as without a {@code services/proxy} grant there. */
    void forbid(String namespace, boolean forbid) {
        if (forbid) forbidden.add(namespace);
        else forbidden.remove(namespace);
    }

    ApiFront.Reply forward(Target target, String method, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        Optional<ServiceId> parsed = ServiceId.parse(target.id());
        String ns = target.namespace();
        if (parsed.isEmpty()) {
            return ApiFront.Reply.status(400, "BadRequest", "invalid service request \"" + target.id() + "\"");
        }
        ServiceId id = parsed.get();
        if (forbidden.contains(ns)) {
            return ApiFront.Reply.status(403, "Forbidden", "services \"" + id.name() + "\" is forbidden: User \"" + USER
                    + "\" cannot " + verb(method) + " resource \"services/proxy\" in API group \"\" in the namespace \"" + ns + "\"",
                    details(id.name()));
        }
        KubeRef ref;
        try {
            ref = ResourceKind.SERVICE.ref(ns, id.name());
        } catch (IllegalArgumentException notAName) {
            return notFound(ns, id.name());
        }
        Optional<ObjectNode> service = store.get(ref);
        if (service.isEmpty()) return notFound(ns, id.name());
        Optional<String> portName = portName(service.get(), id.port());
        if (portName.isEmpty()) {
            return unavailable("no service port " + id.port() + " found for service \"" + id.name() + "\"");
        }
        Backing backing = backings.get(ref);
        if (backing == null) return unbacked(ns, id.name(), service.get());
        if (!backing.ready() || !hasPort(service.get(), portName.get())) {
            return unavailable("no endpoints available for service \"" + id.name() + "\"");
        }
        String scheme = id.scheme().equals("https") ? "https" : "http";
        URI to = URI.create(scheme + "://" + backing.server().getRawAuthority() + target.path()
                + (rawQuery == null ? "" : "?" + rawQuery));
        HttpRequest.Builder b = HttpRequest.newBuilder(to);
        // the API server authenticated the caller with it; the Service never sees it
        ApiFront.copyHeaders(headers, b, Set.of("authorization", "x-forwarded-uri", "x-forwarded-host", "x-forwarded-proto"));
        // as kube-apiserver's proxy transport marks what it forwards: the proxy path asked for, the API server's host
        b.header("X-Forwarded-Uri", "/api/v1/namespaces/" + ns + "/services/" + target.id() + "/proxy" + target.path());
        firstHost(headers).ifPresent(host -> b.header("X-Forwarded-Host", host));
        b.header("X-Forwarded-Proto", "http");
        b.method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new ApiFront.Reply(r.statusCode(), r.headers(), r.body());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            String why = e instanceof HttpConnectTimeoutException ? "i/o timeout" : "connect: connection refused";
            return unavailable("error trying to reach service: dial tcp " + backing.server().getRawAuthority() + ": " + why);
        } catch (IOException e) {
            return unavailable("error trying to reach service: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable("error trying to reach service: interrupted");
        }
    }

    private static Optional<String> firstHost(Map<String, List<String>> headers) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("host"))
                .flatMap(e -> e.getValue().stream()).findFirst();
    }

    /** The name of the Service port the request's port segment picks (by number or name; empty picks the first). */
    private static Optional<String> portName(JsonNode service, String port) {
        if (port.isEmpty() || !port.chars().allMatch(Character::isDigit)) return Optional.of(port);
        for (JsonNode p : service.path("spec").path("ports")) {
            if (p.path("port").asText().equals(port)) return Optional.of(p.path("name").asText(""));
        }
        return Optional.empty();
    }

    /** A named port that no Service port has finds no endpoint, as in kube-apiserver. */
    private static boolean hasPort(JsonNode service, String portName) {
        if (portName.isEmpty()) return true;
        for (JsonNode p : service.path("spec").path("ports")) {
            if (p.path("name").asText("").equals(portName)) return true;
        }
        return false;
    }

    /** A Service the user has (or flagstep made) but no local server backs: what its Endpoints would give. */
    private ApiFront.Reply unbacked(String ns, String name, JsonNode service) {
        Optional<ObjectNode> endpoints = store.get(Endpoints.KIND.ref(ns, name));
        Optional<JsonNode> ready = endpoints.stream().flatMap(e -> stream(e.path("subsets")))
                .flatMap(s -> stream(s.path("addresses"))).findFirst();
        if (ready.isEmpty()) return unavailable("no endpoints available for service \"" + name + "\"");
        int port = service.path("spec").path("ports").path(0).path("port").asInt(80);
        return unavailable("error trying to reach service: dial tcp " + ready.get().path("ip").asText() + ":" + port
                + ": connect: connection refused (the simulated cluster runs no server behind the pods of Service " + name
                + " in namespace " + ns + ": back it with " + FLAG + " " + name + "." + ns + "=http://127.0.0.1:PORT)");
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false);
    }

    private static ApiFront.Reply notFound(String ns, String name) {
        return ApiFront.Reply.status(404, "NotFound", "services \"" + name + "\" not found (the simulated cluster has no Service "
                + name + " in namespace " + ns + ": back it with " + FLAG + " " + name + "." + ns + "=http://127.0.0.1:PORT)",
                details(name));
    }

    private static ApiFront.Reply unavailable(String message) {
        return ApiFront.Reply.status(503, "ServiceUnavailable", message);
    }

    private static Map<String, String> details(String name) {
        Map<String, String> d = new java.util.LinkedHashMap<>();
        d.put("name", name);
        d.put("kind", "services");
        return d;
    }

    /** kube-apiserver's verb for a request method (RequestInfoFactory). */
    static String verb(String method) {
        return switch (method) {
            case "GET", "HEAD" -> "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> method.toLowerCase(Locale.ROOT);
        };
    }

    void close() {
        http.close();
    }
}
