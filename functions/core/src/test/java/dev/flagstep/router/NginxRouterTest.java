package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.testing.KubeCanaries;
import dev.flagstep.testing.KubeMockServer;
import dev.flagstep.testing.KubeRaceProxy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Optional;

import static dev.flagstep.testing.KubeCanaries.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NginxRouterTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    static final KubeRef USER = ResourceKind.INGRESS.ref("test", "podinfo");
    static final KubeRef CANARY = ResourceKind.INGRESS.ref("test", "podinfo-canary");
    static final String USER_INGRESS = """
            metadata:
              name: podinfo
              namespace: test
              labels: {app: podinfo}
              annotations: {nginx.ingress.kubernetes.io/rewrite-target: /, kubectl.kubernetes.io/last-applied-configuration: "{}"}
            spec:
              ingressClassName: nginx
              rules:
                - host: app.example.com
                  http:
                    paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: podinfo, port: {number: 80}}}}
            """;

    ObjectNode userIngress;

    static KubeCanaries podinfo() {
        KubeCanaries c = KubeCanaries.podinfo();
        c.provider = "nginx";
        c.ingressRef = Optional.of("podinfo");
        return c;
    }

    @BeforeEach
    void userHasAnIngress() {
        userIngress = kube.apply(ResourceKind.INGRESS, USER_INGRESS);
    }

    static JsonNode annotations(String... extra) {
        StringBuilder b = new StringBuilder("""
                {nginx.ingress.kubernetes.io/rewrite-target: /,
                 kustomize.toolkit.fluxcd.io/reconcile: disabled, helm.toolkit.fluxcd.io/driftDetection: disabled""");
        for (int i = 0; i < extra.length; i += 2) b.append(", ").append(extra[i]).append(": \"").append(extra[i + 1]).append('"');
        return json(b.append('}').toString());
    }

    @Test
    void reconcileClonesTheIngressForTheCanaryAndLeavesTheUsersAlone() {
        new NginxRouter(kube.client(), podinfo().build()).reconcile();

        ObjectNode canary = kube.require(CANARY);
        assertThat(canary.at("/metadata/labels")).isEqualTo(json("{app: podinfo}"));
        assertThat(canary.at("/metadata/annotations")).isEqualTo(annotations(
                "nginx.ingress.kubernetes.io/canary", "true", "nginx.ingress.kubernetes.io/canary-weight", "0"));
        assertThat(canary.path("spec")).isEqualTo(json("""
                ingressClassName: nginx
                rules:
                  - host: app.example.com
                    http:
                      paths:
                        - {path: /, pathType: Prefix, backend: {service: {name: podinfo-canary, port: {number: 80}}}}
                """));
        assertThat(kube.require(USER)).isEqualTo(userIngress);
    }

    @Test
    void walksTheWeightsUpAndBackToThePrimary() {
        TrafficRouter router = new NginxRouter(kube.client(), podinfo().build());
        router.reconcile();
        for (int w = 10; w <= 50; w += 10) {
            router.setRoutes(100 - w, w, false);
            assertThat(kube.require(CANARY).at("/metadata/annotations")).isEqualTo(annotations(
                    "nginx.ingress.kubernetes.io/canary", "true", "nginx.ingress.kubernetes.io/canary-weight", String.valueOf(w)));
            assertThat(router.getRoutes()).isEqualTo(new Routes(100 - w, w, false));
        }
        router.setRoutes(100, 0, false);
        assertThat(kube.require(CANARY).at("/metadata/annotations")).isEqualTo(annotations(
                "nginx.ingress.kubernetes.io/canary", "true", "nginx.ingress.kubernetes.io/canary-weight", "0"));
        assertThat(router.getRoutes()).isEqualTo(Routes.allPrimary());
        assertThat(kube.require(USER)).isEqualTo(userIngress);
    }

    @Test
    void abTestingByHeaderAndByCookie() {
        KubeCanaries c = podinfo();
        c.iterations = 10;
        c.abMatch.add(json("{headers: {x-canary: {regex: \"^insider.*\"}}}"));
        c.abMatch.add(json("{headers: {cookie: {exact: canary}}}"));
        TrafficRouter router = new NginxRouter(kube.client(), c.build());
        router.reconcile();
        assertThat(router.getRoutes()).isEqualTo(Routes.allPrimary());

        router.setRoutes(0, 100, false);
        assertThat(kube.require(CANARY).at("/metadata/annotations")).isEqualTo(annotations(
                "nginx.ingress.kubernetes.io/canary", "true", "nginx.ingress.kubernetes.io/canary-weight", "0",
                "nginx.ingress.kubernetes.io/canary-by-header", "x-canary",
                "nginx.ingress.kubernetes.io/canary-by-header-pattern", "^insider.*",
                "nginx.ingress.kubernetes.io/canary-by-cookie", "canary"));
        assertThat(router.getRoutes()).isEqualTo(Routes.allCanary());

        router.setRoutes(100, 0, false); // promotion finished: the canary ingress matches nothing again
        assertThat(kube.require(CANARY).at("/metadata/annotations")).isEqualTo(annotations(
                "nginx.ingress.kubernetes.io/canary", "true", "nginx.ingress.kubernetes.io/canary-weight", "0"));
        assertThat(router.getRoutes()).isEqualTo(Routes.allPrimary());
    }

    @Test
    void reconcileTwiceChangesNothing() {
        TrafficRouter router = new NginxRouter(kube.client(), podinfo().build());
        router.reconcile();
        router.setRoutes(70, 30, false);
        ObjectNode before = kube.require(CANARY);
        router.reconcile();
        assertThat(kube.require(CANARY)).isEqualTo(before);
    }

    @Test
    void concurrentEditIsNotLost() throws Exception {
        new NginxRouter(kube.client(), podinfo().build()).reconcile();
        try (KubeRaceProxy proxy = new KubeRaceProxy(kube.url())) {
            proxy.onFirstPatch(() -> kube.client().edit(CANARY, o -> ((ObjectNode) o.at("/metadata/labels")).put("team", "web")));
            new NginxRouter(proxy.client(), podinfo().build()).setRoutes(80, 20, false);
            ObjectNode canary = kube.require(CANARY);
            assertThat(canary.at("/metadata/labels/team").asText()).isEqualTo("web");
            assertThat(canary.at("/metadata/annotations/nginx.ingress.kubernetes.io~1canary-weight").asText()).isEqualTo("20");
        }
    }

    @Test
    void clearErrors() {
        KubeCanaries noRef = podinfo();
        noRef.ingressRef = Optional.empty();
        assertThatThrownBy(() -> new NginxRouter(kube.client(), noRef.build()).reconcile())
                .isInstanceOf(RouterException.class).hasMessageContaining("spec.ingressRef is required");
        KubeCanaries other = podinfo();
        other.serviceName = Optional.of("frontend");
        assertThatThrownBy(() -> new NginxRouter(kube.client(), other.build()).reconcile())
                .isInstanceOf(RouterException.class).hasMessage("nginx: backend frontend not found in ingress podinfo");
        KubeCanaries missing = podinfo();
        missing.ingressRef = Optional.of("nope");
        assertThatThrownBy(() -> new NginxRouter(kube.client(), missing.build()).reconcile())
                .isInstanceOf(RouterException.class).hasMessageContaining("Ingress test/nope (spec.ingressRef) not found");
    }
}
