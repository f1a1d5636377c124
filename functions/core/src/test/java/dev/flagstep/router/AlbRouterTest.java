package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

class AlbRouterTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    static final KubeRef INGRESS = ResourceKind.INGRESS.ref("test", "podinfo");
    static final String ACTION = "alb.ingress.kubernetes.io/actions.podinfo";

    static KubeCanaries podinfo() {
        KubeCanaries c = KubeCanaries.podinfo();
        c.provider = "alb";
        c.port = 80;
        c.ingressRef = Optional.of("podinfo");
        return c;
    }

    @BeforeEach
    void userHasAnAlbIngress() {
        kube.apply(ResourceKind.INGRESS, """
                metadata:
                  name: podinfo
                  namespace: test
                  annotations: {alb.ingress.kubernetes.io/scheme: internet-facing, alb.ingress.kubernetes.io/target-type: ip}
                spec:
                  ingressClassName: alb
                  rules:
                    - http:
                        paths:
                          - {path: /, pathType: Prefix, backend: {service: {name: podinfo, port: {number: 80}}}}
                          - {path: /static, pathType: Prefix, backend: {service: {name: assets, port: {number: 80}}}}
                """);
    }

    static JsonNode action(ObjectNode ingress) throws Exception {
        return new ObjectMapper().readTree(ingress.at("/metadata/annotations").path(ACTION).asText());
    }

    static JsonNode forward(int primary, int canary) {
        return json("""
                type: forward
                forwardConfig:
                  targetGroups:
                    - {serviceName: podinfo-primary, servicePort: "80", weight: %d}
                    - {serviceName: podinfo-canary, servicePort: "80", weight: %d}
                  targetGroupStickinessConfig: {enabled: false}
                """.formatted(primary, canary));
    }

    @Test
    void reconcilePointsTheRuleAtTheForwardAction() throws Exception {
        new AlbRouter(kube.client(), podinfo().build()).reconcile();

        ObjectNode ing = kube.require(INGRESS);
        assertThat(ing.at("/spec/rules/0/http/paths/0/backend")).isEqualTo(json("{service: {name: podinfo, port: {name: use-annotation}}}"));
        assertThat(ing.at("/spec/rules/0/http/paths/1/backend")).isEqualTo(json("{service: {name: assets, port: {number: 80}}}"));
        assertThat(action(ing)).isEqualTo(forward(100, 0));
        assertThat(ing.at("/metadata/annotations/alb.ingress.kubernetes.io~1scheme").asText()).isEqualTo("internet-facing");
    }

    @Test
    void walksTheWeightsUpAndBackToThePrimary() throws Exception {
        TrafficRouter router = new AlbRouter(kube.client(), podinfo().build());
        router.reconcile();
        for (int w = 10; w <= 50; w += 10) {
            router.setRoutes(100 - w, w, false);
            assertThat(action(kube.require(INGRESS))).isEqualTo(forward(100 - w, w));
            assertThat(router.getRoutes()).isEqualTo(new Routes(100 - w, w, false));
        }
        router.setRoutes(100, 0, false);
        assertThat(action(kube.require(INGRESS))).isEqualTo(forward(100, 0));
    }

    @Test
    void sessionAffinityIsTargetGroupStickinessWhileTheCanaryHasTraffic() throws Exception {
        KubeCanaries c = podinfo();
        c.analysisExtra.set("sessionAffinity", json("{cookieName: ignored-on-alb, maxAge: 3600}"));
        TrafficRouter router = new AlbRouter(kube.client(), c.build());
        router.reconcile();
        assertThat(action(kube.require(INGRESS)).at("/forwardConfig/targetGroupStickinessConfig"))
                .isEqualTo(json("{enabled: false}"));
        router.setRoutes(90, 10, false);
        assertThat(action(kube.require(INGRESS)).at("/forwardConfig/targetGroupStickinessConfig"))
                .isEqualTo(json("{enabled: true, durationSeconds: 3600}"));
        assertThat(router.getRoutes()).isEqualTo(new Routes(90, 10, false));
        router.setRoutes(Routes.allPrimary()); // the run ended: sticky clients go back to the primary
        assertThat(action(kube.require(INGRESS))).isEqualTo(forward(100, 0));
    }

    @Test
    void reconcileTwiceChangesNothingAndKeepsWeights() {
        TrafficRouter router = new AlbRouter(kube.client(), podinfo().build());
        router.reconcile();
        router.setRoutes(80, 20, false);
        ObjectNode before = kube.require(INGRESS);
        router.reconcile();
        assertThat(kube.require(INGRESS)).isEqualTo(before);
    }

    @Test
    void concurrentEditIsNotLost() throws Exception {
        new AlbRouter(kube.client(), podinfo().build()).reconcile();
        try (KubeRaceProxy proxy = new KubeRaceProxy(kube.url())) {
            proxy.onFirstPatch(() -> kube.client().edit(INGRESS, o -> ((ObjectNode) o.at("/metadata/annotations"))
                    .put("alb.ingress.kubernetes.io/certificate-arn", "arn:aws:acm:eu-west-1:123456789012:certificate/abc")));
            new AlbRouter(proxy.client(), podinfo().build()).setRoutes(90, 10, false);
            ObjectNode ing = kube.require(INGRESS);
            assertThat(ing.at("/metadata/annotations/alb.ingress.kubernetes.io~1certificate-arn").asText()).endsWith("certificate/abc");
            assertThat(action(ing)).isEqualTo(forward(90, 10));
        }
    }

    @Test
    void refusesAbTestingAndMissingBackends() {
        KubeCanaries ab = podinfo();
        ab.iterations = 10;
        ab.abMatch.add(json("{headers: {x-canary: {exact: insider}}}"));
        assertThatThrownBy(() -> new AlbRouter(kube.client(), ab.build()).reconcile())
                .isInstanceOf(RouterException.class).hasMessageContaining("A/B testing");
        KubeCanaries other = podinfo();
        other.serviceName = Optional.of("frontend");
        assertThatThrownBy(() -> new AlbRouter(kube.client(), other.build()).reconcile())
                .isInstanceOf(RouterException.class).hasMessageContaining("routes to service frontend");
        assertThatThrownBy(() -> new AlbRouter(kube.client(), podinfo().build()).getRoutes())
                .isInstanceOf(RouterException.class).hasMessageContaining("run Initialize");
    }
}
