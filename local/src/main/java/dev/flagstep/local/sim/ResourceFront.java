package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the front adds to the mock for resource paths, so kubectl works against the simulated cluster: field selectors
 * on lists, server-side Tables, watches, and JSON merge patch ({@link MergePatch}) and strategic merge patch
 * ({@link StrategicMergePatch}, what kubectl apply and set image send for built-in kinds) applied here and stored
 * with a PUT. A resource with a status subresource keeps its status on a
 * patch of the object and its spec on a patch of {@code /status} (the mock does the latter itself). Everything else
 * goes to the mock as it came.
 */
final class ResourceFront {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MERGE = "application/merge-patch+json";
    private static final String STRATEGIC = "application/strategic-merge-patch+json";
    /** Query parameters the front answers itself: the mock must not see them. */
    private static final Set<String> FRONT_PARAMS = Set.of("fieldSelector", "watch", "resourceVersion", "timeoutSeconds",
            "allowWatchBookmarks", "includeObject", "limit", "continue", "resourceVersionMatch", "sendInitialEvents");

    private final Upstream mock;
    private final ServedResources resources;
    private final Clock clock;

    ResourceFront(Upstream mock, ServedResources resources, Clock clock) {
        this.mock = mock;
        this.resources = resources;
        this.clock = clock;
    }

