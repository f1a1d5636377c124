package dev.flagstep.router;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.ProviderNames;
import dev.flagstep.testing.KubeCanaries;
import dev.flagstep.testing.KubeMockServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.flagstep.testing.KubeCanaries.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmiAndNopRouterTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    @ParameterizedTest
    @ValueSource(strings = {"smi:v1alpha2", "smi:v1alpha3", "smi:v1alpha3:linkerd", "osm", "linkerd", "smi:v1alpha1",
            "smi:v1alpha1:linkerd"})
    void trafficSplitWalksTheWeights(String provider) {
        KubeCanaries c = KubeCanaries.podinfo();
        c.provider = provider;
        TrafficRouter router = TrafficRouters.forProvider(provider, c.build(), kube.client());
        String version = provider.startsWith("smi:v1alpha3") ? "v1alpha3"
                : provider.equals("linkerd") || provider.startsWith("smi:v1alpha1") ? "v1alpha1" : "v1alpha2";
        // v1alpha1 weights are resource.Quantity, which Flagger's Go client writes as strings
        String q = version.equals("v1alpha1") ? "'" : "";
        var ref = new ResourceKind("split.smi-spec.io", version, "TrafficSplit", "trafficsplits").ref("test", "podinfo");

        router.reconcile();
        ObjectNode split = kube.require(ref);
        assertThat(split.path("apiVersion").asText()).isEqualTo("split.smi-spec.io/" + version);
        assertThat(split.at("/metadata/annotations/kustomize.toolkit.fluxcd.io~1reconcile").asText()).isEqualTo("disabled");
        assertThat(split.path("spec")).isEqualTo(json("""
                service: podinfo
                backends: [{service: podinfo-canary, weight: %s0%s}, {service: podinfo-primary, weight: %s100%s}]"""
                .formatted(q, q, q, q)));

        for (int w = 10; w <= 50; w += 10) {
            router.setRoutes(100 - w, w, false);
            assertThat(kube.require(ref).at("/spec/backends")).isEqualTo(json(
                    "[{service: podinfo-canary, weight: %s%d%s}, {service: podinfo-primary, weight: %s%d%s}]"
                            .formatted(q, w, q, q, 100 - w, q)));
            assertThat(router.getRoutes()).isEqualTo(new Routes(100 - w, w, false));
        }
        router.setRoutes(100, 0, false);
        assertThat(router.getRoutes()).isEqualTo(Routes.allPrimary());
        ObjectNode before = kube.require(ref);
        router.reconcile();
        assertThat(kube.require(ref)).isEqualTo(before);
    }

    @Test
    void v1alpha1ReadsNumberWeightsToo() {
        var ref = ResourceKind.TRAFFIC_SPLIT_V1ALPHA1.ref("test", "podinfo");
        TrafficRouter router = TrafficRouters.forProvider("linkerd", KubeCanaries.podinfo().build(), kube.client());
        router.reconcile();
        kube.client().edit(ref, o -> o.set("spec", json("""
                service: podinfo
                backends: [{service: podinfo-canary, weight: 30}, {service: podinfo-primary, weight: '70'}]""")));
        assertThat(router.getRoutes()).isEqualTo(new Routes(70, 30, false));
        router.reconcile(); // keeps the weights, in Flagger's string form
        assertThat(kube.require(ref).at("/spec/backends")).isEqualTo(json(
                "[{service: podinfo-canary, weight: '30'}, {service: podinfo-primary, weight: '70'}]"));
    }

    @Test
    void trafficSplitServiceIsTheFirstHost() {
        KubeCanaries c = KubeCanaries.podinfo();
        c.hosts.add("podinfo.test.svc.cluster.local");
        new SmiRouter(kube.client(), c.build(), ResourceKind.TRAFFIC_SPLIT_V1ALPHA3).reconcile();
        assertThat(kube.require(ResourceKind.TRAFFIC_SPLIT_V1ALPHA3.ref("test", "podinfo")).at("/spec/service").asText())
                .isEqualTo("podinfo.test.svc.cluster.local");
    }

    @Test
    void kubernetesProviderTouchesNothing() {
        TrafficRouter router = TrafficRouters.forProvider("kubernetes", KubeCanaries.podinfo().build(), kube.client());
        int before = kube.server().getRequestCount();
        router.reconcile();
        router.setRoutes(0, 100, false);
        assertThat(router.getRoutes()).isEqualTo(Routes.allPrimary());
        assertThat(kube.server().getRequestCount()).isEqualTo(before);
    }

    @Test
    void providersMapToRouters() {
        var c = KubeCanaries.podinfo().build();
        assertThat(TrafficRouters.forProvider("gatewayapi", c, kube.client())).isInstanceOf(GatewayApiRouter.class);
        assertThat(TrafficRouters.forProvider("gatewayapi:v1beta1", c, kube.client())).isInstanceOf(GatewayApiRouter.class);
        assertThat(TrafficRouters.forProvider("istio", c, kube.client())).isInstanceOf(IstioRouter.class);
        assertThat(TrafficRouters.forProvider("nginx", c, kube.client())).isInstanceOf(NginxRouter.class);
        assertThat(TrafficRouters.forProvider("alb", c, kube.client())).isInstanceOf(AlbRouter.class);
        assertThat(TrafficRouters.forProvider("kubernetes", c, kube.client())).isInstanceOf(NopRouter.class);
        assertThat(TrafficRouters.forProvider("linkerd", c, kube.client())).isInstanceOf(SmiRouter.class);
        assertThat(TrafficRouters.forProvider("osm", c, kube.client())).isInstanceOf(SmiRouter.class);
        for (String appMesh : new String[] {"appmesh", "appmesh:v1beta2", "appmesh:v1beta2:x"}) {
            assertThatThrownBy(() -> TrafficRouters.forProvider(appMesh, c, kube.client()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("provider '" + appMesh + "': " + ProviderNames.APP_MESH_ENDED);
        }
        assertThatThrownBy(() -> TrafficRouters.forProvider("smi", c, kube.client()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("provider 'smi': " + ProviderNames.PLAIN_SMI);
        assertThat(TrafficRouters.forProvider("knative", c, kube.client())).isInstanceOf(KnativeRouter.class);
        assertThatThrownBy(() -> TrafficRouters.forProvider("istio2", c, kube.client()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("provider 'istio2' is not supported; use one of gatewayapi, gatewayapi:v1");
        assertThatThrownBy(() -> new Routes(101, 0, false)).isInstanceOf(IllegalArgumentException.class);
    }
}
