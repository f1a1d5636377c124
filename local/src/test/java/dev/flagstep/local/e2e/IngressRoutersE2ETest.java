package dev.flagstep.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flagstep.analysis.Routes;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.testing.WebhookReceiver.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ingress and gateway routers (Contour, Traefik, Skipper, Gloo, APISIX) each take a canary to promotion on
 * the simulated cluster, their router objects written and read back through its API; Contour also runs an A/B
 * test on a header, as does Gloo. Metrics come from a MetricTemplate on the fake Prometheus.
 */
class IngressRoutersE2ETest {

    static RolloutHarness h;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start();
        h.sim.reconcileOnEveryWrite(true);
        h.hooks.script("/prom" + Prometheus.QUERY, Reply.status(200).body(Prometheus.vector(100)));
        h.hooks.script("/prom" + Prometheus.ONLINE, Reply.status(200).body(Prometheus.vector(1)));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    /** A canary on {@code provider} with extra spec fields, walking 20, 40 on a templateRef success rate. */
    static CanaryDocument canary(String name, String provider, String analysis, String... specFields) {
        CanaryYaml y = CanaryYaml.named(name).provider(provider);
        for (String f : specFields) y.spec(f);
        return h.canary(y.analysis(analysis + """
                    metrics:
                      - name: success rate
                        templateRef:
                          name: success-rate
                        thresholdRange:
                          min: 99
                        interval: 1m
                """) + """
                ---
                apiVersion: flagger.app/v1beta1
                kind: MetricTemplate
                metadata:
                  name: success-rate
                  namespace: e2e
                spec:
                  provider:
                    type: prometheus
                    address: %s/prom
                  query: sum(rate(requests_total[1m]))
                """.formatted(h.hooksUrl()));
    }

    static final String PROGRESSIVE = """
                interval: 10s
                threshold: 2
                stepWeight: 20
                maxWeight: 40
            """;

    /** Flagger's e2e A/B test: three iterations with the {@code x-canary: insider} header. */
    static final String AB_INSIDER = """
                interval: 10s
                threshold: 2
                iterations: 3
                match:
                  - headers:
                      x-canary:
                        exact: insider
            """;

    static Execution promote(CanaryDocument doc) throws InterruptedException {
        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        return rollout;
    }

    static ObjectNode object(ResourceKind kind, String name) {
        return h.sim.object(kind, "e2e", name).orElseThrow(() -> new AssertionError(kind.kind() + " " + name + " not written"));
    }

