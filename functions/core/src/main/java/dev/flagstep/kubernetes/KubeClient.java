package dev.flagstep.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.webhook.Sleeper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The few Kubernetes REST calls flagstep makes, over {@link HttpClient} (built once per client and reused:
 * a Lambda container keeps its connections between invocations).
 *
 * <p>Writes are JSON Patches guarded by a {@code test} of {@code /metadata/resourceVersion}: {@link #edit}
 * reads the object, applies a change to a copy, and sends only the difference. When another writer got there
 * first (409, 422, or no answer within the timeout, which is how fabric8's mock reacts to a failed test) it
 * re-reads and re-applies the change, a bounded number of times, so the other writer's edit is kept.
 */
public final class KubeClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_PATCH = "application/json-patch+json";
    private static final String MERGE_PATCH = "application/merge-patch+json";

    /** Tries of one request that got a 5xx or 429 or no connection, before the caller sees Unavailable. */
    static final int QUICK_ATTEMPTS = 3;
    private static final Duration QUICK_BACKOFF = Duration.ofMillis(100);

    private final KubeEndpoint endpoint;
    private final HttpClient http;
    private final Sleeper sleeper;

    public KubeClient(KubeEndpoint endpoint) {
        this(endpoint, Sleeper.REAL);
    }

    /** @param sleeper waits between the quick retries of one request (tests record or shorten them) */
    public KubeClient(KubeEndpoint endpoint, Sleeper sleeper) {
        this.endpoint = endpoint;
        this.sleeper = sleeper;
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(endpoint.timeout())
                // h2 over TLS (ALPN) to EKS; plain-http test servers get HTTP/1.1 rather than an h2c upgrade dance
                .version("https".equals(endpoint.server().getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER);
        endpoint.tls().ifPresent(b::sslContext);
        this.http = b.build();
    }

    public KubeEndpoint endpoint() {
        return endpoint;
    }

    /** The object, or empty when it does not exist. */
    public Optional<ObjectNode> get(KubeRef ref) {
        Reply r = send("GET", ref, ref.path(), null, null);
        if (r.status == 404) return Optional.empty();
        return Optional.of(expectObject(r, "GET", ref));
    }

    /** The object, or {@link KubeException.NotFound} naming it. */
    public ObjectNode require(KubeRef ref) {
        return get(ref).orElseThrow(() -> new KubeException.NotFound(ref));
    }

    /** A Deployment's (or any kind's) {@code /status} subresource. */
    public ObjectNode status(KubeRef ref) {
        Reply r = send("GET", ref, ref.path() + "/status", null, null);
        if (r.status == 404) throw new KubeException.NotFound(ref);
        return expectObject(r, "GET status of", ref);
    }

    /**
     * POSTs a new object into {@code metadata.namespace}. An existing object is a {@link KubeException.Conflict}.
     */
    public ObjectNode create(ResourceKind kind, ObjectNode object) {
        KubeRef ref = refOf(kind, object);
        Reply r = send("POST", ref, kind.collectionPath(ref.namespace()), write(object), "application/json");
        if (r.status == 409) throw new KubeException.Conflict("POST " + ref + ": it already exists");
        return expectObject(r, "POST", ref);
    }

    /** Creates the object unless one of that name exists: the created object, or empty when it was there. */
    public Optional<ObjectNode> createIfAbsent(ResourceKind kind, ObjectNode object) {
        KubeRef ref = refOf(kind, object);
        if (get(ref).isPresent()) return Optional.empty();
        try {
            return Optional.of(create(kind, object));
        } catch (KubeException.Conflict lostRace) {
            return Optional.empty();
        }
    }

    /**
     * Read, change a copy, JSON-patch the difference guarded by resourceVersion; re-read and retry on a lost
     * race. The change must be a function of the object it is given (it may run more than once). Sends nothing
     * when the change changes nothing.
     *
     * @return the object as stored afterwards
     */
    public ObjectNode edit(KubeRef ref, Consumer<ObjectNode> change) {
        String lastFailure = "";
        for (int attempt = 1; attempt <= endpoint.maxAttempts(); attempt++) {
            ObjectNode current = require(ref);
            ObjectNode wanted = current.deepCopy();
            change.accept(wanted);
            ArrayNode ops = JsonPatch.diff(current, wanted);
            if (ops.isEmpty()) return current;
            String rv = current.path("metadata").path("resourceVersion").asText("");
            Reply r;
            try {
                r = send("PATCH", ref, ref.path(), write(JsonPatch.guarded(rv, ops)), JSON_PATCH);
            } catch (KubeException.Unavailable timeout) {
                if (!(timeout.getCause() instanceof HttpTimeoutException)) throw timeout;
                // a real API server answers a failed test with 422 at once; the mock never answers. Either way:
                // someone else may have written, so re-read (the re-read fails loudly if the API is really down)
                lastFailure = "no answer within " + endpoint.timeout().toMillis() + " ms";
                continue;
            }
            if (r.status == 409 || r.status == 422) {
                lastFailure = r.status + " " + statusMessage(r.body);
                continue;
            }
            if (r.status == 404) throw new KubeException.NotFound(ref);
            return expectObject(r, "PATCH", ref);
        }
        throw new KubeException.Conflict("PATCH " + ref + ": gave up after " + endpoint.maxAttempts()
                + " attempts, the object kept changing between read and patch (last: " + lastFailure + ")");
    }

    /** One JSON Patch as given (no retry): for callers that build their own {@code test} ops. */
    public ObjectNode patch(KubeRef ref, ArrayNode ops) {
        Reply r = send("PATCH", ref, ref.path(), write(ops), JSON_PATCH);
        if (r.status == 404) throw new KubeException.NotFound(ref);
        if (r.status == 409 || r.status == 422) {
            throw new KubeException.Conflict("PATCH " + ref + ": " + r.status + " " + statusMessage(r.body));
        }
        return expectObject(r, "PATCH", ref);
    }

    /**
     * One JSON merge patch (RFC 7386) of the object, as given, no retry: last writer wins. For objects flagstep
     * writes alone (its Events), where a resourceVersion guard would only add a read.
     *
     * @return the object as stored afterwards, or empty when it does not exist
     */
    public Optional<ObjectNode> mergePatch(KubeRef ref, ObjectNode patch) {
        return mergePatchPath(ref, ref.path(), patch, "PATCH");
    }

    /**
     * One JSON merge patch of the object's {@code /status} subresource (e.g. {@code {"status":{...}}}), no
     * retry: a status is recomputed whole by its writer each time, so the last write is the right one.
     *
     * @return the object as stored afterwards, or empty when it does not exist
     */
    public Optional<ObjectNode> mergePatchStatus(KubeRef ref, ObjectNode patch) {
        return mergePatchPath(ref, ref.path() + "/status", patch, "PATCH status of");
    }

    private Optional<ObjectNode> mergePatchPath(KubeRef ref, String path, ObjectNode patch, String what) {
        Reply r = send("PATCH", ref, path, write(patch), MERGE_PATCH);
        if (r.status == 404) return Optional.empty();
        return Optional.of(expectObject(r, what, ref));
    }

    /** Deletes the object: true when it existed. */
    public boolean delete(KubeRef ref) {
        Reply r = send("DELETE", ref, ref.path(), null, null);
        if (r.status == 404) return false;
        expectOk(r, "DELETE", ref);
        return true;
    }

    /** Objects asked for per page of a list: the API server's chunking keeps each answer small. */
    static final int LIST_PAGE = 500;

    /**
     * Every object of {@code kind} in {@code namespace}, or in all namespaces when empty (the cluster-wide path,
     * which needs cluster-scoped RBAC), read in pages of {@link #LIST_PAGE} with {@code limit}/{@code continue}.
     * A failed page fails the whole list (a {@link KubeException}), so a caller never mistakes a partial list for
     * a complete one; an expired {@code continue} (410) is {@link KubeException.Rejected} and the caller lists again.
     */
    public List<ObjectNode> list(ResourceKind kind, Optional<String> namespace) {
        String base = namespace.map(kind::collectionPath).orElseGet(kind::clusterPath);
        String what = "LIST " + kind.kind() + namespace.map(ns -> " in " + ns).orElse(" in all namespaces");
        List<ObjectNode> items = new ArrayList<>();
        String cont = "";
        do {
            String path = base + "?limit=" + LIST_PAGE
                    + (cont.isEmpty() ? "" : "&continue=" + URLEncoder.encode(cont, StandardCharsets.UTF_8));
            Reply r = send("GET", what, path, null, null);
            if (r.status != 200) {
                String hint = switch (r.status) {
                    case 403 -> " (not allowed: give the caller list on " + kind.plural() + "." + kind.group()
                            + namespace.map(ns -> " in " + ns).orElse(" cluster-wide") + ", see docs/gitops.md)";
                    case 404 -> " (the API does not serve " + kind.apiVersion() + " " + kind.kind() + ": is its CRD installed?)";
                    case 410 -> " (the continue token expired: list again)";
                    default -> "";
                };
                throw new KubeException.Rejected(what + ": Kubernetes API answered " + r.status + " "
                        + statusMessage(r.body) + hint, r.status);
            }
            JsonNode list;
            try {
                list = JSON.readTree(r.body);
            } catch (JsonProcessingException e) {
                throw new KubeException.Unavailable(what + ": Kubernetes API answered 200 with a body that is not JSON", e);
            }
            if (!list.path("items").isArray() && !list.path("items").isMissingNode() && !list.path("items").isNull()) {
                throw new KubeException.Unavailable(what + ": Kubernetes API answered 200 without an items array", null);
            }
            for (JsonNode item : list.path("items")) {
                if (item instanceof ObjectNode o) items.add(o);
            }
            cont = list.path("metadata").path("continue").asText("");
        } while (!cont.isEmpty());
        return items;
    }

    /**
     * A GET of an API path no {@link KubeRef} names (an aggregated API such as {@code external.metrics.k8s.io}),
     * with the quick retries and timeout of every call: the answer's JSON object, else {@link KubeException.Rejected}
     * with the status (404 included: such a path has no "absent object").
     *
     * @param what names the call in messages, e.g. {@code GET external metric test/queue-length}
     */
    public ObjectNode getObject(String what, String path) {
        Reply r = send("GET", what, path, null, null);
        if (r.status < 200 || r.status >= 300) {
            throw new KubeException.Rejected(what + ": Kubernetes API answered " + r.status + " " + statusMessage(r.body), r.status);
        }
        try {
            if (JSON.readTree(r.body) instanceof ObjectNode o) return o;
        } catch (JsonProcessingException ignored) {
            // reported below
        }
        throw new KubeException.Unavailable(what + ": Kubernetes API answered " + r.status + " with a body that is not a JSON object", null);
    }

    // --- transport ---------------------------------------------------------------------------------------

    record Reply(int status, String body) {
    }

    /**
     * A GET of any API path, with the quick retries and the timeout of every call, the status as it is
     * (cluster-scoped objects such as Namespaces, which {@link KubeRef} cannot name).
     *
     * @param what names the call in messages, e.g. {@code GET Namespace test}
     */
    Reply getPath(String what, String path) {
        return send("GET", what, path, null, null);
    }

    /** The HTTP client of this API server (its TLS trusts the cluster CA): the service proxy sends through it. */
    HttpClient http() {
        return http;
    }

    /** The {@code Authorization} value for the next request, fresh from the token source. */
    Optional<String> authorization() {
        return endpoint.token().current().map(t -> "Bearer " + t);
    }

    /**
     * One request, tried again at once (twice, after 0-100 ms then 0-200 ms, full jitter) when the API
     * answered 5xx or 429 or could not be reached: a blip of an API server behind a load balancer should
     * not cost a whole phase retry. Not after a timeout: that already waited a whole {@code timeout}.
     * Writes are safe to repeat: a patch is guarded by resourceVersion, a create that landed answers 409.
     */
    private Reply send(String method, KubeRef ref, String path, String body, String contentType) {
        return send(method, method + " " + ref, path, body, contentType);
    }

    private Reply send(String method, String what, String path, String body, String contentType) {
        for (int attempt = 1; ; attempt++) {
            try {
                return sendOnce(method, what, path, body, contentType);
            } catch (KubeException.Unavailable e) {
                if (attempt >= QUICK_ATTEMPTS || e.getCause() instanceof HttpTimeoutException
                        || e.getCause() instanceof InterruptedException) {
                    throw e;
                }
                long cap = QUICK_BACKOFF.toMillis() << (attempt - 1);
                try {
                    sleeper.sleep(Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap + 1)));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private Reply sendOnce(String method, String what, String path, String body, String contentType) {
        URI uri = URI.create(endpoint.server() + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(endpoint.timeout())
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) b.header("Content-Type", contentType);
        authorization().ifPresent(a -> b.header("Authorization", a));
        try {
            HttpResponse<String> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            int status = resp.statusCode();
            if (status >= 500 || status == 429) {
                throw new KubeException.Unavailable(what + ": Kubernetes API at " + endpoint.server() + " answered "
                        + status + " " + statusMessage(resp.body()), null);
            }
            return new Reply(status, resp.body());
        } catch (HttpTimeoutException e) {
            throw new KubeException.Unavailable(what + ": Kubernetes API at " + endpoint.server()
                    + " did not answer within " + endpoint.timeout().toMillis() + " ms", e);
        } catch (ConnectException e) {
            throw new KubeException.Unavailable(what + ": cannot connect to the Kubernetes API at "
                    + endpoint.server() + " (" + describe(e) + ")", e);
        } catch (IOException e) {
            throw new KubeException.Unavailable(what + ": Kubernetes API at " + endpoint.server()
                    + " failed: " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubeException.Unavailable(what + ": interrupted", e);
        }
    }

    private ObjectNode expectObject(Reply r, String what, KubeRef ref) {
        expectOk(r, what, ref);
        try {
            JsonNode n = JSON.readTree(r.body);
            if (n instanceof ObjectNode o) return o;
        } catch (JsonProcessingException ignored) {
            // reported below
        }
        throw new KubeException.Unavailable(what + " " + ref + ": Kubernetes API answered " + r.status
                + " with a body that is not a JSON object", null);
    }

    private void expectOk(Reply r, String what, KubeRef ref) {
        if (r.status >= 200 && r.status < 300) return;
        String hint = switch (r.status) {
            case 401 -> " (the bearer token was not accepted: check the cluster name and the token source)";
            case 403 -> " (not allowed: give the caller's EKS access entry a " + (ref.kind().clusterScoped() ? "ClusterRole" : "Role")
                    + " with get/list/create/patch/delete on "
                    + ref.kind().plural() + "." + (ref.kind().group().isEmpty() ? "core" : ref.kind().group())
                    + (ref.kind().clusterScoped() ? " (cluster-scoped)" : " in " + ref.namespace()) + ", see docs/routers.md)";
            case 404 -> " (the API does not serve " + ref.kind().apiVersion() + " " + ref.kind().kind()
                    + ": is its CRD installed?)";
            default -> "";
        };
        throw new KubeException.Rejected(what + " " + ref + ": Kubernetes API answered " + r.status + " "
                + statusMessage(r.body) + hint, r.status);
    }

    /** The {@code message} of a Kubernetes {@code Status} body, else the body itself (shortened). */
    static String statusMessage(String body) {
        if (body == null || body.isBlank()) return "(empty body)";
        try {
            JsonNode n = JSON.readTree(body);
            if (n.hasNonNull("message")) return n.get("message").asText();
        } catch (JsonProcessingException ignored) {
            // not JSON: show the text
        }
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        if (m == null && e.getCause() != null) m = e.getCause().toString();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static KubeRef refOf(ResourceKind kind, ObjectNode object) {
        JsonNode md = object.path("metadata");
        String name = md.path("name").asText("");
        String ns = md.path("namespace").asText("");
        if (name.isEmpty() || ns.isEmpty() != kind.clusterScoped()) {
            throw new IllegalArgumentException("object to create needs metadata.name and "
                    + (kind.clusterScoped() ? "no metadata.namespace (" + kind.kind() + " is cluster-scoped): " : "metadata.namespace: ")
                    + object);
        }
        return kind.ref(ns, name);
    }

    private static String write(JsonNode n) {
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
