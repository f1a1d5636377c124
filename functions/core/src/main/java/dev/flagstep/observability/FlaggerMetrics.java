package dev.flagstep.observability;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Strategy;
import dev.flagstep.metrics.MetricCheckResult;
import dev.flagstep.metrics.MetricValue;
import dev.flagstep.observability.EmfDocument.Unit;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.MetricCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Flagger's Prometheus metrics ({@code pkg/metrics/recorder.go}) under the same names, labels as CloudWatch
 * dimensions. As in Flagger, {@code name} is the target's name ({@code spec.targetRef.name}), not the
 * canary's; {@code flagger_canary_weight} also carries {@code name} (Flagger #1960 asks for it), and the
 * success and failure counts are also aggregated per canary alone, so a dashboard need not know the strategy.
 * A counter becomes one value 1 per event (the {@code Sum} statistic counts); a histogram becomes one value per
 * observation (percentile statistics read it).
 */
public final class FlaggerMetrics {

    public static final String INFO = "flagger_info";
    public static final String TOTAL = "flagger_canary_total";
    public static final String STATUS = "flagger_canary_status";
    public static final String WEIGHT = "flagger_canary_weight";
    public static final String DURATION = "flagger_canary_duration_seconds";
    public static final String ANALYSIS = "flagger_canary_metric_analysis";
    public static final String SUCCESSES = "flagger_canary_successes_total";
    public static final String FAILURES = "flagger_canary_failures_total";

    /** flagstep's version in {@code flagger_info}: the core jar's Implementation-Version, {@code dev} outside a jar. */
    public static final String VERSION = Optional.ofNullable(FlaggerMetrics.class.getPackage().getImplementationVersion()).orElse("dev");

    static final String NAME = "name";
    static final String NAMESPACE = "namespace";
    static final List<String> CANARY = List.of(NAME, NAMESPACE);

    /** Flagger's {@code analysis_status}: the analysis ran, or {@code skipAnalysis} promoted at once. */
    public static final String COMPLETED = "completed";
    public static final String SKIPPED = "skipped";

    private FlaggerMetrics() {}

    /** The {@code name} and {@code namespace} dimensions of one canary, as Flagger labels them. */
    public record Canary(String name, String namespace) {
        public static Canary of(CanarySpec spec) {
            return new Canary(spec.targetRef().name(), spec.id().namespace());
        }

        EmfDocument on(Instant at) {
            return EmfDocument.at(at).dimension(NAME, name).dimension(NAMESPACE, namespace);
        }
    }

    /** Flagger's {@code SetStatus}: 0 while Progressing, 2 once Failed, 1 in every other phase. */
    public static int statusValue(CanaryPhase phase) {
        return switch (phase) {
            case PROGRESSING -> 0;
            case FAILED -> 2;
            default -> 1;
        };
    }

    public static ObjectNode status(Canary c, CanaryPhase phase, Instant at) {
        return c.on(at).metric(STATUS, Unit.NONE, statusValue(phase), List.of(CANARY)).json();
    }

    /** Flagger's {@code SetWeight}: one value for {@code workload} = the primary ({@code <target>-primary}), one for the target. */
    public static List<ObjectNode> weights(Canary c, int primaryWeight, int canaryWeight, Instant at) {
        return List.of(weight(c, c.name() + "-primary", primaryWeight, at), weight(c, c.name(), canaryWeight, at));
    }

    private static ObjectNode weight(Canary c, String workload, int weight, Instant at) {
        return c.on(at).dimension("workload", workload)
                .metric(WEIGHT, Unit.PERCENT, weight, List.of(List.of(NAME, NAMESPACE, "workload"))).json();
    }

    /** Flagger's {@code SetDuration}: the seconds one analysis tick took. */
    public static ObjectNode duration(Canary c, Duration tick, Instant at) {
        return c.on(at).metric(DURATION, Unit.SECONDS, tick.toMillis() / 1000.0, List.of(CANARY)).json();
    }

    /** Flagger's {@code SetAnalysis}: one line per metric value the tick read (a failing value included). */
    public static List<ObjectNode> analysis(Canary c, List<MetricValue> values, Instant at) {
        return values.stream().map(v -> c.on(at).dimension("metric", v.metric())
                .metric(ANALYSIS, Unit.NONE, v.value(), List.of(List.of(NAME, NAMESPACE, "metric"))).json()).toList();
    }

    /**
     * The values Flagger records for a tick's checks: each value read, the failing one included, in
     * check order; the builtin {@code request-duration} in seconds (Flagger's {@code val.Seconds()}), where
     * the check compares milliseconds. A query that failed or found nothing records nothing, nor does an infinite value.
     */
    public static List<MetricValue> analysed(MetricCheckResult result, List<MetricCheck> checks) {
        List<MetricValue> read = new ArrayList<>();
        switch (result) {
            case MetricCheckResult.AllPassed ok -> read.addAll(ok.values());
            case MetricCheckResult.Failed f -> {
                // a Failed result keeps only the failing value: the metrics that passed before it miss this tick
                f.value().ifPresent(v -> read.add(new MetricValue(f.metric(), v)));
            }
            case MetricCheckResult.NoValues n -> { }
        }
        // JSON has no infinity: such a value (a query dividing by zero) cannot be a CloudWatch value
        return read.stream().filter(v -> Double.isFinite(v.value()))
                .map(v -> builtinDuration(v.metric(), checks) ? new MetricValue(v.metric(), v.value() / 1000.0) : v)
                .toList();
    }

    private static boolean builtinDuration(String metric, List<MetricCheck> checks) {
        return checks.stream().anyMatch(m -> m.name().equals(metric) && m.isBuiltin() && m.name().equals("request-duration"));
    }

    /**
     * Flagger's {@code IncSuccesses} / {@code IncFailures} at the end of a rollout: 1 on the one that happened,
     * 0 on the other (so a ratio never divides by a missing value), under {@code name}, {@code namespace} and
     * under Flagger's full label set.
     */
    public static ObjectNode outcome(Canary c, Strategy strategy, boolean analysisSkipped, boolean succeeded, Instant at) {
        List<List<String>> sets = List.of(CANARY, List.of(NAME, NAMESPACE, "deployment_strategy", "analysis_status"));
        return c.on(at).dimension("deployment_strategy", strategy.wireName())
                .dimension("analysis_status", analysisSkipped ? SKIPPED : COMPLETED)
                .metric(SUCCESSES, Unit.COUNT, succeeded ? 1 : 0, sets)
                .metric(FAILURES, Unit.COUNT, succeeded ? 0 : 1, sets).json();
    }

    /** Flagger's {@code SetInfo}: 1 under the version and the installation's mesh provider. */
    public static ObjectNode info(String version, String meshProvider, Instant at) {
        return EmfDocument.at(at).dimension("version", version).dimension("mesh_provider", meshProvider)
                .metric(INFO, Unit.NONE, 1, List.of(List.of("version", "mesh_provider"))).json();
    }

    /** Flagger's {@code SetTotal}: the canaries of one namespace. */
    public static ObjectNode total(String namespace, int canaries, Instant at) {
        return EmfDocument.at(at).dimension(NAMESPACE, namespace)
                .metric(TOTAL, Unit.COUNT, canaries, List.of(List.of(NAMESPACE))).json();
    }
}