    /** The query parameters, decoded (the last of a repeated one). */
    static Map<String, String> query(String rawQuery) {
        Map<String, String> q = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) return q;
        for (String p : rawQuery.split("&")) {
            int eq = p.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? p : p.substring(0, eq), StandardCharsets.UTF_8);
            q.put(k, eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    static boolean watch(Map<String, String> query) {
        String w = query.getOrDefault("watch", "false");
        return w.equals("1") || w.equalsIgnoreCase("true");
    }

    /** The answer, when the front answers this request itself; empty: pass it to the mock. */
    Optional<ApiFront.Reply> answer(String method, ApiPath path, String rawQuery, Map<String, List<String>> headers,
            byte[] body) {
        Map<String, String> q = query(rawQuery);
        Optional<String> accept = header(headers, "Accept");
        try {
            return switch (method) {
                case "GET" -> path.collection() ? Optional.of(list(path, q, accept))
                        : ServerTables.wanted(accept) ? Optional.of(one(path, q)) : Optional.empty();
                case "PATCH" -> {
                    String type = header(headers, "Content-Type").orElse("").split(";")[0].trim().toLowerCase(Locale.ROOT);
                    yield type.equals(MERGE) || type.equals(STRATEGIC)
                            ? Optional.of(patch(path, headers, JSON.readTree(body), type.equals(STRATEGIC)))
                            : Optional.empty();
                }
                default -> Optional.empty();
            };
        } catch (IOException | IllegalArgumentException e) {
            return Optional.of(ApiFront.Reply.status(400, "BadRequest", e.getMessage()));
        }
    }

    /** Streams a watch of {@code path}'s collection onto {@code exchange}. */
    void watch(HttpExchange exchange, ApiPath path, String rawQuery) throws IOException {
        Map<String, String> q = query(rawQuery);
        Optional<FieldSelector> selector;
        long seconds;
        try {
            selector = FieldSelector.parse(Optional.ofNullable(q.get("fieldSelector")));
            seconds = Long.parseLong(q.getOrDefault("timeoutSeconds", "0"));
        } catch (IllegalArgumentException e) {
            ApiFront.send(exchange, ApiFront.Reply.status(400, "BadRequest", e.getMessage()));
            return;
        }
        boolean table = ServerTables.wanted(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Accept")));
        Optional<ServedResources.Resource> resource = resources.find(path.group(), path.version(), path.plural());
        String include = q.getOrDefault("includeObject", "Metadata");
        WatchStream stream = new WatchStream(exchange, o -> table
                ? ServerTables.table(resource, List.of(o), rv(o), include, clock.instant()) : o);
        stream.run(() -> WatchStream.byUid(items(fetchList(path, q), selector)), q.getOrDefault("resourceVersion", ""),
                Duration.ofSeconds(seconds));
    }

    private ApiFront.Reply list(ApiPath path, Map<String, String> q, Optional<String> accept) throws IOException {
        Optional<FieldSelector> selector = FieldSelector.parse(Optional.ofNullable(q.get("fieldSelector")));
        ApiFront.Reply r = mock.get(path.objectPath() + mockQuery(q));
        if (r.status() != 200) return r;
        ObjectNode list = (ObjectNode) JSON.readTree(r.body());
        List<ObjectNode> items = items(list, selector);
        String rv = list.path("metadata").path("resourceVersion").asText();
        Optional<ServedResources.Resource> resource = resources.find(path.group(), path.version(), path.plural());
        if (ServerTables.wanted(accept)) {
            return json(200, ServerTables.table(resource, items, rv, q.getOrDefault("includeObject", "Metadata"),
                    clock.instant()));
        }
        resource.ifPresent(res -> list.put("apiVersion", res.groupVersion()).put("kind", res.kind() + "List"));
        ArrayNode kept = list.putArray("items");
        items.forEach(kept::add);
        return json(200, list);
    }

    private ApiFront.Reply one(ApiPath path, Map<String, String> q) throws IOException {
        ApiFront.Reply r = mock.get(path.objectPath());
        if (r.status() != 200) return r;
        ObjectNode o = (ObjectNode) JSON.readTree(r.body());
        return json(200, ServerTables.table(resources.find(path.group(), path.version(), path.plural()), List.of(o), rv(o),
                q.getOrDefault("includeObject", "Metadata"), clock.instant()));
    }

    private ApiFront.Reply patch(ApiPath path, Map<String, List<String>> headers, JsonNode patch, boolean strategic)
            throws IOException {
        if (!patch.isObject()) return ApiFront.Reply.status(400, "BadRequest", "a merge patch must be a JSON object");
        String at = path.objectPath() + (path.status() ? "/status" : "");
        boolean keepStatus = !path.status() && resources.find(path.group(), path.version(), path.plural())
                .map(ServedResources.Resource::statusSubresource).orElse(false);
        String wantedRv = patch.path("metadata").path("resourceVersion").asText("");
        for (int attempt = 0; ; attempt++) {
            ApiFront.Reply r = mock.get(path.objectPath());
            if (r.status() != 200) return r;
            ObjectNode current = (ObjectNode) JSON.readTree(r.body());
            if (!wantedRv.isEmpty() && !wantedRv.equals(rv(current))) {
                return ApiFront.Reply.status(409, "Conflict", "Operation cannot be fulfilled on " + path.plural() + " \""
                        + path.name().orElse("") + "\": the object has been modified; please apply your changes to the latest version and try again");
            }
            ObjectNode next = (ObjectNode) (strategic ? StrategicMergePatch.apply(current, patch) : MergePatch.apply(current, patch));
            next.withObjectProperty("metadata").put("resourceVersion", rv(current));
            if (keepStatus) {
                if (current.has("status")) next.set("status", current.get("status"));
                else next.remove("status");
            }
            Map<String, List<String>> put = new LinkedHashMap<>(headers);
            put.keySet().removeIf(k -> k.equalsIgnoreCase("Content-Type"));
            put.put("Content-Type", List.of("application/json"));
            ApiFront.Reply written = mock.send("PUT", at, put, next.toString().getBytes(StandardCharsets.UTF_8));
            // a write between our GET and PUT: last writer wins for a patch without a resourceVersion, as on a real server
            if (written.status() != 409 || !wantedRv.isEmpty() || attempt >= 4) return written;
        }
    }

    private ObjectNode fetchList(ApiPath path, Map<String, String> q) {
        ApiFront.Reply r = mock.get(path.objectPath() + mockQuery(q));
        if (r.status() != 200) throw new IllegalStateException("the mock answered " + r.status() + " to a list of " + path.plural());
        try {
            return (ObjectNode) JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<ObjectNode> items(ObjectNode list, Optional<FieldSelector> selector) {
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode i : list.path("items")) {
            if (i instanceof ObjectNode o && selector.map(s -> s.matches(o)).orElse(true)) out.add(o);
        }
        return out;
    }

    /** The request's query minus what the front answers itself (the label selector stays with the mock). */
    private static String mockQuery(Map<String, String> q) {
        List<String> kept = new ArrayList<>();
        q.forEach((k, v) -> {
            if (!FRONT_PARAMS.contains(k)) kept.add(encode(k) + "=" + encode(v));
        });
        return kept.isEmpty() ? "" : "?" + String.join("&", kept);
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String rv(JsonNode o) {
        return o.path("metadata").path("resourceVersion").asText();
    }

    private static Optional<String> header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) return Optional.of(e.getValue().getFirst());
        }
        return Optional.empty();
    }

    private static ApiFront.Reply json(int status, JsonNode body) {
        return new ApiFront.Reply(status, java.net.http.HttpHeaders.of(Map.of("Content-Type", List.of("application/json")),
                (a, b) -> true), body.toString().getBytes(StandardCharsets.UTF_8));
    }
}
