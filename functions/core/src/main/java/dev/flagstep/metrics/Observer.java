package dev.flagstep.metrics;

import dev.flagstep.spec.CanarySpec;
import java.util.regex.Pattern;

/**
 * The builtin {@code request-success-rate} and {@code request-duration} queries, per traffic provider,
 * as Flagger's observers define them (PromQL with the template functions; rendered before running).
 * Success rate is the percentage (0-100) of non-5xx requests; duration is the P99 in milliseconds,
 * except for NGINX and Skipper, whose histograms Flagger does not use: there it is the average.
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
            1000.0),

    /** Linkerd's proxy metrics, inbound to the canary's pods (Flagger's {@code linkerd.go}). */
    LINKERD(
            """
            sum( rate( response_total{ namespace="{{ namespace }}", deployment=~"{{ target }}",
                classification!="failure", direction="inbound" }[{{ interval }}] ) )
            / sum( rate( response_total{ namespace="{{ namespace }}", deployment=~"{{ target }}",
                direction="inbound" }[{{ interval }}] ) )
            * 100
            """,
            """
            histogram_quantile( 0.99, sum( rate( response_latency_ms_bucket{ namespace="{{ namespace }}",
                deployment=~"{{ target }}", direction="inbound" }[{{ interval }}] ) ) by (le) )
            """,
            1.0),

    /** Open Service Mesh's sidecar metrics, by destination Deployment (Flagger's {@code osm.go}). */
    OSM(
            """
            sum( rate( osm_request_total{ destination_namespace="{{ namespace }}", destination_kind="Deployment",
                destination_name="{{ target }}", response_code!~"5.*" }[{{ interval }}] ) )
            / sum( rate( osm_request_total{ destination_namespace="{{ namespace }}", destination_kind="Deployment",
                destination_name="{{ target }}" }[{{ interval }}] ) )
            * 100
            """,
            """
            histogram_quantile( 0.99, sum( rate( osm_request_duration_ms_bucket{ destination_namespace="{{ namespace }}",
                destination_kind="Deployment", destination_name="{{ target }}" }[{{ interval }}] ) ) by (le) )
            """,
            1.0),

    /** Kuma's Envoy metrics for the canary's Kuma service {@code {target}-canary_{ns}_svc_{port}} (Flagger's {@code kuma.go}). */
    KUMA(
            """
            sum( rate( envoy_cluster_upstream_rq{ service=~"{{ target }}-canary_{{ namespace }}_svc_[0-9a-zA-Z-]+",
                envoy_response_code!~"5.*" }[{{ interval }}] ) )
            / sum( rate( envoy_cluster_upstream_rq{ service=~"{{ target }}-canary_{{ namespace }}_svc_[0-9a-zA-Z-]+",
                }[{{ interval }}] ) )
            * 100
            """,
            """
            histogram_quantile( 0.99, sum( rate( envoy_cluster_upstream_rq_time_bucket{
                service=~"{{ target }}-canary_{{ namespace }}_svc_[0-9a-zA-Z-]+", }[{{ interval }}] ) ) by (le) )
            """,
            1.0),

    /** Contour's Envoy clusters {@code {ns}_{service}-canary_{port}} (Flagger's {@code contour.go}). */
    CONTOUR(
            """
            sum( rate( envoy_cluster_upstream_rq{ envoy_cluster_name=~"{{ namespace }}_{{ service }}-canary_[0-9a-zA-Z-]+",
                envoy_response_code!~"5.*" }[{{ interval }}] ) )
            / sum( rate( envoy_cluster_upstream_rq{ envoy_cluster_name=~"{{ namespace }}_{{ service }}-canary_[0-9a-zA-Z-]+",
                }[{{ interval }}] ) )
            * 100
            """,
            """
            histogram_quantile( 0.99, sum( rate( envoy_cluster_upstream_rq_time_bucket{
                envoy_cluster_name=~"{{ namespace }}_{{ service }}-canary_[0-9a-zA-Z-]+", }[{{ interval }}] ) ) by (le) )
            """,
            1.0),

    /** Gloo's Envoy clusters of the canary Upstream (Flagger's {@code gloo.go}). */
    GLOO(
            """
            sum( rate( envoy_cluster_upstream_rq{
                envoy_cluster_name=~"{{ namespace }}-{{ target }}-canaryupstream-[0-9a-zA-Z-]+_[0-9a-zA-Z-]+",
                envoy_response_code!~"5.*" }[{{ interval }}] ) )
            / sum( rate( envoy_cluster_upstream_rq{
                envoy_cluster_name=~"{{ namespace }}-{{ target }}-canaryupstream-[0-9a-zA-Z-]+_[0-9a-zA-Z-]+",
                }[{{ interval }}] ) )
            * 100
            """,
            """
            histogram_quantile( 0.99, sum( rate( envoy_cluster_upstream_rq_time_bucket{
                envoy_cluster_name=~"{{ namespace }}-{{ target }}-canaryupstream-[0-9a-zA-Z-]+_[0-9a-zA-Z-]+",
                }[{{ interval }}] ) ) by (le) )
            """,
            1.0),

    /** Traefik's service metrics (seconds, scaled to milliseconds in the query; Flagger's {@code traefik.go}). */
    TRAEFIK(
            """
            sum( rate( traefik_service_request_duration_seconds_bucket{
                service=~"{{ namespace }}-{{ target }}-canary-[0-9a-zA-Z-]+@kubernetescrd", code!~"5..", le="+Inf"
                }[{{ interval }}] ) )
            / sum( rate( traefik_service_request_duration_seconds_bucket{
                service=~"{{ namespace }}-{{ target }}-canary-[0-9a-zA-Z-]+@kubernetescrd", le="+Inf" }[{{ interval }}] ) )
            * 100
            """,
            """
            histogram_quantile( 0.99, sum( rate( traefik_service_request_duration_seconds_bucket{
                service=~"{{ namespace }}-{{ target }}-canary-[0-9a-zA-Z-]+@kubernetescrd" }[{{ interval }}] ) ) by (le) )
            * 1000
            """,
            1.0),

    /** APISIX's route metrics for the canary route {@code {route}-{target}-canary} (Flagger's {@code apisix.go}). */
    APISIX(
            """
            sum( rate( apisix_http_status{ route=~"{{ namespace }}_{{ route }}-{{ target }}-canary_.+", code!~"5.."
                }[{{ interval }}] ) )
            / sum( rate( apisix_http_status{ route=~"{{ namespace }}_{{ route }}-{{ target }}-canary_.+" }[{{ interval }}] ) )
            * 100
            """,
            """
            histogram_quantile( 0.99, sum( rate( apisix_http_latency_bucket{ type=~"request",
                route=~"{{ namespace }}_{{ route }}-{{ target }}-canary_.+" }[{{ interval }}] ) ) by (le) )
            """,
            1.0),

    /**
     * Skipper's routes of the canary Ingress (Flagger's {@code skipper.go}); names in the model are Skipper-encoded
     * first ({@link #skipperModel}). Duration is the average, scaled from seconds to milliseconds in the query.
     */
    SKIPPER(
            """
            sum(rate(skipper_response_duration_seconds_bucket{route=~"%1$s",code!~"5..",le="+Inf"}[{{ interval }}]))
            / sum(rate(skipper_response_duration_seconds_bucket{route=~"%1$s",le="+Inf"}[{{ interval }}]))
            * 100
            """.formatted(Observer.SKIPPER_ROUTE),
            """
            sum(rate(skipper_serve_route_duration_seconds_sum{route=~"%1$s"}[{{ interval }}]))
            / sum(rate(skipper_serve_route_duration_seconds_count{route=~"%1$s"}[{{ interval }}]))
            * 1000
            """.formatted(Observer.SKIPPER_ROUTE),
            1.0),

    /** Knative's Envoy cluster of the revision, which the caller gives as {@code route} (Flagger's {@code knative.go}). */
    KNATIVE(
            """
            sum( rate( envoy_cluster_upstream_rq{ envoy_cluster_name=~"{{ namespace }}/{{ route }}",
                envoy_response_code!~"5.*" }[{{ interval }}] ) )
            / sum( rate( envoy_cluster_upstream_rq{ envoy_cluster_name=~"{{ namespace }}/{{ route }}", }[{{ interval }}] ) )
            * 100
            """,
            """
            histogram_quantile( 0.99, sum( rate( envoy_cluster_upstream_rq_time_bucket{
                envoy_cluster_name=~"{{ namespace }}/{{ route }}", }[{{ interval }}] ) ) by (le) )
            """,
            1.0);

    /** Skipper's route id for the canary Ingress's backend: {@code kube(ew)?_{ns}__{ingress}_canary__…__{service}_canary}. */
    private static final String SKIPPER_ROUTE = "kube(ew)?_{{ namespace }}__{{ ingress }}_canary__.*__{{ service }}_canary(_[0-9]+)?";
    private static final Pattern NON_WORD = Pattern.compile("\\W");

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

    /** The builtin metric's query for this canary, rendered. */
    public String render(boolean successRate, TemplateModel model) {
        return QueryTemplate.render(successRate ? successRateQuery : durationQuery, this == SKIPPER ? skipperModel(model) : model);
    }

    /** Skipper names routes with every non-word character as {@code _}; Flagger encodes the model the same way. */
    static TemplateModel skipperModel(TemplateModel m) {
        return new TemplateModel(word(m.name()), word(m.namespace()), word(m.target()), word(m.service()), word(m.ingress()),
                m.route(), m.interval(), m.variables());
    }

    private static String word(String s) {
        return NON_WORD.matcher(s).replaceAll("_");
    }

    /** Flagger converts the duration to whole milliseconds, truncating: {@code int64(value * 1000)} for seconds. */
    public long durationMillis(double queryValue) {
        return (long) (queryValue * toMillis);
    }

    /** {@link #observerName(CanarySpec, String)} with Flagger's default mesh provider, istio. */
    public static String observerName(CanarySpec canary) {
        return observerName(canary, DEFAULT_PROVIDER);
    }

    /**
     * The observer name Flagger uses ({@code runBuiltinMetricChecks}): the canary's provider, else the installation's
     * mesh provider ({@code meshProvider}, Flagger's {@code -mesh-provider}); {@code linkerd} for every canary that
     * names a provider when the mesh provider mentions linkerd; with {@code :service} for Service targets other than
     * Knative Services.
     */
    public static String observerName(CanarySpec canary, String meshProvider) {
        String provider = canary.provider().filter(p -> !p.isBlank())
                .map(p -> meshProvider.contains("linkerd") ? "linkerd" : p)
                .orElse(meshProvider);
        boolean knative = canary.targetRef().apiVersion().startsWith("serving.knative.dev/");
        return canary.targetRef().kind().equals("Service") && !knative ? provider + SERVICE_SUFFIX : provider;
    }

    /**
     * Flagger's observer factory ({@code observers/factory.go}): {@code gloo} and any {@code gatewayapi} variant by
     * prefix, {@code kubernetes} and the other routers by exact name; everything else (including
     * {@code kubernetes:service}, {@code smi:*} and unknown names) falls back to Istio, as in Flagger.
     */
    public static Observer forName(String observerName) {
        if (observerName.startsWith("gatewayapi") || observerName.equals("kubernetes")) return HTTP;
        if (observerName.startsWith("gloo")) return GLOO;
        return switch (observerName) {
            case "nginx" -> NGINX;
            case "linkerd" -> LINKERD;
            case "osm" -> OSM;
            case "kuma" -> KUMA;
            case "contour" -> CONTOUR;
            case "traefik" -> TRAEFIK;
            case "apisix" -> APISIX;
            case "skipper" -> SKIPPER;
            case "knative" -> KNATIVE;
            default -> ISTIO;
        };
    }
}
