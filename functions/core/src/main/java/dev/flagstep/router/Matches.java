package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Flagger writes match conditions in Istio's {@code HTTPMatchRequest} form ({@code uri}, {@code headers},
 * {@code queryParams}, {@code method}, each {@code exact}/{@code prefix}/{@code regex}); routers translate them.
 */
final class Matches {

    private Matches() {
    }

    /** Istio matches as Gateway API {@code HTTPRouteMatch}es ({@code gateway_api.go: mapRouteMatches}). */
    static List<ObjectNode> toGatewayApi(List<JsonNode> istio) {
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode m : istio) {
            ObjectNode g = JsonNodeFactory.instance.objectNode();
            JsonNode uri = m.path("uri");
            if (uri.hasNonNull("regex")) path(g, "RegularExpression", uri.get("regex").asText());
            else if (uri.hasNonNull("exact")) path(g, "Exact", uri.get("exact").asText());
            else if (uri.hasNonNull("prefix")) path(g, "PathPrefix", uri.get("prefix").asText());
            ArrayNode headers = stringMatches(m.path("headers"));
            if (!headers.isEmpty()) g.set("headers", headers);
            ArrayNode query = stringMatches(m.path("queryParams"));
            if (!query.isEmpty()) g.set("queryParams", query);
            if (m.path("method").hasNonNull("exact")) g.put("method", m.path("method").get("exact").asText());
            out.add(g);
        }
        return out;
    }

    /** {@code PathPrefix /}: what a route matches when the service gives no match. */
    static ObjectNode defaultGatewayMatch() {
        ObjectNode g = JsonNodeFactory.instance.objectNode();
        path(g, "PathPrefix", "/");
        return g;
    }

    /**
     * Every service match combined with every analysis match (the analysis's conditions added to the service's),
     * so A/B traffic is the service's traffic that also carries the analysis's headers.
     */
    static List<ObjectNode> mergeGatewayApi(List<ObjectNode> analysis, List<ObjectNode> service) {
        if (service.isEmpty()) return analysis;
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode s : service) {
            for (ObjectNode a : analysis) {
                ObjectNode m = s.deepCopy();
                if (a.has("path")) m.set("path", a.get("path").deepCopy());
                if (a.has("method")) m.set("method", a.get("method").deepCopy());
                for (String list : List.of("headers", "queryParams")) {
                    if (a.has(list)) {
                        ArrayNode merged = JsonNodeFactory.instance.arrayNode();
                        merged.addAll((ArrayNode) a.get(list).deepCopy());
                        if (s.has(list)) merged.addAll((ArrayNode) s.get(list).deepCopy());
                        m.set(list, merged);
                    }
                }
                out.add(m);
            }
        }
        return out;
    }

    /** Istio: each analysis match with the service match's fields it does not set itself ({@code istio.go}). */
    static List<JsonNode> mergeIstio(List<JsonNode> analysis, List<JsonNode> service) {
        if (service.isEmpty()) return analysis;
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode s : service) {
            for (JsonNode a : analysis) {
                ObjectNode m = ((ObjectNode) s).deepCopy();
                a.properties().forEach(e -> {
                    if (e.getValue().isObject() && m.path(e.getKey()).isObject() && !e.getKey().equals("uri")) {
                        ((ObjectNode) m.get(e.getKey())).setAll((ObjectNode) e.getValue().deepCopy());
                    } else {
                        m.set(e.getKey(), e.getValue().deepCopy());
                    }
                });
                out.add(m);
            }
        }
        return out;
    }

    /** Header conditions of the A/B matches, by name (nginx and ALB can express only headers and cookies). */
    static Map<String, JsonNode> headers(List<JsonNode> istio) {
        Map<String, JsonNode> out = new TreeMap<>();
        for (JsonNode m : istio) m.path("headers").properties().forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** One header condition of one A/B match: its name and Istio's {@code {exact|prefix|suffix|regex: v}}. */
    record Header(String name, JsonNode condition) {

        /** The condition's value for {@code field}, empty when it does not set it. */
        String value(String field) {
            return condition.path(field).isTextual() ? condition.get(field).asText() : "";
        }
    }

    /**
     * Every header condition of every A/B match in order, names sorted within a match (Flagger walks a Go map,
     * in random order); for routers that AND all of them into one rule (Contour, Gloo).
     */
    static List<Header> headerList(List<JsonNode> istio) {
        List<Header> out = new ArrayList<>();
        for (JsonNode m : istio) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            m.path("headers").properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
            sorted.forEach((name, v) -> out.add(new Header(name, v)));
        }
        return out;
    }

    /** Go's regexp.QuoteMeta: RE2 (Envoy) has no \\Q..\\E quoting. */
    static String quoteMeta(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) b.append('\\');
            b.append(c);
        }
        return b.toString();
    }

    private static void path(ObjectNode g, String type, String value) {
        g.putObject("path").put("type", type).put("value", value);
    }

    /** {@code {name: {exact|regex|prefix: v}}} as Gateway API {@code [{type, name, value}]}, names sorted. */
    private static ArrayNode stringMatches(JsonNode map) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        Map<String, JsonNode> sorted = new TreeMap<>();
        map.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
        sorted.forEach((name, v) -> {
            if (v.hasNonNull("exact")) {
                out.addObject().put("type", "Exact").put("name", name).put("value", v.get("exact").asText());
            } else if (v.hasNonNull("regex")) {
                out.addObject().put("type", "RegularExpression").put("name", name).put("value", v.get("regex").asText());
            } else if (v.hasNonNull("prefix")) {
                out.addObject().put("type", "RegularExpression").put("name", name)
                        .put("value", "^" + quoteMeta(v.get("prefix").asText()) + ".*");
            }
        });
        return out;
    }
}
