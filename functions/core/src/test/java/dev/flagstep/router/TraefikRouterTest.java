package dev.flagstep.router;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.testing.KubeCanaries;
import dev.flagstep.testing.KubeMockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.flagstep.testing.KubeCanaries.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraefikRouterTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    static final KubeRef SERVICE = TraefikRouter.TRAEFIK_SERVICE.ref("test", "podinfo");
    static final String PRIMARY = "{name: podinfo-primary, namespace: test, port: 9898";
    static final String CANARY = "{name: podinfo-canary, namespace: test, port: 9898";

    static KubeCanaries podinfo() {
        KubeCanaries c = KubeCanaries.podinfo();
        c.provider = "traefik";
        return c;
    }

    static String weighted(int primary, int canary) {
        String p = PRIMARY + (primary > 0 ? ", weight: " + primary : "") + "}";
        return "{weighted: {services: [" + p + (canary > 0 ? ", " + CANARY + ", weight: " + canary + "}" : "") + "]}}";
    }

    @Test
    void reconcileWritesTheTraefikServiceWithOnlyThePrimary() {
        assertThat(TrafficRouters.forProvider("traefik", podinfo().build(), kube.client())).isInstanceOf(TraefikRouter.class);
        new TraefikRouter(kube.client(), podinfo().build()).reconcile();

        ObjectNode ts = kube.require(SERVICE);
        assertThat(ts.path("apiVersion").asText()).isEqualTo("traefik.io/v1alpha1");
        assertThat(ts.path("kind").asText()).isEqualTo("TraefikService");
        assertThat(ts.at("/metadata/annotations")).isEqualTo(json(
                "{kustomize.toolkit.fluxcd.io/reconcile: disabled, helm.toolkit.fluxcd.io/driftDetection: disabled}"));
        assertThat(ts.path("spec")).isEqualTo(json(weighted(100, 0)));
    }

    @Test
    void walksTheWeightsListingTheCanaryOnlyWithTrafficAndReconcileKeepsThem() {
        TrafficRouter router = new TraefikRouter(kube.client(), podinfo().build());
        router.reconcile();
        assertThat(router.getRoutes()).isEqualTo(Routes.allPrimary());
        for (int w = 10; w <= 50; w += 10) {
            router.setRoutes(100 - w, w, false);
            assertThat(kube.require(SERVICE).path("spec")).isEqualTo(json(weighted(100 - w, w)));
            assertThat(router.getRoutes()).isEqualTo(new Routes(100 - w, w, false));
        }
        ObjectNode before = kube.require(SERVICE);
        router.reconcile();
        assertThat(kube.require(SERVICE)).isEqualTo(before);

        router.setRoutes(0, 100, true); // no mirroring here: ignored
        assertThat(kube.require(SERVICE).path("spec")).isEqualTo(json(weighted(0, 100)));
        assertThat(router.getRoutes()).isEqualTo(Routes.allCanary());

        router.revert();
        assertThat(kube.require(SERVICE).path("spec")).isEqualTo(json(weighted(100, 0)));
    }

    @Test
    void errorsNameTheProblem() {
        TrafficRouter router = new TraefikRouter(kube.client(), podinfo().build());
        assertThatThrownBy(() -> router.setRoutes(0, 0, false)).isInstanceOf(RouterException.class).hasMessageContaining("no valid weights");
        router.revert();
        kube.apply(TraefikRouter.TRAEFIK_SERVICE, "metadata: {name: podinfo, namespace: test}\nspec: {weighted: {services: []}}");
        assertThatThrownBy(router::getRoutes).isInstanceOf(RouterException.class).hasMessageContaining("run Initialize");
    }
}
