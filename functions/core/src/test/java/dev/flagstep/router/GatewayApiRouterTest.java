package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeException;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.testing.KubeCanaries;
import dev.flagstep.testing.KubeMockServer;
import dev.flagstep.testing.KubeRaceProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.flagstep.testing.KubeCanaries.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayApiRouterTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    static final KubeRef ROUTE = ResourceKind.HTTP_ROUTE.ref("test", "podinfo");

    static KubeCanaries podinfo() {
        KubeCanaries c = KubeCanaries.podinfo();
        c.gatewayRefs.add(json("{name: gateway, namespace: istio-ingress}"));
        c.hosts.add("app.example.com");
        return c;
    }

    static JsonNode backends(int primary, int canary) {
        return json("""
                [{group: "", kind: Service, name: podinfo-primary, port: 9898, weight: %d},
                 {group: "", kind: Service, name: podinfo-canary, port: 9898, weight: %d}]""".formatted(primary, canary));
    }

    @Test
    void reconcileCreatesTheHttpRouteFlaggerWrites() {
        new GatewayApiRouter(kube.client(), podinfo().build(), ResourceKind.HTTP_ROUTE).reconcile();

        ObjectNode route = kube.require(ROUTE);
        assertThat(route.path("apiVersion").asText()).isEqualTo("gateway.networking.k8s.io/v1");
        assertThat(route.path("kind").asText()).isEqualTo("HTTPRoute");
        assertThat(route.path("metadata").path("annotations")).isEqualTo(json("""
                {kustomize.toolkit.fluxcd.io/reconcile: disabled, helm.toolkit.fluxcd.io/driftDetection: disabled}"""));
        assertThat(route.path("spec")).isEqualTo(json("""
                parentRefs: [{name: gateway, namespace: istio-ingress}]
                hostnames: [app.example.com]
                rules:
                  - matches: [{path: {type: PathPrefix, value: /}}]
                    backendRefs:
                      - {group: "", kind: Service, name: podinfo-primary, port: 9898, weight: 100}
                      - {group: "", kind: Service, name: podinfo-canary, port: 9898, weight: 0}
                """));
    }

    @Test
    void walksTheWeightsUpAndBackToThePrimary() {
        TrafficRouter router = new GatewayApiRouter(kube.client(), podinfo().build(), ResourceKind.HTTP_ROUTE);
        router.reconcile();
        assertThat(router.getRoutes()).isEqualTo(new Routes(100, 0, false));

        for (int w = 10; w <= 50; w += 10) {
            router.setRoutes(100 - w, w, false);
            assertThat(kube.require(ROUTE).at("/spec/rules/0/backendRefs")).isEqualTo(backends(100 - w, w));
            assertThat(router.getRoutes()).isEqualTo(new Routes(100 - w, w, false));
        }
        router.setRoutes(Routes.allPrimary()); // promotion done: all traffic to the new primary
        ObjectNode route = kube.require(ROUTE);
        assertThat(route.at("/spec/rules/0/backendRefs")).isEqualTo(backends(100, 0));
        assertThat(route.at("/spec/rules")).hasSize(1);
        assertThat(route.at("/spec/rules/0/filters").isMissingNode()).isTrue();
    }

    @Test
    void abTestingRoutesMatchingRequestsAndSendsTheRestToThePrimary() {
        KubeCanaries c = podinfo();
        c.iterations = 10;
        c.abMatch.add(json("{headers: {x-canary: {exact: insider}}}"));
        c.abMatch.add(json("{headers: {cookie: {regex: \"^(.*?;)?(canary=always)(;.*)?$\"}}}"));
        TrafficRouter router = new GatewayApiRouter(kube.client(), c.build(), ResourceKind.HTTP_ROUTE);
        router.reconcile();

        router.setRoutes(0, 100, false);

        assertThat(kube.require(ROUTE).at("/spec/rules")).isEqualTo(json("""
                - matches:
                    - path: {type: PathPrefix, value: /}
                      headers: [{type: Exact, name: x-canary, value: insider}]
                    - path: {type: PathPrefix, value: /}
                      headers: [{type: RegularExpression, name: cookie, value: "^(.*?;)?(canary=always)(;.*)?$"}]
                  backendRefs:
                    - {group: "", kind: Service, name: podinfo-primary, port: 9898, weight: 0}
                    - {group: "", kind: Service, name: podinfo-canary, port: 9898, weight: 100}
                - matches: [{path: {type: PathPrefix, value: /}}]
                  backendRefs:
                    - {group: "", kind: Service, name: podinfo-primary, port: 9898, weight: 100}
                """));
        assertThat(router.getRoutes()).isEqualTo(Routes.allCanary());
    }

    @Test
    void mirrorsToTheCanaryWithARequestMirrorFilter() {
        KubeCanaries c = podinfo();
        c.mirror = true;
        c.iterations = 5;
        TrafficRouter router = new GatewayApiRouter(kube.client(), c.build(), ResourceKind.HTTP_ROUTE);
        router.reconcile();

        router.setRoutes(100, 0, true);

        assertThat(kube.require(ROUTE).at("/spec/rules/0/filters")).isEqualTo(json("""
                - type: RequestMirror
                  requestMirror: {backendRef: {group: "", kind: Service, name: podinfo-canary, port: 9898}}"""));
        assertThat(router.getRoutes()).isEqualTo(new Routes(100, 0, true));

        router.setRoutes(0, 100, false);
        assertThat(kube.require(ROUTE).at("/spec/rules/0/filters").isMissingNode()).isTrue();
        assertThat(router.getRoutes()).isEqualTo(Routes.allCanary());
    }

    @Test
    void getRoutesRefusesWhileAParentHasNotAcceptedTheLatestGeneration() {
        TrafficRouter router = new GatewayApiRouter(kube.client(), podinfo().build(), ResourceKind.HTTP_ROUTE);
        router.reconcile();
        long generation = kube.require(ROUTE).at("/metadata/generation").asLong();

        setParentStatus("False", generation);
        assertThatThrownBy(router::getRoutes).isInstanceOf(RouterNotReady.class)
                .hasMessageContaining("HTTPRoute test/podinfo parent gateway is not ready (status: False");

        long now = setParentStatus("True", 0); // accepted, but an old generation
        assertThat(now).isGreaterThan(0);
        assertThatThrownBy(router::getRoutes).isInstanceOf(RouterNotReady.class).hasMessageContaining("observed generation: 0");

        long current = kube.require(ROUTE).at("/metadata/generation").asLong();
        setParentStatus("True", current + 1);
        assertThat(router.getRoutes()).isEqualTo(Routes.allPrimary());
    }

    private long setParentStatus(String accepted, long observedGeneration) {
        return kube.client().edit(ROUTE, o -> o.set("status", json("""
                parents:
                  - parentRef: {name: gateway, namespace: istio-ingress}
                    controllerName: istio.io/gateway-controller
                    conditions: [{type: Accepted, status: "%s", observedGeneration: %d, reason: Accepted}]
                """.formatted(accepted, observedGeneration)))).at("/metadata/generation").asLong();
    }

    @Test
    void reconcileTwiceChangesNothingAndKeepsWeightsMidRollout() {
        TrafficRouter router = new GatewayApiRouter(kube.client(), podinfo().build(), ResourceKind.HTTP_ROUTE);
        router.reconcile();
        router.setRoutes(70, 30, false);
        ObjectNode before = kube.require(ROUTE);

        router.reconcile();

        assertThat(kube.require(ROUTE)).isEqualTo(before);
        assertThat(router.getRoutes()).isEqualTo(new Routes(70, 30, false));
    }

    @Test
    void reconcileTakesOverAnExistingRouteKeepingOthersMetadata() {
        kube.apply(ResourceKind.HTTP_ROUTE, """
                metadata: {name: podinfo, namespace: test, labels: {team: web}}
                spec:
                  parentRefs: [{name: old-gateway}]
                  rules: [{backendRefs: [{name: podinfo, port: 9898}]}]
                """);

        new GatewayApiRouter(kube.client(), podinfo().build(), ResourceKind.HTTP_ROUTE).reconcile();

        ObjectNode route = kube.require(ROUTE);
        assertThat(route.at("/metadata/labels/team").asText()).isEqualTo("web");
        assertThat(route.at("/spec/parentRefs/0/name").asText()).isEqualTo("gateway");
        assertThat(route.at("/spec/rules/0/backendRefs")).isEqualTo(backends(100, 0));
    }

    @Test
    void concurrentEditBetweenReadAndPatchIsNotLost() throws Exception {
        new GatewayApiRouter(kube.client(), podinfo().build(), ResourceKind.HTTP_ROUTE).reconcile();
        try (KubeRaceProxy proxy = new KubeRaceProxy(kube.url())) {
            proxy.onFirstPatch(() -> kube.client().edit(ROUTE, o -> ((ObjectNode) o.path("metadata")).putObject("labels").put("argocd", "synced")));

            new GatewayApiRouter(proxy.client(), podinfo().build(), ResourceKind.HTTP_ROUTE).setRoutes(90, 10, false);

            ObjectNode route = kube.require(ROUTE);
            assertThat(proxy.patches()).isEqualTo(2);
            assertThat(route.at("/metadata/labels/argocd").asText()).isEqualTo("synced");
            assertThat(route.at("/spec/rules/0/backendRefs")).isEqualTo(backends(90, 10));
        }
    }

    @Test
    void clearErrorsForMissingRouteAndGatewayRefs() {
        var noRefs = KubeCanaries.podinfo().build();
        assertThatThrownBy(() -> new GatewayApiRouter(kube.client(), noRefs, ResourceKind.HTTP_ROUTE).reconcile())
                .isInstanceOf(RouterException.class).hasMessageContaining("service.gatewayRefs is required");
        assertThatThrownBy(() -> new GatewayApiRouter(kube.client(), podinfo().build(), ResourceKind.HTTP_ROUTE).getRoutes())
                .isInstanceOf(KubeException.NotFound.class)
                .hasMessage("HTTPRoute test/podinfo not found: create it or let Initialize bootstrap it");
    }

    @Test
    void v1beta1WritesTheSameRouteUnderItsVersion() {
        new GatewayApiRouter(kube.client(), podinfo().build(), ResourceKind.HTTP_ROUTE_V1BETA1).reconcile();
        ObjectNode route = kube.require(ResourceKind.HTTP_ROUTE_V1BETA1.ref("test", "podinfo"));
        assertThat(route.path("apiVersion").asText()).isEqualTo("gateway.networking.k8s.io/v1beta1");
        assertThat(route.at("/spec/rules/0/backendRefs")).isEqualTo(backends(100, 0));
    }

    @Test
    void serviceHeadersRewriteMirrorAndBackendTimeoutBecomeFlaggersFiltersAndTimeouts() {
        KubeCanaries c = podinfo();
        c.timeout = java.util.Optional.of("30s");
        c.serviceExtra.put("backendTimeout", "5s");
        c.serviceExtra.set("headers", json("""
                request: {set: {x-b: "2", x-a: "1"}, add: {x-c: "3"}, remove: [x-d]}
                response: {remove: [server]}"""));
        c.serviceExtra.set("rewrite", json("{uri: /v2, authority: api.example.com}"));
        c.serviceExtra.set("mirror", json("[{backendRef: {name: shadow, port: 80}}]"));
        TrafficRouter router = new GatewayApiRouter(kube.client(), c.build(), ResourceKind.HTTP_ROUTE);
        router.reconcile();
        router.setRoutes(90, 10, true);

        ObjectNode rule = (ObjectNode) kube.require(ROUTE).at("/spec/rules/0");
        assertThat(rule.path("timeouts")).isEqualTo(json("{request: 30s, backendRequest: 5s}"));
        assertThat(rule.path("filters")).isEqualTo(json("""
                - type: RequestHeaderModifier
                  requestHeaderModifier:
                    add: [{name: x-c, value: "3"}]
                    set: [{name: x-a, value: "1"}, {name: x-b, value: "2"}]
                    remove: [x-d]
                - type: ResponseHeaderModifier
                  responseHeaderModifier: {remove: [server]}
                - type: URLRewrite
                  urlRewrite: {hostname: api.example.com, path: {type: ReplaceFullPath, replaceFullPath: /v2}}
                - type: RequestMirror
                  requestMirror: {backendRef: {name: shadow, port: 80}}
                - type: RequestMirror
                  requestMirror: {backendRef: {group: "", kind: Service, name: podinfo-canary, port: 9898}}
                """));
        router.setRoutes(80, 20, false); // the analysis mirror goes, the service's stays
        assertThat(kube.require(ROUTE).at("/spec/rules/0/filters")).hasSize(4);
        assertThat(kube.require(ROUTE).at("/spec/rules/0/filters/3/requestMirror/backendRef/name").asText()).isEqualTo("shadow");
    }

    /** Flagger's {@code toV1CORSFilter}: Istio's corsPolicy as a Gateway API CORS filter on v1 routes. */
    @Test
    void corsPolicyBecomesACorsFilterOnV1Routes() {
        KubeCanaries c = podinfo();
        c.serviceExtra.set("corsPolicy", json("""
                {allowOrigin: [https://app.example.com], allowMethods: [GET, POST], allowHeaders: [x-token],
                 exposeHeaders: [x-trace], allowCredentials: true, maxAge: 24h}"""));
        new GatewayApiRouter(kube.client(), c.build(), ResourceKind.HTTP_ROUTE).reconcile();
        assertThat(kube.require(ROUTE).at("/spec/rules/0/filters")).isEqualTo(json("""
                - type: CORS
                  cors: {allowOrigins: [https://app.example.com], allowMethods: [GET, POST], allowHeaders: [x-token],
                         exposeHeaders: [x-trace], allowCredentials: true, maxAge: 86400}
                """));
    }
}
