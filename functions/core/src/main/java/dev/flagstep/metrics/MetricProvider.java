package dev.flagstep.metrics;

import java.util.Optional;

/**
 * A metrics backend that turns one rendered query into one number, as Flagger's providers do.
 * Implementations hold long-lived clients and are safe to share between canaries and threads.
 */
public sealed interface MetricProvider permits
        PrometheusProvider,
        CloudWatchProvider,
        DatadogProvider,
        NewRelicProvider,
        DynatraceProvider,
        GraphiteProvider,
        InfluxDbProvider,
        SplunkProvider,
        ExternalMetricsProvider,
        KeptnProvider,
        StackdriverProvider {

    /**
     * Runs the query. {@code interval} is the metric's interval as written ({@code 1m}); Prometheus
     * ignores it (it is already rendered into the PromQL), CloudWatch derives its time window from it.
     *
     * @throws NoValuesFoundException when the backend returned no value (or NaN)
     * @throws MetricQueryException for every other failure
     */
    double query(String query, Optional<String> interval);

    /**
     * Flagger's {@code IsOnline}, asked before a canary's first analysis ({@link MetricChecker#providersAvailable}).
     *
     * @throws MetricQueryException saying why the backend is not available
     */
    void checkOnline();

    /**
     * {@link #checkOnline()} for a metric of {@code interval}: Flagger builds each provider with the metric's
     * interval, and New Relic's check query carries it ({@code SINCE <interval> seconds ago}).
     */
    default void checkOnline(Optional<String> interval) {
        checkOnline();
    }
}
