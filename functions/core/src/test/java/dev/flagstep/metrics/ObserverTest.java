package dev.flagstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.ObjectRef;
import dev.flagstep.testing.KubeCanaries;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each builtin query, rendered, equals the one Flagger 1.44 sends: the expectations of its
 * {@code pkg/metrics/observers/*_test.go}, as its Prometheus provider collapses whitespace.
 */
class ObserverTest {

    static TemplateModel model(String namespace, String target, String service, String ingress, String route) {
        return new TemplateModel(target, namespace, target, service, ingress, route, "1m", Map.of());
    }

    static final TemplateModel PODINFO = model("default", "podinfo", "podinfo", "podinfo", "podinfo");

    static Stream<Arguments> flaggersQueries() {
        return Stream.of(
                Arguments.of(Observer.LINKERD, true, PODINFO, """
                        sum( rate( response_total{ namespace="default", deployment=~"podinfo", classification!="failure", direction="inbound" }[1m] ) ) / sum( rate( response_total{ namespace="default", deployment=~"podinfo", direction="inbound" }[1m] ) ) * 100"""),
                Arguments.of(Observer.LINKERD, false, PODINFO, """
                        histogram_quantile( 0.99, sum( rate( response_latency_ms_bucket{ namespace="default", deployment=~"podinfo", direction="inbound" }[1m] ) ) by (le) )"""),
                Arguments.of(Observer.OSM, true, PODINFO, """
                        sum( rate( osm_request_total{ destination_namespace="default", destination_kind="Deployment", destination_name="podinfo", response_code!~"5.*" }[1m] ) ) / sum( rate( osm_request_total{ destination_namespace="default", destination_kind="Deployment", destination_name="podinfo" }[1m] ) ) * 100"""),
                Arguments.of(Observer.OSM, false, PODINFO, """
                        histogram_quantile( 0.99, sum( rate( osm_request_duration_ms_bucket{ destination_namespace="default", destination_kind="Deployment", destination_name="podinfo" }[1m] ) ) by (le) )"""),
                Arguments.of(Observer.KUMA, true, PODINFO, """
                        sum( rate( envoy_cluster_upstream_rq{ service=~"podinfo-canary_default_svc_[0-9a-zA-Z-]+", envoy_response_code!~"5.*" }[1m] ) ) / sum( rate( envoy_cluster_upstream_rq{ service=~"podinfo-canary_default_svc_[0-9a-zA-Z-]+", }[1m] ) ) * 100"""),
                Arguments.of(Observer.KUMA, false, PODINFO, """
                        histogram_quantile( 0.99, sum( rate( envoy_cluster_upstream_rq_time_bucket{ service=~"podinfo-canary_default_svc_[0-9a-zA-Z-]+", }[1m] ) ) by (le) )"""),
                Arguments.of(Observer.CONTOUR, true, PODINFO, """
                        sum( rate( envoy_cluster_upstream_rq{ envoy_cluster_name=~"default_podinfo-canary_[0-9a-zA-Z-]+", envoy_response_code!~"5.*" }[1m] ) ) / sum( rate( envoy_cluster_upstream_rq{ envoy_cluster_name=~"default_podinfo-canary_[0-9a-zA-Z-]+", }[1m] ) ) * 100"""),
                Arguments.of(Observer.CONTOUR, true, model("default", "podinfo", "podinfo-service", "podinfo", "podinfo"), """
                        sum( rate( envoy_cluster_upstream_rq{ envoy_cluster_name=~"default_podinfo-service-canary_[0-9a-zA-Z-]+", envoy_response_code!~"5.*" }[1m] ) ) / sum( rate( envoy_cluster_upstream_rq{ envoy_cluster_name=~"default_podinfo-service-canary_[0-9a-zA-Z-]+", }[1m] ) ) * 100"""),
                Arguments.of(Observer.CONTOUR, false, PODINFO, """
                        histogram_quantile( 0.99, sum( rate( envoy_cluster_upstream_rq_time_bucket{ envoy_cluster_name=~"default_podinfo-canary_[0-9a-zA-Z-]+", }[1m] ) ) by (le) )"""),
                Arguments.of(Observer.CONTOUR, false, model("default", "podinfo", "podinfo-service", "podinfo", "podinfo"), """
                        histogram_quantile( 0.99, sum( rate( envoy_cluster_upstream_rq_time_bucket{ envoy_cluster_name=~"default_podinfo-service-canary_[0-9a-zA-Z-]+", }[1m] ) ) by (le) )"""),
                Arguments.of(Observer.GLOO, true, PODINFO, """
                        sum( rate( envoy_cluster_upstream_rq{ envoy_cluster_name=~"default-podinfo-canaryupstream-[0-9a-zA-Z-]+_[0-9a-zA-Z-]+", envoy_response_code!~"5.*" }[1m] ) ) / sum( rate( envoy_cluster_upstream_rq{ envoy_cluster_name=~"default-podinfo-canaryupstream-[0-9a-zA-Z-]+_[0-9a-zA-Z-]+", }[1m] ) ) * 100"""),
                Arguments.of(Observer.GLOO, false, PODINFO, """
                        histogram_quantile( 0.99, sum( rate( envoy_cluster_upstream_rq_time_bucket{ envoy_cluster_name=~"default-podinfo-canaryupstream-[0-9a-zA-Z-]+_[0-9a-zA-Z-]+", }[1m] ) ) by (le) )"""),
                Arguments.of(Observer.TRAEFIK, true, PODINFO, """
                        sum( rate( traefik_service_request_duration_seconds_bucket{ service=~"default-podinfo-canary-[0-9a-zA-Z-]+@kubernetescrd", code!~"5..", le="+Inf" }[1m] ) ) / sum( rate( traefik_service_request_duration_seconds_bucket{ service=~"default-podinfo-canary-[0-9a-zA-Z-]+@kubernetescrd", le="+Inf" }[1m] ) ) * 100"""),
                Arguments.of(Observer.TRAEFIK, false, PODINFO, """
                        histogram_quantile( 0.99, sum( rate( traefik_service_request_duration_seconds_bucket{ service=~"default-podinfo-canary-[0-9a-zA-Z-]+@kubernetescrd" }[1m] ) ) by (le) ) * 1000"""),
                Arguments.of(Observer.APISIX, true, PODINFO, """
                        sum( rate( apisix_http_status{ route=~"default_podinfo-podinfo-canary_.+", code!~"5.." }[1m] ) ) / sum( rate( apisix_http_status{ route=~"default_podinfo-podinfo-canary_.+" }[1m] ) ) * 100"""),
                Arguments.of(Observer.APISIX, false, PODINFO, """
                        histogram_quantile( 0.99, sum( rate( apisix_http_latency_bucket{ type=~"request", route=~"default_podinfo-podinfo-canary_.+" }[1m] ) ) by (le) )"""),
                // Flagger's skipper test model: namespace, service and ingress only ("skipper-ingress" encodes to "skipper_ingress")
                Arguments.of(Observer.SKIPPER, true, model("skipper", "", "backend", "skipper-ingress", ""), """
                        sum(rate(skipper_response_duration_seconds_bucket{route=~"kube(ew)?_skipper__skipper_ingress_canary__.*__backend_canary(_[0-9]+)?",code!~"5..",le="+Inf"}[1m])) / sum(rate(skipper_response_duration_seconds_bucket{route=~"kube(ew)?_skipper__skipper_ingress_canary__.*__backend_canary(_[0-9]+)?",le="+Inf"}[1m])) * 100"""),
                Arguments.of(Observer.SKIPPER, false, model("skipper", "", "backend", "skipper-ingress", ""), """
                        sum(rate(skipper_serve_route_duration_seconds_sum{route=~"kube(ew)?_skipper__skipper_ingress_canary__.*__backend_canary(_[0-9]+)?"}[1m])) / sum(rate(skipper_serve_route_duration_seconds_count{route=~"kube(ew)?_skipper__skipper_ingress_canary__.*__backend_canary(_[0-9]+)?"}[1m])) * 1000"""),
                Arguments.of(Observer.KNATIVE, true, model("default", "podinfo", "podinfo", "podinfo", "podinfo-00001"), """
                        sum( rate( envoy_cluster_upstream_rq{ envoy_cluster_name=~"default/podinfo-00001", envoy_response_code!~"5.*" }[1m] ) ) / sum( rate( envoy_cluster_upstream_rq{ envoy_cluster_name=~"default/podinfo-00001", }[1m] ) ) * 100"""),
                Arguments.of(Observer.KNATIVE, false, model("default", "podinfo", "podinfo", "podinfo", "podinfo-00001"), """
                        histogram_quantile( 0.99, sum( rate( envoy_cluster_upstream_rq_time_bucket{ envoy_cluster_name=~"default/podinfo-00001", }[1m] ) ) by (le) )"""));
    }

    @ParameterizedTest(name = "{0} success rate: {1}")
    @MethodSource("flaggersQueries")
    void rendersFlaggersQuery(Observer observer, boolean successRate, TemplateModel model, String flaggers) {
        assertThat(PrometheusProvider.collapseWhitespace(observer.render(successRate, model))).isEqualTo(flaggers);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flaggersQueries")
    void durationsAreMilliseconds(Observer observer) {
        // every observer of this issue returns milliseconds (traefik and skipper scale seconds in the query)
        assertThat(observer.durationMillis(12.9)).isEqualTo(12);
    }

    @Test
    void observerNamesFollowFlaggersScheduler() {
        CanarySpec c = KubeCanaries.podinfo().build();
        BiFunction<String, String, CanarySpec> target = (apiVersion, kind) ->
                new CanarySpec(c.id(), new ObjectRef(apiVersion, kind, "podinfo"),
                        c.ingressRef(), c.autoscalerRef(), c.service(), Optional.of("knative"), c.metricsServer(),
                        c.progressDeadlineSeconds(), false, false, c.analysis(), c.extra(), c.annotations());
        assertThat(Observer.observerName(target.apply("serving.knative.dev/v1", "Service"))).isEqualTo("knative");
        assertThat(Observer.observerName(target.apply("v1", "Service"))).isEqualTo("knative:service");
        assertThat(Observer.observerName(c, "kuma")).isEqualTo("gatewayapi:v1");
        assertThat(Observer.observerName(c, "linkerd")).isEqualTo("linkerd");
    }

    @Test
    void skipperEncodesEveryNameOfTheModel() {
        TemplateModel encoded = Observer.skipperModel(new TemplateModel("pod.info", "my-ns", "pod-info", "svc.x", "in/gress",
                "r-1", "1m", Map.of()));
        assertThat(encoded).isEqualTo(new TemplateModel("pod_info", "my_ns", "pod_info", "svc_x", "in_gress", "r-1", "1m", Map.of()));
    }
}
