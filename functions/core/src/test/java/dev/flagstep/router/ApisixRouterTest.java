package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.testing.KubeCanaries;
import dev.flagstep.testing.KubeMockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.flagstep.testing.KubeCanaries.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApisixRouterTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    static final KubeRef USER = ApisixRouter.APISIX_ROUTE.ref("test", "podinfo");
    static final KubeRef CANARY = ApisixRouter.APISIX_ROUTE.ref("test", "podinfo-podinfo-canary");
    static final String USER_ROUTE = """
            metadata:
              name: podinfo
              namespace: test
              labels: {app: podinfo}
              annotations: {team: web}
            spec:
              http:
                - name: other
                  match: {paths: ["/other"]}
                  backends: [{serviceName: other, servicePort: 80}]
                - name: method
                  match: {hosts: [app.example.com], methods: [GET], paths: ["/*"]}
                  backends: [{serviceName: podinfo, servicePort: 80, resolveGranularity: service}]
                  plugins: [{name: prometheus, enable: true, config: {disable: false, prefer_name: true}}]
            """;

    ObjectNode userRoute;

    static KubeCanaries podinfo() {
        KubeCanaries c = KubeCanaries.podinfo();
        c.provider = "apisix";
        c.specExtra.set("routeRef", json("{apiVersion: apisix.apache.org/v2, kind: ApisixRoute, name: podinfo}"));
        return c;
    }

    @BeforeEach
    void userHasARoute() {
        userRoute = kube.apply(ApisixRouter.APISIX_ROUTE, USER_ROUTE);
    }

    static JsonNode http(int primary, int canary) {
        return json("""
                - name: method
                  priority: 10000
                  match: {hosts: [app.example.com], methods: [GET], paths: ["/*"]}
                  backends:
                    - {serviceName: podinfo-primary, servicePort: 80, resolveGranularity: service, weight: %d}
                    - {serviceName: podinfo-canary, servicePort: 80, resolveGranularity: service, weight: %d}
                  plugins: [{name: prometheus, enable: true, config: {disable: false, prefer_name: true}}]
                """.formatted(primary, canary));
    }

    @Test
    void reconcileCopiesTheTargetItemOfTheUsersRoute() {
        assertThat(TrafficRouters.forProvider("apisix", podinfo().build(), kube.client())).isInstanceOf(ApisixRouter.class);
        new ApisixRouter(kube.client(), podinfo().build()).reconcile();

        ObjectNode copy = kube.require(CANARY);
        assertThat(copy.path("apiVersion").asText()).isEqualTo("apisix.apache.org/v2");
        assertThat(copy.path("kind").asText()).isEqualTo("ApisixRoute");
        assertThat(copy.at("/metadata/labels")).isEqualTo(json("{app: podinfo}"));
        assertThat(copy.at("/metadata/annotations")).isEqualTo(json(
                "{team: web, kustomize.toolkit.fluxcd.io/reconcile: disabled, helm.toolkit.fluxcd.io/driftDetection: disabled}"));
        assertThat(copy.at("/spec/http")).isEqualTo(http(100, 0));
        assertThat(kube.require(USER)).isEqualTo(userRoute);
    }

    @Test
    void walksTheWeightsAndReconcileKeepsThem() {
        TrafficRouter router = new ApisixRouter(kube.client(), podinfo().build());
        router.reconcile();
        assertThat(router.getRoutes()).isEqualTo(Routes.allPrimary());
        for (int w = 10; w <= 50; w += 10) {
            router.setRoutes(100 - w, w, false);
            assertThat(kube.require(CANARY).at("/spec/http")).isEqualTo(http(100 - w, w));
            assertThat(router.getRoutes()).isEqualTo(new Routes(100 - w, w, false));
        }
        ObjectNode before = kube.require(CANARY);
        router.reconcile();
        assertThat(kube.require(CANARY)).isEqualTo(before);

        kube.client().edit(USER, o -> ((ObjectNode) o.at("/spec/http/1")).put("timeout", "5s"));
        router.reconcile();
        assertThat(kube.require(CANARY).at("/spec/http/0/timeout").asText()).isEqualTo("5s");
        assertThat(router.getRoutes()).isEqualTo(new Routes(50, 50, false));

        router.setRoutes(0, 100, true); // no mirroring: ignored
        assertThat(router.getRoutes()).isEqualTo(Routes.allCanary());
        router.revert();
        assertThat(router.getRoutes()).isEqualTo(Routes.allPrimary());
        assertThat(kube.require(USER).at("/spec/http/1/backends")).isEqualTo(json("[{serviceName: podinfo, servicePort: 80, resolveGranularity: service}]"));
    }

    @Test
    void errorsNameTheProblem() {
        KubeCanaries noRef = podinfo();
        noRef.specExtra.remove("routeRef");
        assertThatThrownBy(() -> new ApisixRouter(kube.client(), noRef.build()).reconcile())
                .isInstanceOf(RouterException.class).hasMessageContaining("spec.routeRef is required");
        new ApisixRouter(kube.client(), noRef.build()).revert(); // nothing to revert

        KubeCanaries other = podinfo();
        other.serviceName = java.util.Optional.of("absent");
        assertThatThrownBy(() -> new ApisixRouter(kube.client(), other.build()).reconcile())
                .isInstanceOf(RouterException.class).hasMessageContaining("no spec.http item").hasMessageContaining("backend absent");

        kube.client().edit(USER, o -> ((com.fasterxml.jackson.databind.node.ArrayNode) o.at("/spec/http/1/backends"))
                .addObject().put("serviceName", "second").put("servicePort", 80));
        assertThatThrownBy(() -> new ApisixRouter(kube.client(), podinfo().build()).reconcile())
                .isInstanceOf(RouterException.class).hasMessageContaining("has 2 backends; only one is supported");

        TrafficRouter router = new ApisixRouter(kube.client(), podinfo().build());
        assertThatThrownBy(() -> router.setRoutes(0, 0, false)).isInstanceOf(RouterException.class).hasMessageContaining("no valid weights");
        assertThatThrownBy(router::getRoutes).hasMessageContaining("podinfo-podinfo-canary");
    }
}
