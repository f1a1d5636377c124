package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.testing.KubeCanaries;
import dev.flagstep.testing.KubeMockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.flagstep.testing.KubeCanaries.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GlooRouterTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    static final KubeRef TABLE = GlooRouter.ROUTE_TABLE.ref("test", "podinfo");
    static final KubeRef PRIMARY_UPSTREAM = GlooRouter.UPSTREAM.ref("test", "test-podinfo-primaryupstream-9898");
    static final KubeRef CANARY_UPSTREAM = GlooRouter.UPSTREAM.ref("test", "test-podinfo-canaryupstream-9898");

    static KubeCanaries podinfo() {
        KubeCanaries c = KubeCanaries.podinfo();
        c.provider = "gloo";
        return c;
    }

    @BeforeEach
    void initializeCreatedTheServices() {
        for (String s : new String[] {"podinfo-primary", "podinfo-canary"}) {
            kube.apply(ResourceKind.SERVICE, """
                    metadata: {name: %s, namespace: test}
                    spec: {selector: {app: %s}, ports: [{port: 9898}]}""".formatted(s, s));
        }
    }

    static JsonNode destinations(int primary, int canary) {
        return json("""
                - {destination: {upstream: {name: test-podinfo-primaryupstream-9898, namespace: test}}%s}
                - {destination: {upstream: {name: test-podinfo-canaryupstream-9898, namespace: test}}%s}
                """.formatted(primary > 0 ? ", weight: " + primary : "", canary > 0 ? ", weight: " + canary : ""));
    }

    @Test
    void reconcileWritesTheUpstreamsAndTheRouteTable() {
        assertThat(TrafficRouters.forProvider("gloo", podinfo().build(), kube.client())).isInstanceOf(GlooRouter.class);
        new GlooRouter(kube.client(), podinfo().build()).reconcile();

        ObjectNode primary = kube.require(PRIMARY_UPSTREAM);
        assertThat(primary.path("apiVersion").asText()).isEqualTo("gloo.solo.io/v1");
        assertThat(primary.path("kind").asText()).isEqualTo("Upstream");
        assertThat(primary.path("spec")).isEqualTo(json(
                "{kube: {serviceName: podinfo-primary, serviceNamespace: test, servicePort: 9898, selector: {app: podinfo-primary}}}"));
        assertThat(kube.require(CANARY_UPSTREAM).path("spec")).isEqualTo(json(
                "{kube: {serviceName: podinfo-canary, serviceNamespace: test, servicePort: 9898, selector: {app: podinfo-canary}}}"));

        ObjectNode table = kube.require(TABLE);
        assertThat(table.path("apiVersion").asText()).isEqualTo("gateway.solo.io/v1");
        assertThat(table.path("kind").asText()).isEqualTo("RouteTable");
        assertThat(table.at("/metadata/annotations")).isEqualTo(json(
                "{kustomize.toolkit.fluxcd.io/reconcile: disabled, helm.toolkit.fluxcd.io/driftDetection: disabled}"));
        ObjectNode route = (ObjectNode) json("{inheritablePathMatchers: true}");
        route.putObject("routeAction").putObject("multi").set("destinations", destinations(100, 0));
        ObjectNode spec = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        spec.putArray("routes").add(route);
        assertThat(table.path("spec")).isEqualTo(spec);
    }

    @Test
    void walksTheWeightsAndReconcileKeepsThem() {
        TrafficRouter router = new GlooRouter(kube.client(), podinfo().build());
        router.reconcile();
        assertThat(router.getRoutes()).isEqualTo(Routes.allPrimary());
        for (int w = 10; w <= 50; w += 10) {
            router.setRoutes(100 - w, w, false);
            assertThat(kube.require(TABLE).at("/spec/routes/0/routeAction/multi/destinations")).isEqualTo(destinations(100 - w, w));
            assertThat(router.getRoutes()).isEqualTo(new Routes(100 - w, w, false));
        }
        ObjectNode before = kube.require(TABLE);
        router.reconcile();
        assertThat(kube.require(TABLE)).isEqualTo(before);
        router.setRoutes(0, 100, true); // no mirroring: ignored
        assertThat(kube.require(TABLE).at("/spec/routes/0/routeAction/multi/destinations")).isEqualTo(destinations(0, 100));
        router.revert();
        assertThat(router.getRoutes()).isEqualTo(Routes.allPrimary());
    }

    @Test
    void abTestingPutsEveryHeaderAndMethodInOneMatcher() {
        KubeCanaries c = podinfo();
        c.iterations = 5;
        c.abMatch.add(json("{headers: {x-canary: {exact: insider}, user-agent: {regex: \".*Firefox.*\"}}}"));
        c.abMatch.add(json("{headers: {x-tier: {prefix: gold}}, method: {exact: GET}}"));
        TrafficRouter router = new GlooRouter(kube.client(), c.build());
        router.reconcile();
        assertThat(kube.require(TABLE).at("/spec/routes/0/matchers")).isEqualTo(json("""
                - headers:
                    - {name: user-agent, value: ".*Firefox.*", regex: true}
                    - {name: x-canary, value: insider}
                    - {name: x-tier}
                  methods: [GET]
                """));
        router.setRoutes(0, 100, false);
        assertThat(router.getRoutes()).isEqualTo(Routes.allCanary());
        assertThat(kube.require(TABLE).at("/spec/routes/0/matchers/0/methods")).isEqualTo(json("[GET]"));
    }

    @Test
    void upstreamRefSettingsAreCopiedAndTheLoadBalancerKeptInSync() {
        kube.apply(GlooRouter.UPSTREAM, """
                metadata: {name: config-upstream, namespace: gloo-system}
                spec:
                  connectionConfig: {maxRequestsPerConnection: 100}
                  loadBalancerConfig: {roundRobin: {}}
                  useHttp2: true
                  kube: {serviceName: ignored, serviceNamespace: gloo-system, servicePort: 1}
                """);
        KubeCanaries c = podinfo();
        c.specExtra.set("upstreamRef", json("{apiVersion: gloo.solo.io/v1, kind: Upstream, name: config-upstream, namespace: gloo-system}"));
        TrafficRouter router = new GlooRouter(kube.client(), c.build());
        router.reconcile();
        assertThat(kube.require(CANARY_UPSTREAM).path("spec")).isEqualTo(json("""
                connectionConfig: {maxRequestsPerConnection: 100}
                loadBalancerConfig: {roundRobin: {}}
                useHttp2: true
                kube: {serviceName: podinfo-canary, serviceNamespace: test, servicePort: 9898, selector: {app: podinfo-canary}}
                """));

        kube.client().edit(GlooRouter.UPSTREAM.ref("gloo-system", "config-upstream"), o -> {
            ((ObjectNode) o.path("spec")).set("loadBalancerConfig", json("{leastRequest: {choiceCount: 3}}"));
            ((ObjectNode) o.path("spec")).put("useHttp2", false);
        });
        router.reconcile();
        for (KubeRef u : new KubeRef[] {PRIMARY_UPSTREAM, CANARY_UPSTREAM}) {
            assertThat(kube.require(u).at("/spec/loadBalancerConfig")).isEqualTo(json("{leastRequest: {choiceCount: 3}}"));
            assertThat(kube.require(u).at("/spec/useHttp2").asBoolean()).isTrue(); // only the load balancer is synced
        }
    }

    @Test
    void errorsNameTheProblem() {
        KubeCanaries c = podinfo();
        c.specExtra.set("upstreamRef", json("{name: absent, namespace: gloo-system}"));
        assertThatThrownBy(() -> new GlooRouter(kube.client(), c.build()).reconcile())
                .isInstanceOf(RouterException.class).hasMessageContaining("config upstream").hasMessageContaining("absent");
        kube.client().delete(ResourceKind.SERVICE.ref("test", "podinfo-canary"));
        assertThatThrownBy(() -> new GlooRouter(kube.client(), podinfo().build()).reconcile())
                .isInstanceOf(RouterException.class).hasMessageContaining("podinfo-canary").hasMessageContaining("not found");
        TrafficRouter router = new GlooRouter(kube.client(), podinfo().build());
        assertThatThrownBy(() -> router.setRoutes(0, 0, false)).isInstanceOf(RouterException.class).hasMessageContaining("no valid weights");
        router.revert();
    }
}
