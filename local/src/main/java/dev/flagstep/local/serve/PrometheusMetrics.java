package dev.flagstep.local.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.observability.FlaggerMetrics;
import dev.flagstep.observability.RolloutFigures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code flagstep serve}'s {@code GET /metrics}: the embedded-metric-format lines the phases write, held as
 * Prometheus series under Flagger's names and labels, so a Prometheus (and a Grafana dashboard written for
 * Flagger) can scrape the local runtime. Each line's most specific dimension set gives the labels; counters
 * ({@code _total}) add up, {@code flagger_canary_duration_seconds} is a histogram with Prometheus' default buckets
 * (as Flagger's), the rollout and gate seconds are summaries (sum and count), everything else is a gauge holding
 * its last value. Lines of other metrics (the CloudWatch dashboard's own) are ignored.
 */
final class PrometheusMetrics {

    /** Prometheus' default histogram buckets, Flagger's for the analysis duration. */
    static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private enum Kind { GAUGE, COUNTER, HISTOGRAM, SUMMARY }

    private record Family(Kind kind, String help) {}

    private static final Map<String, Family> FAMILIES = new LinkedHashMap<>();

    static {
        FAMILIES.put(FlaggerMetrics.INFO, new Family(Kind.GAUGE, "flagstep version and default mesh provider"));
        FAMILIES.put(FlaggerMetrics.TOTAL, new Family(Kind.GAUGE, "Canaries per namespace"));
        FAMILIES.put(FlaggerMetrics.STATUS, new Family(Kind.GAUGE, "Last known canary status: 0 running, 1 successful, 2 failed"));
        FAMILIES.put(FlaggerMetrics.WEIGHT, new Family(Kind.GAUGE, "Traffic weight of the primary and the canary workload"));
        FAMILIES.put(FlaggerMetrics.DURATION, new Family(Kind.HISTOGRAM, "Seconds one analysis tick took"));
        FAMILIES.put(FlaggerMetrics.ANALYSIS, new Family(Kind.GAUGE, "Last value read for each analysis metric"));
        FAMILIES.put(FlaggerMetrics.SUCCESSES, new Family(Kind.COUNTER, "Rollouts promoted"));
        FAMILIES.put(FlaggerMetrics.FAILURES, new Family(Kind.COUNTER, "Rollouts rolled back"));
        FAMILIES.put(RolloutFigures.STARTED, new Family(Kind.COUNTER, "Rollouts started"));
        FAMILIES.put(RolloutFigures.FINISHED, new Family(Kind.COUNTER, "Rollouts finished, promoted or rolled back"));
        FAMILIES.put(RolloutFigures.ROLLED_BACK, new Family(Kind.COUNTER, "Rollouts rolled back"));
        FAMILIES.put(RolloutFigures.DURATION, new Family(Kind.SUMMARY, "Seconds from a rollout's start to its end"));
        FAMILIES.put(RolloutFigures.GATE_WAIT, new Family(Kind.SUMMARY, "Seconds rollouts waited on closed confirm gates"));
    }

    /** One series: its labels, rendered, and its state (value, or sum, count and bucket counts). */
    private static final class Series {
        double value;
        long count;
        final long[] buckets = new long[BUCKETS.length];
    }

    /** metric name, then rendered labels, then the series; sorted so the output is stable. */
    private final Map<String, Map<String, Series>> series = new TreeMap<>();

    /** Takes one EMF line. */
    synchronized void accept(ObjectNode line) {
        for (JsonNode directive : line.at("/_aws/CloudWatchMetrics")) {
            JsonNode widest = null;
            for (JsonNode set : directive.path("Dimensions")) {
                if (widest == null || set.size() > widest.size()) {
                    widest = set;
                }
            }
            for (JsonNode metric : directive.path("Metrics")) {
                String name = metric.path("Name").asText();
                Family family = FAMILIES.get(name);
                if (family == null || !line.path(name).isNumber()) {
                    continue;
                }
                List<String> labels = new ArrayList<>();
                if (widest != null) {
                    widest.forEach(d -> labels.add(d.asText() + "=\"" + escape(line.path(d.asText()).asText()) + "\""));
                }
                Series s = series.computeIfAbsent(name, k -> new TreeMap<>()).computeIfAbsent(String.join(",", labels), k -> new Series());
                observe(family.kind(), s, line.path(name).asDouble());
            }
        }
    }

    private static void observe(Kind kind, Series s, double v) {
        switch (kind) {
            case GAUGE -> s.value = v;
            case COUNTER -> s.value += v;
            case SUMMARY -> {
                s.value += v;
                s.count++;
            }
            case HISTOGRAM -> {
                s.value += v;
                s.count++;
                for (int i = 0; i < BUCKETS.length; i++) {
                    if (v <= BUCKETS[i]) {
                        s.buckets[i]++;
                    }
                }
            }
        }
    }

    /**
     * The text exposition format (version 0.0.4); {@code flagger_canary_total} from {@code canariesPerNamespace}, the
     * canaries the runtime holds now (Flagger counts those it watches).
     */
    synchronized String exposition(Map<String, Integer> canariesPerNamespace) {
        StringBuilder out = new StringBuilder();
        FAMILIES.forEach((name, family) -> {
            Map<String, Series> rows = name.equals(FlaggerMetrics.TOTAL) ? totals(canariesPerNamespace) : series.getOrDefault(name, Map.of());
            if (rows.isEmpty()) {
                return;
            }
            out.append("# HELP ").append(name).append(' ').append(family.help()).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(family.kind().name().toLowerCase(java.util.Locale.ROOT)).append('\n');
            rows.forEach((labels, s) -> {
                switch (family.kind()) {
                    case GAUGE, COUNTER -> sample(out, name, labels, s.value);
                    case SUMMARY -> {
                        sample(out, name + "_sum", labels, s.value);
                        sample(out, name + "_count", labels, s.count);
                    }
                    case HISTOGRAM -> {
                        String sep = labels.isEmpty() ? "" : ",";
                        for (int i = 0; i < BUCKETS.length; i++) {
                            sample(out, name + "_bucket", labels + sep + "le=\"" + number(BUCKETS[i]) + "\"", s.buckets[i]);
                        }
                        sample(out, name + "_bucket", labels + sep + "le=\"+Inf\"", s.count);
                        sample(out, name + "_sum", labels, s.value);
                        sample(out, name + "_count", labels, s.count);
                    }
                }
            });
        });
        return out.toString();
    }

    private static Map<String, Series> totals(Map<String, Integer> canariesPerNamespace) {
        Map<String, Series> rows = new TreeMap<>();
        canariesPerNamespace.forEach((ns, n) -> {
            Series s = new Series();
            s.value = n;
            rows.put("namespace=\"" + escape(ns) + "\"", s);
        });
        return rows;
    }

    private static void sample(StringBuilder out, String name, String labels, double value) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{').append(labels).append('}');
        }
        out.append(' ').append(number(value)).append('\n');
    }

    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