    static void apply(ResourceKind kind, String yaml) {
        try {
            ObjectNode o = (ObjectNode) new YAMLMapper().readTree(yaml);
            o.put("apiVersion", kind.apiVersion()).put("kind", kind.kind());
            h.sim.client().create(kind, o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final ResourceKind HTTP_PROXY = new ResourceKind("projectcontour.io", "v1", "HTTPProxy", "httpproxies");

    @Test
    void contourWalksTheHttpProxyWeightsToPromotion() throws Exception {
        CanaryDocument doc = canary("contour", "contour", PROGRESSIVE);
        Execution rollout = promote(doc);

        assertThat(h.runWeights(doc, rollout)).containsExactly(20, 40, 0);
        JsonNode services = object(HTTP_PROXY, "contour").at("/spec/routes/0/services");
        assertThat(services.path(0).path("name").asText()).isEqualTo("contour-primary");
        assertThat(services.path(0).path("weight").asInt()).isEqualTo(100);
        assertThat(services.path(1).path("name").asText()).isEqualTo("contour-canary");
        assertThat(services.path(1).has("weight")).isFalse();
    }

    @Test
    void contourAbTestingSendsTheHeaderToTheCanaryForEachIteration() throws Exception {
        CanaryDocument doc = canary("contourab", "contour", AB_INSIDER);
        Execution rollout = promote(doc);

        assertThat(h.runWeights(doc, rollout)).containsExactly(100, 100, 100, 0);
        assertThat(h.messages(doc.canary().id())).containsSubsequence(
                "Advance contourab.e2e canary iteration 1/3",
                "Advance contourab.e2e canary iteration 3/3",
                "Promotion completed! Scaling down contourab.e2e");
        JsonNode routes = object(HTTP_PROXY, "contourab").at("/spec/routes");
        assertThat(routes.size()).isEqualTo(2);
        assertThat(routes.at("/0/conditions")).isEqualTo(json("[{prefix: /, header: {name: x-canary, exact: insider}}]"));
        assertThat(routes.at("/1/conditions")).isEqualTo(json("[{prefix: /}]"));
        assertThat(routes.at("/0/services/0/weight").asInt()).isEqualTo(100);
    }

    static final ResourceKind TRAEFIK_SERVICE = new ResourceKind("traefik.io", "v1alpha1", "TraefikService", "traefikservices");

    @Test
    void traefikWalksTheTraefikServiceWeightsToPromotion() throws Exception {
        CanaryDocument doc = canary("traefik", "traefik", PROGRESSIVE);
        Execution rollout = promote(doc);

        assertThat(h.runWeights(doc, rollout)).containsExactly(20, 40, 0);
        assertThat(object(TRAEFIK_SERVICE, "traefik").at("/spec/weighted/services"))
                .isEqualTo(json("[{name: traefik-primary, namespace: e2e, port: 9898, weight: 100}]"));
    }

    @Test
    void skipperWalksTheCloneIngressWeightsToPromotion() throws Exception {
        apply(ResourceKind.INGRESS, """
                metadata:
                  name: skipper-ingress
                  namespace: e2e
                  annotations: {kubernetes.io/ingress.class: skipper}
                spec:
                  rules:
                    - host: app.example.com
                      http:
                        paths:
                          - {path: /, pathType: Prefix, backend: {service: {name: skipper, port: {number: 9898}}}}
                """);
        CanaryDocument doc = canary("skipper", "skipper", PROGRESSIVE,
                "ingressRef: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: skipper-ingress}");
        Execution rollout = promote(doc);

        assertThat(h.runWeights(doc, rollout)).containsExactly(20, 40, 0);
        ObjectNode clone = object(ResourceKind.INGRESS, "skipper-ingress-canary");
        assertThat(clone.at("/metadata/annotations/zalando.org~1backend-weights").asText())
                .isEqualTo("{\"skipper-canary\":0,\"skipper-primary\":100}");
        assertThat(clone.at("/metadata/annotations/zalando.org~1skipper-predicate").asText()).isEqualTo("False()");
        assertThat(names(clone.at("/spec/rules/0/http/paths"), "/backend/service/name"))
                .containsExactly("skipper-primary", "skipper-canary");
        assertThat(object(ResourceKind.INGRESS, "skipper-ingress").at("/spec/rules/0/http/paths/0/backend/service/name").asText())
                .isEqualTo("skipper");
    }

    static final ResourceKind UPSTREAM = new ResourceKind("gloo.solo.io", "v1", "Upstream", "upstreams");
    static final ResourceKind ROUTE_TABLE = new ResourceKind("gateway.solo.io", "v1", "RouteTable", "routetables");

    @Test
    void glooWalksTheRouteTableWeightsToPromotionWithTheConfigUpstreamsSettings() throws Exception {
        h.sim.createNamespace("gloo-system");
        h.sim.client().create(UPSTREAM, (ObjectNode) json("""
                apiVersion: gloo.solo.io/v1
                kind: Upstream
                metadata: {name: config-upstream, namespace: gloo-system}
                spec:
                  connectionConfig: {maxRequestsPerConnection: 100}
                  loadBalancerConfig: {roundRobin: {}}
                """));
        CanaryDocument doc = canary("gloo", "gloo", PROGRESSIVE,
                "upstreamRef: {apiVersion: gloo.solo.io/v1, kind: Upstream, name: config-upstream, namespace: gloo-system}");
        Execution rollout = promote(doc);

        assertThat(h.runWeights(doc, rollout)).containsExactly(20, 40, 0);
        assertThat(object(ROUTE_TABLE, "gloo").at("/spec/routes/0/routeAction/multi/destinations")).isEqualTo(json("""
                - {destination: {upstream: {name: e2e-gloo-primaryupstream-9898, namespace: e2e}}, weight: 100}
                - {destination: {upstream: {name: e2e-gloo-canaryupstream-9898, namespace: e2e}}}
                """));
        ObjectNode canaryUpstream = object(UPSTREAM, "e2e-gloo-canaryupstream-9898");
        assertThat(canaryUpstream.at("/spec/kube/serviceName").asText()).isEqualTo("gloo-canary");
        assertThat(canaryUpstream.at("/spec/loadBalancerConfig")).isEqualTo(json("{roundRobin: {}}"));
    }

    @Test
    void glooAbTestingSendsTheHeaderToTheCanaryForEachIteration() throws Exception {
        CanaryDocument doc = canary("glooab", "gloo", AB_INSIDER);
        Execution rollout = promote(doc);

        assertThat(h.runWeights(doc, rollout)).containsExactly(100, 100, 100, 0);
        assertThat(object(ROUTE_TABLE, "glooab").at("/spec/routes/0/matchers"))
                .isEqualTo(json("[{headers: [{name: x-canary, value: insider}]}]"));
    }

    static final ResourceKind APISIX_ROUTE = new ResourceKind("apisix.apache.org", "v2", "ApisixRoute", "apisixroutes");

    @Test
    void apisixWalksTheRouteCopysWeightsToPromotion() throws Exception {
        apply(APISIX_ROUTE, """
                metadata: {name: web, namespace: e2e}
                spec:
                  http:
                    - name: method
                      match: {hosts: [app.example.com], methods: [GET], paths: ["/*"]}
                      backends: [{serviceName: apisix, servicePort: 9898}]
                """);
        CanaryDocument doc = canary("apisix", "apisix", PROGRESSIVE,
                "routeRef: {apiVersion: apisix.apache.org/v2, kind: ApisixRoute, name: web}");
        Execution rollout = promote(doc);

        assertThat(h.runWeights(doc, rollout)).containsExactly(20, 40, 0);
        assertThat(object(APISIX_ROUTE, "web-apisix-canary").at("/spec/http/0/backends")).isEqualTo(json("""
                - {serviceName: apisix-primary, servicePort: 9898, weight: 100}
                - {serviceName: apisix-canary, servicePort: 9898, weight: 0}
                """));
        assertThat(object(APISIX_ROUTE, "web").at("/spec/http/0/backends/0/serviceName").asText()).isEqualTo("apisix");
    }

    static JsonNode json(String yaml) {
        try {
            return new YAMLMapper().readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> names(JsonNode entries, String pointer) {
        return java.util.stream.StreamSupport.stream(entries.spliterator(), false).map(e -> e.at(pointer).asText()).toList();
    }
}
