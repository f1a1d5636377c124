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

import java.util.Optional;

import static dev.flagstep.testing.KubeCanaries.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SkipperRouterTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    static final KubeRef USER = ResourceKind.INGRESS.ref("test", "podinfo-ingress");
    static final KubeRef CANARY = ResourceKind.INGRESS.ref("test", "podinfo-ingress-canary");
    static final String USER_INGRESS = """
            metadata:
              name: podinfo-ingress
              namespace: test
              labels: {app: podinfo}
              annotations:
                kubernetes.io/ingress.class: skipper
                zalando.org/skipper-predicate: "Method(\\"GET\\") && Weight(100)"
                kubectl.kubernetes.io/last-applied-configuration: "{}"
            spec:
              rules:
                - host: app.example.com
                  http:
                    paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: podinfo, port: {number: 80}}}}
                      - {path: /other, pathType: Prefix, backend: {service: {name: other, port: {number: 80}}}}
            """;

    ObjectNode userIngress;

    static KubeCanaries podinfo() {
        KubeCanaries c = KubeCanaries.podinfo();
        c.provider = "skipper";
        c.ingressRef = Optional.of("podinfo-ingress");
        return c;
    }

    @BeforeEach
    void userHasAnIngress() {
        userIngress = kube.apply(ResourceKind.INGRESS, USER_INGRESS);
    }

    static JsonNode annotations(int primary, int canary, String predicate) {
        return json("""
                {kubernetes.io/ingress.class: skipper,
                 kustomize.toolkit.fluxcd.io/reconcile: disabled, helm.toolkit.fluxcd.io/driftDetection: disabled,
                 zalando.org/backend-weights: '{"podinfo-canary":%d,"podinfo-primary":%d}',
                 zalando.org/skipper-predicate: '%s'}""".formatted(canary, primary, predicate));
    }

    @Test
    void reconcileClonesTheIngressWithPrimaryAndCanaryPaths() {
        assertThat(TrafficRouters.forProvider("skipper", podinfo().build(), kube.client())).isInstanceOf(SkipperRouter.class);
        new SkipperRouter(kube.client(), podinfo().build()).reconcile();

        ObjectNode canary = kube.require(CANARY);
        assertThat(canary.at("/metadata/labels")).isEqualTo(json("{app: podinfo}"));
        assertThat(canary.at("/metadata/annotations")).isEqualTo(annotations(100, 0, "Weight(100) && Method(\"GET\")"));
        assertThat(canary.path("spec")).isEqualTo(json("""
                rules:
                  - host: app.example.com
                    http:
                      paths:
                        - {path: /, pathType: Prefix, backend: {service: {name: podinfo-primary, port: {number: 80}}}}
                        - {path: /other, pathType: Prefix, backend: {service: {name: other, port: {number: 80}}}}
                        - {path: /, pathType: Prefix, backend: {service: {name: podinfo-canary, port: {number: 80}}}}
                """));
        assertThat(kube.require(USER)).isEqualTo(userIngress);
    }

    @Test
    void walksTheWeightsAndDisablesTheCloneAtZero() {
        TrafficRouter router = new SkipperRouter(kube.client(), podinfo().build());
        router.reconcile();
        assertThat(router.getRoutes()).isEqualTo(Routes.allPrimary());
        for (int w = 10; w <= 50; w += 10) {
            router.setRoutes(100 - w, w, false);
            assertThat(kube.require(CANARY).at("/metadata/annotations")).isEqualTo(annotations(100 - w, w, "Weight(100) && Method(\"GET\")"));
            assertThat(router.getRoutes()).isEqualTo(new Routes(100 - w, w, false));
        }
        ObjectNode before = kube.require(CANARY);
        router.reconcile(); // keeps the weights (Flagger would reset them on a spec change)
        assertThat(kube.require(CANARY)).isEqualTo(before);

        router.setRoutes(100, 0, false);
        assertThat(kube.require(CANARY).at("/metadata/annotations")).isEqualTo(annotations(100, 0, "False() && Method(\"GET\")"));
        assertThat(router.getRoutes()).isEqualTo(Routes.allPrimary());
        router.setRoutes(0, 100, true); // no mirroring: ignored
        assertThat(kube.require(CANARY).at("/metadata/annotations")).isEqualTo(annotations(0, 100, "Weight(100) && Method(\"GET\")"));
        assertThat(kube.require(USER)).isEqualTo(userIngress);
    }

    @Test
    void reconcileAfterAnIngressChangeKeepsTheWeights() {
        TrafficRouter router = new SkipperRouter(kube.client(), podinfo().build());
        router.reconcile();
        router.setRoutes(70, 30, false);
        kube.client().edit(USER, o -> ((ObjectNode) o.at("/spec/rules/0")).put("host", "new.example.com"));
        router.reconcile();
        assertThat(kube.require(CANARY).at("/spec/rules/0/host").asText()).isEqualTo("new.example.com");
        assertThat(router.getRoutes()).isEqualTo(new Routes(70, 30, false));
    }

    @Test
    void revertDeletesTheClone() {
        TrafficRouter router = new SkipperRouter(kube.client(), podinfo().build());
        router.reconcile();
        router.setRoutes(50, 50, false);
        router.revert();
        assertThat(kube.client().get(CANARY)).isEmpty();
        assertThat(kube.require(USER)).isEqualTo(userIngress);
        router.revert(); // already gone: nothing to do
    }

    @Test
    void errorsNameTheProblem() {
        KubeCanaries noRef = podinfo();
        noRef.ingressRef = Optional.empty();
        assertThatThrownBy(() -> new SkipperRouter(kube.client(), noRef.build()).reconcile())
                .isInstanceOf(RouterException.class).hasMessageContaining("spec.ingressRef is required");
        KubeCanaries otherService = podinfo();
        otherService.serviceName = Optional.of("absent");
        assertThatThrownBy(() -> new SkipperRouter(kube.client(), otherService.build()).reconcile())
                .isInstanceOf(RouterException.class).hasMessageContaining("no path of ingress podinfo-ingress goes to backend absent");
        KubeCanaries missing = podinfo();
        missing.ingressRef = Optional.of("missing");
        assertThatThrownBy(() -> new SkipperRouter(kube.client(), missing.build()).reconcile())
                .isInstanceOf(RouterException.class).hasMessageContaining("not found: create your Ingress first");
        kube.apply(ResourceKind.INGRESS, "metadata: {name: podinfo-ingress-canary, namespace: test}\nspec: {}");
        assertThatThrownBy(() -> new SkipperRouter(kube.client(), podinfo().build()).getRoutes())
                .isInstanceOf(RouterException.class).hasMessageContaining("has no annotation zalando.org/backend-weights");
    }
}
