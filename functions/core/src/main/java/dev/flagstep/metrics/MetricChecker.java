package dev.flagstep.metrics;

import dev.flagstep.analysis.FlaggerMessages;
import dev.flagstep.analysis.GoFormat;
import dev.flagstep.metrics.MetricCheckResult.AllPassed;
import dev.flagstep.metrics.MetricCheckResult.Failed;
import dev.flagstep.metrics.MetricCheckResult.NoValues;
import dev.flagstep.metrics.ThresholdRangeCheck.Bound;
import dev.flagstep.metrics.ThresholdRangeCheck.Kind;
import dev.flagstep.metrics.ThresholdRangeCheck.Violation;
import dev.flagstep.spec.Analysis;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.KnativeTarget;
import dev.flagstep.spec.MetricCheck;
import dev.flagstep.spec.MetricTemplate;
import dev.flagstep.spec.TemplateRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one analysis tick's metric checks the way Flagger's scheduler does: first every builtin and
 * inline-query metric (in spec order), then every templateRef metric (in spec order); the first
 * failure stops the rest. Returns a value, never throws for a failing metric.
 */
public final class MetricChecker {

    /** Flagger's {@code GetMetricInterval()}: builtin metrics without an interval use 1m; templateRef metrics get none. */
    public static final String BUILTIN_DEFAULT_INTERVAL = "1m";

    /**
     * A Knative Service target's {@code status.latestCreatedRevisionName}, which Flagger's scheduler puts in
     * {@code {{ route }}} of builtin and templated queries; empty when it cannot be read (the default route stays).
     */
    @FunctionalInterface
    public interface KnativeRevisions {
        KnativeRevisions NONE = canary -> Optional.empty();

        Optional<String> latestCreated(CanarySpec canary);
    }

    private final MetricProviders providers;
    private final String meshProvider;
    private final KnativeRevisions knativeRevisions;

    /** With Flagger's default mesh provider, istio, choosing the builtin queries of canaries that name no provider. */
    public MetricChecker(MetricProviders providers) {
        this(providers, Observer.DEFAULT_PROVIDER);
    }

    /** @param meshProvider the installation's default provider (Flagger's {@code -mesh-provider}) */
    public MetricChecker(MetricProviders providers, String meshProvider) {
        this(providers, meshProvider, KnativeRevisions.NONE);
    }

    public MetricChecker(MetricProviders providers, String meshProvider, KnativeRevisions knativeRevisions) {
        this.providers = providers;
        this.meshProvider = meshProvider;
        this.knativeRevisions = knativeRevisions;
    }

    /** A Knative target's latest created revision: the {@code route} of its queries (as Flagger), read once a check. */
    private Optional<String> knativeRoute(CanarySpec canary) {
        if (!KnativeTarget.is(canary.targetRef())) return Optional.empty();
        return knativeRevisions.latestCreated(canary).filter(r -> !r.isEmpty());
    }

    private static TemplateModel model(CanarySpec canary, Optional<String> route, String interval, Map<String, String> variables) {
        TemplateModel m = TemplateModel.of(canary, interval, variables);
        return route.map(m::withRoute).orElse(m);
    }

    public MetricCheckResult check(CanaryDocument document) {
        CanarySpec canary = document.canary();
        List<MetricCheck> metrics = canary.analysis().map(Analysis::metrics).orElse(List.of());
        List<MetricValue> values = new ArrayList<>();
        Optional<String> route = knativeRoute(canary);
        for (MetricCheck metric : metrics) {
            if (metric.templateRef().isPresent()) {
                continue;
            }
            Optional<MetricCheckResult> failure = metric.isBuiltin() ? builtin(canary, route, metric, values)
                    : metric.query().map(q -> inline(canary, metric, q, values)).orElse(Optional.empty());
            if (failure.isPresent()) {
                return failure.get();
            }
        }
        for (MetricCheck metric : metrics) {
            Optional<MetricCheckResult> failure = metric.templateRef().flatMap(ref -> templated(document, route, metric, ref, values));
            if (failure.isPresent()) {
                return failure.get();
            }
        }
        return new AllPassed(values);
    }

