package dev.flagstep.metrics;

import dev.flagstep.spec.CanarySpec;

/**
 * The builtin {@code request-success-rate} and {@code request-duration} queries, per traffic provider,
 * as Flagger's observers define them (PromQL with the template functions; rendered before running).
 * Success rate is the percentage (0-100) of non-5xx requests; duration is the P99 in milliseconds,
 * except for NGINX, whose histogram Flagger does not use: there it is the average.
 */
public enum Observer {

    /** Istio's destination-side telemetry, selected by workload. Also Flagger's fallback for unknown providers. */
    ISTIO(
            """
            sum(rate(istio_requests_total{reporter="destination",
                destination_workload_namespace="{{ namespace }}", destination_workload=~"{{ target }}",
                response_code!~"5.*"}[{{ interval }}]))
            / sum(rate(istio_requests_total{reporter="destination",
                destination_workload_namespace="{{ namespace }}", destination_workload=~"{{ target }}"}[{{ interval }}]))
            * 100
            """,
            """
            histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket{reporter="destination",
                destination_workload_namespace="{{ namespace }}", destination_workload=~"{{ target }}"}[{{ interval }}])) by (le))
            """,
            1.0),

    /** ingress-nginx controller metrics, selected by the canary's ingress. */
    NGINX(
            """
            sum(rate(nginx_ingress_controller_requests{namespace="{{ namespace }}", ingress="{{ ingress }}",
                status!~"5.*"}[{{ interval }}]))
            / sum(rate(nginx_ingress_controller_requests{namespace="{{ namespace }}", ingress="{{ ingress }}"}[{{ interval }}]))
            * 100
            """,
            """
            sum(rate(nginx_ingress_controller_ingress_upstream_latency_seconds_sum{namespace="{{ namespace }}",
                ingress="{{ ingress }}"}[{{ interval }}]))
            / sum(rate(nginx_ingress_controller_ingress_upstream_latency_seconds_count{namespace="{{ namespace }}",
                ingress="{{ ingress }}"}[{{ interval }}]))
            * 1000
            """,
            1.0),

    /**
     * The app's own {@code http_request_duration_seconds} histogram, scraped from its pods (Flagger's
     * HTTP observer, used for {@code kubernetes} and Gateway API providers). Durations are seconds.
     */
    HTTP(
            """
            sum(rate(http_request_duration_seconds_count{kubernetes_namespace="{{ namespace }}",
                kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)", status!~"5.*"}[{{ interval }}]))
            / sum(rate(http_request_duration_seconds_count{kubernetes_namespace="{{ namespace }}",
                kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"}[{{ interval }}]))
            * 100
            """,
            """
            histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket{kubernetes_namespace="{{ namespace }}",
                kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"}[{{ interval }}])) by (le))
            """,
            1000.0);

    /** Flagger's default {@code -mesh-provider}, used when a canary names no provider. */
    public static final String DEFAULT_PROVIDER = "istio";
    /** Flagger appends this to the provider when the canary targets a Service. */
    public static final String SERVICE_SUFFIX = ":service";

    private final String successRateQuery;
    private final String durationQuery;
    private final double toMillis;

    Observer(String successRateQuery, String durationQuery, double toMillis) {
        this.successRateQuery = successRateQuery;
        this.durationQuery = durationQuery;
        this.toMillis = toMillis;
    }

    public String successRateQuery() {
        return successRateQuery;
    }

    public String durationQuery() {
        return durationQuery;
    }

    /** Flagger converts the duration to whole milliseconds, truncating: {@code int64(value * 1000)} for seconds. */
    public long durationMillis(double queryValue) {
        return (long) (queryValue * toMillis);
    }

    /** The observer name Flagger uses in events: the provider, with {@code :service} for Service targets. */
    public static String observerName(CanarySpec canary) {
        String provider = canary.provider().filter(p -> !p.isBlank()).orElse(DEFAULT_PROVIDER);
        return canary.targetRef().kind().equals("Service") ? provider + SERVICE_SUFFIX : provider;
    }

    /**
     * Flagger's observer factory: {@code istio} and {@code nginx} by exact name, {@code kubernetes} by
     * exact name, any {@code gatewayapi} variant by prefix; everything else (including
     * {@code kubernetes:service}) falls back to Istio, as in Flagger.
     */
    public static Observer forName(String observerName) {
        if (observerName.startsWith("gatewayapi") || observerName.equals("kubernetes")) {
            return HTTP;
        }
        if (observerName.equals("nginx")) {
            return NGINX;
        }
        return ISTIO;
    }
}
