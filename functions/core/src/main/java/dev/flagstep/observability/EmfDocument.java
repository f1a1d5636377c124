package dev.flagstep.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One CloudWatch embedded-metric-format log line: dimension values and metric values at the root, one
 * {@code CloudWatchMetrics} directive per distinct list of dimension sets. Refuses what CloudWatch would
 * silently drop: more than {@value #MAX_METRICS} metrics in a directive, more than {@value #MAX_DIMENSIONS}
 * dimensions in a set, a dimension a set names but the line has no value for, a name used twice.
 */
public final class EmfDocument {

    /** The CloudWatch namespace of every flagstep metric, Flagger's names included. */
    public static final String NAMESPACE = "flagstep";
    static final int MAX_METRICS = 100;
    static final int MAX_DIMENSIONS = 30;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A CloudWatch unit, spelled as EMF wants it. */
    public enum Unit {
        NONE("None"), COUNT("Count"), PERCENT("Percent"), SECONDS("Seconds");

        private final String wire;

        Unit(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    private record Metric(String name, Unit unit) {}

    private final Instant at;
    private final Map<String, String> dimensions = new LinkedHashMap<>();
    private final Map<String, Double> values = new LinkedHashMap<>();
    private final Map<List<List<String>>, List<Metric>> directives = new LinkedHashMap<>();

    private EmfDocument(Instant at) {
        this.at = at;
    }

    public static EmfDocument at(Instant at) {
        return new EmfDocument(at);
    }

    public EmfDocument dimension(String name, String value) {
        if (values.containsKey(name) || dimensions.putIfAbsent(name, value) != null) {
            throw new IllegalArgumentException("EMF key " + name + " given twice");
        }
        return this;
    }

    /**
     * A metric value, aggregated under each of the dimension sets given ({@code List.of()}: no dimension,
     * the whole stack).
     */
    public EmfDocument metric(String name, Unit unit, double value, List<List<String>> dimensionSets) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("metric " + name + ": " + value + " is not a number JSON can hold");
        }
        if (dimensions.containsKey(name) || values.putIfAbsent(name, value) != null) {
            throw new IllegalArgumentException("EMF key " + name + " given twice");
        }
        for (List<String> set : dimensionSets) {
            if (set.size() > MAX_DIMENSIONS) {
                throw new IllegalArgumentException("metric " + name + ": more than " + MAX_DIMENSIONS + " dimensions");
            }
        }
        List<Metric> metrics = directives.computeIfAbsent(List.copyOf(dimensionSets), k -> new ArrayList<>());
        if (metrics.size() == MAX_METRICS) {
            throw new IllegalArgumentException("metric " + name + ": more than " + MAX_METRICS + " metrics in one directive");
        }
        metrics.add(new Metric(name, unit));
        return this;
    }

    /** The line as JSON; every dimension a set names must have been given a value. */
    public ObjectNode json() {
        ObjectNode line = MAPPER.createObjectNode();
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", at.toEpochMilli());
        ArrayNode list = aws.putArray("CloudWatchMetrics");
        directives.forEach((sets, metrics) -> {
            ObjectNode directive = list.addObject();
            directive.put("Namespace", NAMESPACE);
            ArrayNode dims = directive.putArray("Dimensions");
            for (List<String> set : sets) {
                ArrayNode d = dims.addArray();
                for (String name : set) {
                    if (!dimensions.containsKey(name)) {
                        throw new IllegalStateException("dimension " + name + " has no value");
                    }
                    d.add(name);
                }
            }
            ArrayNode ms = directive.putArray("Metrics");
            metrics.forEach(m -> ms.addObject().put("Name", m.name()).put("Unit", m.unit().wire()));
        });
        dimensions.forEach(line::put);
        values.forEach((name, value) -> {
            if (value == Math.rint(value) && Math.abs(value) < 1e15) {
                line.put(name, value.longValue());
            } else {
                line.put(name, value);
            }
        });
        return line;
    }
}
