package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.testing.KubeCanaries;
import dev.flagstep.testing.KubeMockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Optional;

import static dev.flagstep.testing.KubeCanaries.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContourRouterTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    static final KubeRef PROXY = ContourRouter.HTTP_PROXY.ref("test", "podinfo");

    static KubeCanaries podinfo() {
        KubeCanaries c = KubeCanaries.podinfo();
        c.provider = "contour";
        return c;
    }

    /** One route's services as Flagger writes them (weight 0 is omitted by Contour's Go types). */
    static String services(int primary, int canary) {
        return """
                services:
                  - {name: podinfo-primary, port: 9898, %s requestHeadersPolicy: {set: [{name: l5d-dst-override, value: "podinfo-primary.test.svc.cluster.local:9898"}]}}
                  - {name: podinfo-canary, port: 9898, %s requestHeadersPolicy: {set: [{name: l5d-dst-override, value: "podinfo-canary.test.svc.cluster.local:9898"}]}}
                """.formatted(primary > 0 ? "weight: " + primary + "," : "", canary > 0 ? "weight: " + canary + "," : "");
    }

    static JsonNode route(String conditions, int primary, int canary) {
        return json("conditions: " + conditions + "\n" + services(primary, canary));
    }

    static com.fasterxml.jackson.databind.node.ArrayNode arr() {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    }

    @Test
    void forProviderBuildsIt() {
        assertThat(TrafficRouters.forProvider("contour", podinfo().build(), kube.client())).isInstanceOf(ContourRouter.class);
    }

    @Test
    void reconcileWritesTheHttpProxyAsFlaggerDoes() {
        new ContourRouter(kube.client(), podinfo().build()).reconcile();

        ObjectNode proxy = kube.require(PROXY);
        assertThat(proxy.path("apiVersion").asText()).isEqualTo("projectcontour.io/v1");
        assertThat(proxy.path("kind").asText()).isEqualTo("HTTPProxy");
        assertThat(proxy.at("/metadata/annotations")).isEqualTo(json(
                "{kustomize.toolkit.fluxcd.io/reconcile: disabled, helm.toolkit.fluxcd.io/driftDetection: disabled}"));
        assertThat(proxy.at("/spec/routes")).isEqualTo(arr().add(route("[{prefix: /}]", 100, 0)));
    }

    @Test
    void prefixTimeoutAndRetriesComeFromTheService() {
        KubeCanaries c = podinfo();
        c.serviceMatch.add(json("{uri: {prefix: /api}}"));
        c.timeout = Optional.of("30s");
        c.serviceExtra.set("retries", json("{attempts: 3, perTryTimeout: 5s, retryOn: \"5xx,gateway-error\"}"));
        new ContourRouter(kube.client(), c.build()).reconcile();

        ObjectNode expected = (ObjectNode) route("[{prefix: /api}]", 100, 0);
        expected.set("timeoutPolicy", json("{response: 30s, idle: 5m}"));
        expected.set("retryPolicy", json("{count: 3, perTryTimeout: 5s, retryOn: [5xx, gateway-error]}"));
        assertThat(kube.require(PROXY).at("/spec/routes/0")).isEqualTo(expected);
    }

    @Test
    void walksTheWeightsAndReconcileKeepsThem() {
        TrafficRouter router = new ContourRouter(kube.client(), podinfo().build());
        router.reconcile();
        assertThat(router.getRoutes()).isEqualTo(Routes.allPrimary());
        for (int w = 10; w <= 50; w += 10) {
            router.setRoutes(100 - w, w, false);
            assertThat(kube.require(PROXY).at("/spec/routes/0")).isEqualTo(route("[{prefix: /}]", 100 - w, w));
            assertThat(router.getRoutes()).isEqualTo(new Routes(100 - w, w, false));
        }
        ObjectNode before = kube.require(PROXY);
        router.reconcile();
        assertThat(kube.require(PROXY)).isEqualTo(before);

        router.setRoutes(0, 100, true); // Contour cannot mirror: ignored, as in Flagger
        assertThat(kube.require(PROXY).at("/spec/routes/0")).isEqualTo(route("[{prefix: /}]", 0, 100));
        assertThat(router.getRoutes()).isEqualTo(Routes.allCanary());

        router.revert();
        assertThat(kube.require(PROXY).at("/spec/routes/0")).isEqualTo(route("[{prefix: /}]", 100, 0));
    }

    @Test
    void abTestingAddsAHeaderRouteThatTakesTheWeights() {
        KubeCanaries c = podinfo();
        c.iterations = 5;
        c.abMatch.add(json("{headers: {x-canary: {exact: insider}, user-agent: {prefix: Mozilla}}}"));
        c.abMatch.add(json("{headers: {x-tier: {suffix: gold}, x-re: {regex: \"^a.*\"}}}"));
        TrafficRouter router = new ContourRouter(kube.client(), c.build());
        router.reconcile();

        String conditions = """
                [{prefix: /, header: {name: user-agent, contains: Mozilla}},
                 {prefix: /, header: {name: x-canary, exact: insider}},
                 {prefix: /, header: {name: x-re}},
                 {prefix: /, header: {name: x-tier, contains: gold}}]""";
        assertThat(kube.require(PROXY).at("/spec/routes")).isEqualTo(arr()
                .add(route(conditions, 100, 0)).add(route("[{prefix: /}]", 100, 0)));

        router.setRoutes(0, 100, false);
        assertThat(kube.require(PROXY).at("/spec/routes")).isEqualTo(arr()
                .add(route(conditions, 0, 100)).add(route("[{prefix: /}]", 100, 0)));
        assertThat(router.getRoutes()).isEqualTo(Routes.allCanary());
        router.reconcile();
        assertThat(router.getRoutes()).isEqualTo(Routes.allCanary());
    }

    @Test
    void errorsNameTheProblem() {
        TrafficRouter router = new ContourRouter(kube.client(), podinfo().build());
        assertThatThrownBy(() -> router.setRoutes(0, 0, false)).isInstanceOf(RouterException.class).hasMessageContaining("no valid weights");
        router.revert(); // nothing reconciled: nothing to revert
        kube.apply(ContourRouter.HTTP_PROXY, "metadata: {name: podinfo, namespace: test}\nspec: {routes: [{services: [{name: other}]}]}");
        assertThatThrownBy(router::getRoutes).isInstanceOf(RouterException.class).hasMessageContaining("run Initialize");
    }
}
