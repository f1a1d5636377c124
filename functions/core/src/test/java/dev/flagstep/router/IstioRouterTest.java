package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
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

class IstioRouterTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    static final KubeRef VS = ResourceKind.VIRTUAL_SERVICE.ref("test", "podinfo");

    static KubeCanaries podinfo() {
        KubeCanaries c = KubeCanaries.podinfo();
        c.provider = "istio";
        c.hosts.add("app.example.com");
        c.serviceExtra.set("gateways", json("[public-gateway.istio-system.svc.cluster.local]"));
        return c;
    }

    static JsonNode route(int primary, int canary) {
        return json("""
                [{destination: {host: podinfo-primary}, weight: %d}, {destination: {host: podinfo-canary}, weight: %d}]"""
                .formatted(primary, canary));
    }

    @Test
    void reconcileCreatesVirtualServiceAndDestinationRules() {
        KubeCanaries c = podinfo();
        c.timeout = java.util.Optional.of("30s");
        c.serviceExtra.set("retries", json("{attempts: 3, perTryTimeout: 1s}"));
        c.serviceExtra.set("trafficPolicy", json("{tls: {mode: ISTIO_MUTUAL}}"));
        new IstioRouter(kube.client(), c.build()).reconcile();

        ObjectNode vs = kube.require(VS);
        assertThat(vs.path("apiVersion").asText()).isEqualTo("networking.istio.io/v1beta1");
        assertThat(vs.at("/metadata/annotations/kustomize.toolkit.fluxcd.io~1reconcile").asText()).isEqualTo("disabled");
        assertThat(vs.at("/metadata/annotations/helm.toolkit.fluxcd.io~1driftDetection").asText()).isEqualTo("disabled");
        assertThat(vs.path("spec")).isEqualTo(json("""
                hosts: [app.example.com, podinfo]
                gateways: [public-gateway.istio-system.svc.cluster.local]
                http:
                  - retries: {attempts: 3, perTryTimeout: 1s}
                    timeout: 30s
                    route:
                      - {destination: {host: podinfo-primary}, weight: 100}
                      - {destination: {host: podinfo-canary}, weight: 0}
                """));
        for (String host : new String[]{"podinfo-primary", "podinfo-canary"}) {
            ObjectNode dr = kube.require(ResourceKind.DESTINATION_RULE.ref("test", host));
            assertThat(dr.path("spec")).isEqualTo(json("{host: " + host + ", trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}}"));
            assertThat(dr.at("/metadata/annotations/kustomize.toolkit.fluxcd.io~1reconcile").asText()).isEqualTo("disabled");
        }
    }

    /** Flagger's {@code makeDestination}: Services with discovered ports are named by port from a gateway. */
    @Test
    void portDiscoveryBehindAGatewayNamesTheCanarysPort() {
        KubeCanaries c = podinfo();
        c.portDiscovery = true;
        new IstioRouter(kube.client(), c.build()).reconcile();
        assertThat(kube.require(VS).at("/spec/http/0/route")).isEqualTo(json("""
                [{destination: {host: podinfo-primary, port: {number: 9898}}, weight: 100},
                 {destination: {host: podinfo-canary, port: {number: 9898}}, weight: 0}]"""));

        // inside the mesh only, a destination needs no port
        kube.client().delete(VS);
        c.serviceExtra.set("gateways", json("[mesh]"));
        new IstioRouter(kube.client(), c.build()).reconcile();
        assertThat(kube.require(VS).at("/spec/http/0/route")).isEqualTo(route(100, 0));
    }

    /** {@code service.delegation}: a delegate VirtualService, without hosts or gateways, which a root one includes. */
    @Test
    void aDelegateVirtualServiceHasNoHostsOrGateways() {
        KubeCanaries c = KubeCanaries.podinfo();
        c.provider = "istio";
        c.portDiscovery = true;
        c.serviceExtra.set("delegation", json("true"));
        new IstioRouter(kube.client(), c.build()).reconcile();
        assertThat(kube.require(VS).path("spec")).isEqualTo(json("""
                hosts: []
                gateways: []
                http:
                  - route:
                      - {destination: {host: podinfo-primary, port: {number: 9898}}, weight: 100}
                      - {destination: {host: podinfo-canary, port: {number: 9898}}, weight: 0}
                """));
        IstioRouter router = new IstioRouter(kube.client(), c.build());
        router.setRoutes(new dev.flagstep.analysis.Routes(60, 40, false));
        assertThat(router.getRoutes()).isEqualTo(new dev.flagstep.analysis.Routes(60, 40, false));
    }

    @Test
    void walksTheWeightsUpAndBackToThePrimary() {
        TrafficRouter router = new IstioRouter(kube.client(), podinfo().build());
        router.reconcile();
        for (int w = 0; w <= 50; w += 10) {
            router.setRoutes(100 - w, w, false);
            assertThat(kube.require(VS).at("/spec/http/0/route")).isEqualTo(route(100 - w, w));
            assertThat(router.getRoutes()).isEqualTo(new Routes(100 - w, w, false));
        }
        router.setRoutes(100, 0, false);
        assertThat(kube.require(VS).at("/spec/http")).hasSize(1);
        assertThat(kube.require(VS).at("/spec/http/0/route")).isEqualTo(route(100, 0));
    }

    @Test
    void abTestingMergesMatchesAndAddsADefaultRoute() {
        KubeCanaries c = podinfo();
        c.iterations = 10;
        c.serviceMatch.add(json("{uri: {prefix: /api}}"));
        c.abMatch.add(json("{headers: {x-canary: {exact: insider}}}"));
        TrafficRouter router = new IstioRouter(kube.client(), c.build());
        router.reconcile();

        router.setRoutes(0, 100, false);

        assertThat(kube.require(VS).at("/spec/http")).isEqualTo(json("""
                - match: [{uri: {prefix: /api}, headers: {x-canary: {exact: insider}}}]
                  route:
                    - {destination: {host: podinfo-primary}, weight: 0}
                    - {destination: {host: podinfo-canary}, weight: 100}
                - match: [{uri: {prefix: /api}}]
                  route:
                    - {destination: {host: podinfo-primary}, weight: 100}
                """));
        assertThat(router.getRoutes()).isEqualTo(Routes.allCanary());
    }

    @Test
    void mirrorsWithMirrorPercentage() {
        KubeCanaries c = podinfo();
        c.mirror = true;
        c.mirrorWeight = 40;
        c.iterations = 5;
        TrafficRouter router = new IstioRouter(kube.client(), c.build());
        router.reconcile();

        router.setRoutes(100, 0, true);
        JsonNode http0 = kube.require(VS).at("/spec/http/0");
        assertThat(http0.path("mirror")).isEqualTo(json("{host: podinfo-canary}"));
        assertThat(http0.path("mirrorPercentage").path("value").asDouble()).isEqualTo(40.0);
        assertThat(router.getRoutes()).isEqualTo(new Routes(100, 0, true));

        router.setRoutes(0, 100, false);
        http0 = kube.require(VS).at("/spec/http/0");
        assertThat(http0.has("mirror")).isFalse();
        assertThat(http0.has("mirrorPercentage")).isFalse();
    }

    @Test
    void getRoutesRefusesWhenBothWeightsAreZero() {
        TrafficRouter router = new IstioRouter(kube.client(), podinfo().build());
        router.reconcile();
        router.setRoutes(0, 0, false);
        assertThatThrownBy(router::getRoutes).isInstanceOf(RouterException.class)
                .hasMessageContaining("VirtualService test/podinfo routes neither to podinfo-primary nor to podinfo-canary");
    }

    @Test
    void reconcileTwiceChangesNothing() {
        TrafficRouter router = new IstioRouter(kube.client(), podinfo().build());
        router.reconcile();
        router.setRoutes(60, 40, false);
        ObjectNode vs = kube.require(VS);
        ObjectNode dr = kube.require(ResourceKind.DESTINATION_RULE.ref("test", "podinfo-primary"));

        router.reconcile();

        assertThat(kube.require(VS)).isEqualTo(vs);
        assertThat(kube.require(ResourceKind.DESTINATION_RULE.ref("test", "podinfo-primary"))).isEqualTo(dr);
    }

    @Test
    void concurrentEditIsNotLost() throws Exception {
        new IstioRouter(kube.client(), podinfo().build()).reconcile();
        try (KubeRaceProxy proxy = new KubeRaceProxy(kube.url())) {
            proxy.onFirstPatch(() -> kube.client().edit(VS, o -> ((ObjectNode) o.path("spec")).putArray("exportTo").add(".")));

            new IstioRouter(proxy.client(), podinfo().build()).setRoutes(80, 20, false);

            assertThat(kube.require(VS).at("/spec/exportTo")).isEqualTo(json("[.]"));
            assertThat(kube.require(VS).at("/spec/http/0/route")).isEqualTo(route(80, 20));
        }
    }

    @Test
    void revertSendsAllTrafficToThePrimaryOrRestoresTheSpecTheUserApplied() {
        IstioRouter router = new IstioRouter(kube.client(), podinfo().build());
        router.reconcile();
        router.setRoutes(new Routes(70, 30, false));

        router.revert();
        assertThat(kube.require(VS).at("/spec/http/0/route")).isEqualTo(route(100, 0));

        kube.client().edit(VS, o -> o.withObjectProperty("metadata").withObjectProperty("annotations").put(
                "kubectl.kubernetes.io/last-applied-configuration",
                "{\"spec\":{\"hosts\":[\"podinfo\"],\"http\":[{\"route\":[{\"destination\":{\"host\":\"podinfo\"}}]}]}}"));
        router.revert();
        assertThat(kube.require(VS).path("spec")).isEqualTo(json("{hosts: [podinfo], http: [{route: [{destination: {host: podinfo}}]}]}"));
    }

    @Test
    void revertOfARouterNeverReconciledChangesNothing() {
        KubeCanaries c = podinfo();
        c.name = "never";
        new IstioRouter(kube.client(), c.build()).revert();
        assertThat(kube.client().get(ResourceKind.VIRTUAL_SERVICE.ref("test", "never"))).isEmpty();
    }

    @Test
    void rewriteKeepsOnlyWhatIstioKnows() {
        KubeCanaries c = KubeCanaries.podinfo();
        c.provider = "istio";
        c.serviceExtra.set("rewrite", json("{uri: /v2, authority: a.io, type: ReplacePrefixMatch}"));
        new IstioRouter(kube.client(), c.build()).reconcile();
        assertThat(kube.require(VS).at("/spec/http/0/rewrite")).isEqualTo(json("{uri: /v2, authority: a.io}"));
    }
}
