package dev.flagstep.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;

/**
 * A CloudWatch MetricTemplate query: a JSON array of {@code MetricDataQuery} objects in the API's own
 * field names ({@code Id}, {@code Expression}, {@code MetricStat.Metric.Dimensions}, ...). Field names
 * match case-insensitively and unknown fields are ignored, exactly as Go's {@code json.Unmarshal}
 * treats the templates Flagger users already have.
 */
final class CloudWatchQuery {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CloudWatchQuery() {}

    static List<MetricDataQuery> parse(String query) {
        JsonNode root;
        try {
            root = JSON.readTree(query);
        } catch (JsonProcessingException e) {
            throw new MetricQueryException("error unmarshaling query: not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isArray()) {
            throw new MetricQueryException("error unmarshaling query: expected a JSON array of MetricDataQuery objects");
        }
        List<MetricDataQuery> queries = new ArrayList<>();
        for (JsonNode item : root) {
            queries.add(metricDataQuery(fields(item, "MetricDataQuery")));
        }
        return List.copyOf(queries);
    }

    private static MetricDataQuery metricDataQuery(Map<String, JsonNode> f) {
        MetricDataQuery.Builder b = MetricDataQuery.builder();
        text(f, "id").ifPresent(b::id);
        text(f, "expression").ifPresent(b::expression);
        text(f, "label").ifPresent(b::label);
        text(f, "accountid").ifPresent(b::accountId);
        node(f, "returndata").map(JsonNode::asBoolean).ifPresent(b::returnData);
        node(f, "period").map(JsonNode::asInt).ifPresent(b::period);
        node(f, "metricstat").map(n -> metricStat(fields(n, "MetricStat"))).ifPresent(b::metricStat);
        return b.build();
    }

    private static MetricStat metricStat(Map<String, JsonNode> f) {
        MetricStat.Builder b = MetricStat.builder();
        node(f, "metric").map(n -> metric(fields(n, "Metric"))).ifPresent(b::metric);
        node(f, "period").map(JsonNode::asInt).ifPresent(b::period);
        text(f, "stat").ifPresent(b::stat);
        text(f, "unit").ifPresent(b::unit);
        return b.build();
    }

    private static Metric metric(Map<String, JsonNode> f) {
        Metric.Builder b = Metric.builder();
        text(f, "namespace").ifPresent(b::namespace);
        text(f, "metricname").ifPresent(b::metricName);
        node(f, "dimensions").ifPresent(dims -> {
            List<Dimension> list = new ArrayList<>();
            for (JsonNode d : dims) {
                Map<String, JsonNode> df = fields(d, "Dimension");
                list.add(Dimension.builder().name(text(df, "name").orElse(null)).value(text(df, "value").orElse(null)).build());
            }
            b.dimensions(list);
        });
        return b.build();
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
