package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Server-side printing: the {@code meta.k8s.io/v1} {@code Table} kubectl asks for
 * ({@code Accept: application/json;as=Table;g=meta.k8s.io;v=v1}) and turns into {@code kubectl get} columns. A
 * custom resource gets {@code Name} and its CRD's printer columns ({@code priority > 0} only with {@code -o wide},
 * kubectl's choice), as kube-apiserver prints them; other kinds {@code Name} and {@code Age}.
 */
final class ServerTables {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ServerTables() {
    }

    /** Whether an {@code Accept} header asks for a Table first. */
    static boolean wanted(Optional<String> accept) {
        return accept.filter(a -> a.split(",")[0].contains("as=Table")).isPresent();
    }

    /**
     * @param includeObject the request's {@code includeObject}: {@code None}, {@code Metadata} (the default) or
     *                      {@code Object}
     */
    static ObjectNode table(Optional<ServedResources.Resource> resource, List<? extends JsonNode> objects,
            String resourceVersion, String includeObject, Instant now) {
        List<ServedResources.Column> columns = columns(resource);
        ObjectNode t = JSON.createObjectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
        t.putObject("metadata").put("resourceVersion", resourceVersion);
        ArrayNode defs = t.putArray("columnDefinitions");
        defs.addObject().put("name", "Name").put("type", "string").put("format", "name").put("priority", 0)
                .put("description", "Name must be unique within a namespace.");
        for (ServedResources.Column c : columns) {
            defs.addObject().put("name", c.name()).put("type", c.type()).put("format", "").put("priority", c.priority())
                    .put("description", c.description());
        }
        ArrayNode rows = t.putArray("rows");
        for (JsonNode o : objects) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            cells.add(o.path("metadata").path("name").asText());
            for (ServedResources.Column c : columns) cells.add(cell(c, o, now));
            switch (includeObject) {
                case "None" -> { }
                case "Object" -> row.set("object", o);
                default -> {
                    ObjectNode partial = row.putObject("object").put("kind", "PartialObjectMetadata")
                            .put("apiVersion", "meta.k8s.io/v1");
                    partial.set("metadata", o.path("metadata"));
                }
            }
        }
        return t;
    }

    private static List<ServedResources.Column> columns(Optional<ServedResources.Resource> resource) {
        List<ServedResources.Column> cs = resource.map(ServedResources.Resource::columns).orElse(List.of());
        if (!cs.isEmpty()) return cs;
        return List.of(new ServedResources.Column("Age", "date", ".metadata.creationTimestamp", 0,
                "The time since the object was created."));
    }

    /** A column's value: {@code null} when absent, as the API server leaves an empty cell. */
    private static JsonNode cell(ServedResources.Column c, JsonNode object, Instant now) {
        JsonNode v = object;
        for (String p : c.jsonPath().split("\\.")) if (!p.isEmpty()) v = v.path(p);
        if (v.isMissingNode() || v.isNull()) return JSON.nullNode();
        return switch (c.type()) {
            case "date" -> JSON.getNodeFactory().textNode(age(v.asText(), now));
            case "boolean" -> v.isBoolean() ? v : JSON.getNodeFactory().textNode(text(v));
            case "integer", "number" -> v.isNumber() ? v : JSON.getNodeFactory().textNode(text(v));
            default -> JSON.getNodeFactory().textNode(text(v));
        };
    }

    /** As Go's {@code %v}: arrays as {@code [a b]}, scalars as written. */
    private static String text(JsonNode v) {
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(e -> parts.add(text(e)));
            return "[" + String.join(" ", parts) + "]";
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    /** kubectl's short human duration: 45s, 3m12s, 20m, 5h3m, 30h, 6d4h, 12d. */
    static String age(String timestamp, Instant now) {
        Instant t;
        try {
            t = Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return "<invalid>";
        }
        Duration d = Duration.between(t, now);
        if (d.isNegative()) return "0s";
        long s = d.toSeconds();
        long m = d.toMinutes();
        long h = d.toHours();
        if (s < 120) return s + "s";
        if (m < 10) return m + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
        if (m < 180) return m + "m";
        if (h < 8) return h + "h" + (m % 60 == 0 ? "" : m % 60 + "m");
        if (h < 48) return h + "h";
        if (h < 192) return h / 24 + "d" + (h % 24 == 0 ? "" : h % 24 + "h");
        return h / 24 + "d";
    }
}