    /**
     * Flagger's {@code checkMetricProviderAvailability}, before a canary's first analysis: the metrics server of
     * the builtin metrics, and each metric template's provider, must be online. Inline queries are not asked.
     *
     * @return empty when every provider is available, else Flagger's error (the first one found)
     */
    public Optional<String> providersAvailable(CanaryDocument document) {
        CanarySpec canary = document.canary();
        for (MetricCheck metric : canary.analysis().map(Analysis::metrics).orElse(List.of())) {
            if (metric.name().equals("request-success-rate") || metric.name().equals("request-duration")) {
                try {
                    providers.metricsServer(canary).checkOnline();
                } catch (MetricQueryException e) {
                    // Flagger's own spelling: receivers may match these texts
                    return Optional.of("prometheus not avaiable: " + e.getMessage());
                }
                continue;
            }
            if (metric.templateRef().isEmpty()) {
                continue;
            }
            TemplateRef ref = metric.templateRef().get();
            String namespace = ref.namespace().orElse(canary.id().namespace());
            Optional<MetricTemplate> template = document.template(ref);
            if (template.isEmpty()) {
                return Optional.of("metric template " + ref.name() + "." + namespace
                        + " error: not found in the canary document");
            }
            MetricProvider provider;
            try {
                provider = providers.forTemplate(canary.id().namespace(), template.get());
            } catch (MetricQueryException e) {
                return Optional.of("metric template " + ref.name() + "." + namespace + " provider "
                        + template.get().provider().type() + " error: " + e.getMessage());
            }
            try {
                provider.checkOnline(metric.interval());
            } catch (MetricQueryException e) {
                return Optional.of(template.get().provider().type() + " in metric template " + template.get().name() + "."
                        + template.get().namespace() + " not avaiable: " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    private Optional<MetricCheckResult> builtin(CanarySpec canary, Optional<String> route, MetricCheck metric,
                                                List<MetricValue> values) {
        String observerName = Observer.observerName(canary, meshProvider);
        Observer observer = Observer.forName(observerName);
        String interval = metric.interval().filter(i -> !i.isBlank()).orElse(BUILTIN_DEFAULT_INTERVAL);
        boolean successRate = metric.name().equals("request-success-rate");
        String query = observer.render(successRate, model(canary, route, interval, metric.templateVariables()));
        double raw;
        try {
            raw = providers.metricsServer(canary).query(query, Optional.of(interval));
        } catch (NoValuesFoundException e) {
            FlaggerMessages m = FlaggerMessages.of(canary);
            String event = (successRate ? m.noValuesSuccessRate(observerName, metric.name(), NoValuesFoundException.FLAGGER_ERROR)
                    : m.noValuesRequestDuration(observerName, metric.name())).text();
            return Optional.of(new NoValues(metric.name(), metric.name() + ": " + e.getMessage() + " (probably "
                    + canary.targetRef().name() + "." + canary.id().namespace() + " is not receiving traffic)", event));
        } catch (MetricQueryException e) {
            return Optional.of(new Failed(metric.name(), Optional.empty(), metric.name() + " query failed: " + e.getMessage(),
                    FlaggerMessages.of(canary).prometheusQueryFailed(e.getMessage()).text()));
        }
        return successRate ? judgeSuccessRate(canary, metric, raw, values) : judgeDuration(canary, metric, observer.durationMillis(raw), values);
    }

    private Optional<MetricCheckResult> judgeSuccessRate(CanarySpec canary, MetricCheck metric, double value, List<MetricValue> values) {
        return judge(Kind.SUCCESS_RATE, metric, value, values).map(v -> new Failed(metric.name(), Optional.of(value),
                describe(metric.name(), GoFormat.fixed2(value), v, GoFormat.value(v.limit())),
                (v.bound() == Bound.MIN ? FlaggerMessages.of(canary).successRateBelow(value, v.limit())
                        : FlaggerMessages.of(canary).successRateAbove(value, v.limit())).text()));
    }

    private Optional<MetricCheckResult> judgeDuration(CanarySpec canary, MetricCheck metric, long millis, List<MetricValue> values) {
        return judge(Kind.DURATION, metric, millis, values).map(v -> new Failed(metric.name(), Optional.of((double) millis),
                describe(metric.name(), millis + "ms", v, (long) v.limit() + "ms"),
                (v.bound() == Bound.MIN
                        ? FlaggerMessages.of(canary).requestDurationBelow(Duration.ofMillis(millis), Duration.ofMillis((long) v.limit()))
                        : FlaggerMessages.of(canary).requestDurationAbove(Duration.ofMillis(millis), Duration.ofMillis((long) v.limit())))
                        .text()));
    }

    /** An inline {@code query} runs against the metrics server as written: Flagger does not render it. */
    private Optional<MetricCheckResult> inline(CanarySpec canary, MetricCheck metric, String query, List<MetricValue> values) {
        double value;
        try {
            value = providers.metricsServer(canary).query(query, metric.interval());
        } catch (NoValuesFoundException e) {
            return Optional.of(new NoValues(metric.name(), metric.name() + ": " + e.getMessage(),
                    FlaggerMessages.of(canary).noValuesQuery(metric.name()).text()));
        } catch (MetricQueryException e) {
            return Optional.of(new Failed(metric.name(), Optional.empty(), metric.name() + " query failed: " + e.getMessage(),
                    "Prometheus query failed for " + metric.name() + ": " + e.getMessage()));
        }
        return judgeCustom(canary, metric, value, values);
    }

    private Optional<MetricCheckResult> templated(CanaryDocument document, Optional<String> route, MetricCheck metric,
                                                  TemplateRef ref, List<MetricValue> values) {
        CanarySpec canary = document.canary();
        String namespace = ref.namespace().orElse(canary.id().namespace());
        String templateId = ref.name() + "." + namespace;
        Optional<MetricTemplate> template = document.template(ref);
        if (template.isEmpty()) {
            String detail = "metric template " + templateId + " not found in the canary document";
            return Optional.of(new Failed(metric.name(), Optional.empty(), metric.name() + ": " + detail,
                    FlaggerMessages.of(canary).metricTemplateError(ref.name(), namespace, detail).text()));
        }
        MetricProvider provider;
        String query;
        try {
            provider = providers.forTemplate(canary.id().namespace(), template.get());
        } catch (MetricQueryException e) {
            return Optional.of(new Failed(metric.name(), Optional.empty(), metric.name() + ": " + e.getMessage(),
                    "Metric template " + templateId + " provider " + template.get().provider().type() + " error: " + e.getMessage()));
        }
        try {
            // templateRef metrics get no default interval (Flagger defaults a loop copy), so {{ interval }} may render empty
            query = QueryTemplate.render(template.get().query(),
                    model(canary, route, metric.interval().orElse(""), metric.templateVariables()));
        } catch (TemplateException e) {
            return Optional.of(new Failed(metric.name(), Optional.empty(), metric.name() + ": query template " + templateId + ": "
                    + e.getMessage(), "Metric template " + templateId + " query render error: " + e.getMessage()));
        }
        double value;
        try {
            value = provider.query(query, metric.interval());
        } catch (NoValuesFoundException e) {
            return Optional.of(new NoValues(metric.name(), metric.name() + ": " + e.getMessage(),
                    FlaggerMessages.of(canary).noValuesCustomMetric(metric.name(), NoValuesFoundException.FLAGGER_ERROR).text()));
        } catch (MetricQueryException e) {
            return Optional.of(new Failed(metric.name(), Optional.empty(), metric.name() + " query failed: " + e.getMessage(),
                    FlaggerMessages.of(canary).metricQueryFailed(metric.name(), e.getMessage()).text()));
        }
        return judgeCustom(canary, metric, value, values);
    }

    private Optional<MetricCheckResult> judgeCustom(CanarySpec canary, MetricCheck metric, double value, List<MetricValue> values) {
        return judge(Kind.CUSTOM, metric, value, values).map(v -> new Failed(metric.name(), Optional.of(value),
                describe(metric.name(), GoFormat.fixed2(value), v, GoFormat.value(v.limit())),
                (v.bound() == Bound.MIN ? FlaggerMessages.of(canary).metricBelow(metric.name(), value, v.limit())
                        : FlaggerMessages.of(canary).metricAbove(metric.name(), value, v.limit())).text()));
    }

    /** Records a passing value, or returns the violation. */
    private static Optional<Violation> judge(Kind kind, MetricCheck metric, double value, List<MetricValue> values) {
        Optional<Violation> violation = ThresholdRangeCheck.evaluate(kind, metric.thresholdRange(), metric.threshold(), value);
        if (violation.isEmpty()) {
            values.add(new MetricValue(metric.name(), value));
        }
        return violation;
    }

    private static String describe(String metric, String value, Violation v, String limit) {
        String side = v.bound() == Bound.MIN ? "below" : "above";
        return switch (v.source()) {
            case RANGE -> metric + " " + value + " " + side + " " + (v.bound() == Bound.MIN ? "min " : "max ") + limit;
            case THRESHOLD -> metric + " " + value + " " + side + " threshold " + limit;
            case IMPLICIT_ZERO -> metric + " " + value + " above " + limit
                    + " (no thresholdRange or threshold is set, and Flagger fails such a metric whenever it is above 0)";
        };
    }
}
