package dev.flagstep.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A CloudWatch MetricTemplate query: a JSON array of {@code MetricDataQuery} objects in the API's own
 * field names ({@code Id}, {@code Expression}, {@code MetricStat.Metric.Dimensions}, ...). Field names
 * match case-insensitively and unknown fields are ignored, exactly as Go's {@code json.Unmarshal}
 * treats the templates Flagger users already have. The result is the request's {@code MetricDataQueries}
 * in the API's field names again, with only the fields the API knows.
 */
final class CloudWatchQuery {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CloudWatchQuery() {}

    static List<ObjectNode> parse(String query) {
        JsonNode root;
        try {
            root = JSON.readTree(query);
        } catch (JsonProcessingException e) {
            throw new MetricQueryException("error unmarshaling query: not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isArray()) {
            throw new MetricQueryException("error unmarshaling query: expected a JSON array of MetricDataQuery objects");
        }
        List<ObjectNode> queries = new ArrayList<>();
        for (JsonNode item : root) {
            queries.add(metricDataQuery(fields(item, "MetricDataQuery")));
        }
        return List.copyOf(queries);
    }

    private static ObjectNode metricDataQuery(Map<String, JsonNode> f) {
        ObjectNode q = JSON.createObjectNode();
        text(f, "id").ifPresent(v -> q.put("Id", v));
        text(f, "expression").ifPresent(v -> q.put("Expression", v));
        text(f, "label").ifPresent(v -> q.put("Label", v));
        text(f, "accountid").ifPresent(v -> q.put("AccountId", v));
        node(f, "returndata").map(JsonNode::asBoolean).ifPresent(v -> q.put("ReturnData", v));
        node(f, "period").map(JsonNode::asInt).ifPresent(v -> q.put("Period", v));
        node(f, "metricstat").map(n -> metricStat(fields(n, "MetricStat"))).ifPresent(v -> q.set("MetricStat", v));
        return q;
    }

    private static ObjectNode metricStat(Map<String, JsonNode> f) {
        ObjectNode s = JSON.createObjectNode();
        node(f, "metric").map(n -> metric(fields(n, "Metric"))).ifPresent(v -> s.set("Metric", v));
        node(f, "period").map(JsonNode::asInt).ifPresent(v -> s.put("Period", v));
        text(f, "stat").ifPresent(v -> s.put("Stat", v));
        text(f, "unit").ifPresent(v -> s.put("Unit", v));
        return s;
    }

    private static ObjectNode metric(Map<String, JsonNode> f) {
        ObjectNode m = JSON.createObjectNode();
        text(f, "namespace").ifPresent(v -> m.put("Namespace", v));
        text(f, "metricname").ifPresent(v -> m.put("MetricName", v));
        node(f, "dimensions").ifPresent(dims -> {
            ArrayNode list = m.putArray("Dimensions");
            for (JsonNode d : dims) {
                Map<String, JsonNode> df = fields(d, "Dimension");
                ObjectNode dimension = list.addObject();
                text(df, "name").ifPresent(v -> dimension.put("Name", v));
                text(df, "value").ifPresent(v -> dimension.put("Value", v));
            }
        });
        return m;
    }

    private static Map<String, JsonNode> fields(JsonNode node, String what) {
        if (!node.isObject()) {
            throw new MetricQueryException("error unmarshaling query: " + what + " must be a JSON object, got " + node);
        }
        Map<String, JsonNode> fields = new TreeMap<>();
        node.properties().forEach(e -> fields.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
        return fields;
    }

    private static Optional<JsonNode> node(Map<String, JsonNode> fields, String name) {
        return Optional.ofNullable(fields.get(name)).filter(n -> !n.isNull());
    }

    private static Optional<String> text(Map<String, JsonNode> fields, String name) {
        return node(fields, name).map(JsonNode::asText);
    }
}
