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

/** Flagger's kuma router ({@code kuma.go}, {@code kuma_test.go}): a cluster-scoped TrafficRoute. */
class KumaRouterTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    static final KubeRef ROUTE = KumaRouter.TRAFFIC_ROUTE.ref("", "podinfo");

    static KubeCanaries kuma() {
        KubeCanaries c = KubeCanaries.podinfo();
        c.provider = "kuma";
        return c;
    }

    @Test
    void writesTheClusterScopedTrafficRouteAndWalksTheWeights() {
        TrafficRouter router = TrafficRouters.forProvider("kuma", kuma().build(), kube.client());
        assertThat(router).isInstanceOf(KumaRouter.class);

        router.reconcile();
        assertThat(ROUTE.path()).isEqualTo("/apis/kuma.io/v1alpha1/trafficroutes/podinfo");
        ObjectNode route = kube.require(ROUTE);
        assertThat(route.path("apiVersion").asText()).isEqualTo("kuma.io/v1alpha1");
        assertThat(route.path("kind").asText()).isEqualTo("TrafficRoute");
        assertThat(route.at("/metadata/namespace").isMissingNode()).isTrue();
        assertThat(route.at("/metadata/annotations/kustomize.toolkit.fluxcd.io~1reconcile").asText()).isEqualTo("disabled");
        assertThat(route.path("mesh").asText()).isEqualTo("default");
        assertThat(route.path("spec")).isEqualTo(json("""
                sources: [{match: {kuma.io/service: '*'}}]
                destinations: [{match: {kuma.io/service: podinfo_test_svc_9898}}]
                conf:
                  split:
                    - {weight: 100, destination: {kuma.io/service: podinfo-primary_test_svc_9898}}
                    - {weight: 0, destination: {kuma.io/service: podinfo-canary_test_svc_9898}}"""));
        assertThat(router.getRoutes()).isEqualTo(Routes.allPrimary());

        for (int w = 10; w <= 50; w += 10) {
            router.setRoutes(100 - w, w, true); // no mirroring in Kuma: ignored, as in Flagger
            assertThat(kube.require(ROUTE).at("/spec/conf/split")).isEqualTo(json("""
                    - {weight: %d, destination: {kuma.io/service: podinfo-primary_test_svc_9898}}
                    - {weight: %d, destination: {kuma.io/service: podinfo-canary_test_svc_9898}}""".formatted(100 - w, w)));
            assertThat(router.getRoutes()).isEqualTo(new Routes(100 - w, w, false));
        }

        ObjectNode before = kube.require(ROUTE);
        router.reconcile(); // keeps the weights in the middle of a rollout
        assertThat(kube.require(ROUTE)).isEqualTo(before);
        router.revert();
        assertThat(router.getRoutes()).isEqualTo(Routes.allPrimary());
    }

    @Test
    void meshComesFromTheCanarysAnnotationOnCreate() {
        KubeCanaries c = kuma();
        c.name = "mesh-app";
        c.annotations.put("kuma.io/mesh", "payments");
        new KumaRouter(kube.client(), c.build()).reconcile();
        KubeRef ref = KumaRouter.TRAFFIC_ROUTE.ref("", "mesh-app");
        assertThat(kube.require(ref).path("mesh").asText()).isEqualTo("payments");

        c.annotations.put("kuma.io/mesh", "other"); // Flagger sets the mesh when it creates the route only
        new KumaRouter(kube.client(), c.build()).reconcile();
        assertThat(kube.require(ref).path("mesh").asText()).isEqualTo("payments");
    }

    @Test
    void theApexMetadataGoesOnTheRoute() {
        KubeCanaries c = kuma();
        c.name = "labelled";
        c.serviceExtra = (ObjectNode) json("apex: {labels: {team: web}, annotations: {9898.service.kuma.io/protocol: http}}");
        new KumaRouter(kube.client(), c.build()).reconcile();
        KubeRef ref = KumaRouter.TRAFFIC_ROUTE.ref("", "labelled");
        assertThat(kube.require(ref).at("/metadata/labels")).isEqualTo(json("{team: web}"));
        assertThat(kube.require(ref).at("/metadata/annotations")).isEqualTo(json("""
                {9898.service.kuma.io/protocol: http, kustomize.toolkit.fluxcd.io/reconcile: disabled,
                 helm.toolkit.fluxcd.io/driftDetection: disabled}"""));

        c.serviceExtra = (ObjectNode) json("apex: {labels: {team: api}}");
        new KumaRouter(kube.client(), c.build()).reconcile();
        assertThat(kube.require(ref).at("/metadata/labels")).isEqualTo(json("{team: api}"));
    }

    @Test
    void reconcileRestoresADriftedSpecKeepingTheWeights() {
        KubeCanaries c = kuma();
        c.name = "drift";
        KumaRouter router = new KumaRouter(kube.client(), c.build());
        router.reconcile();
        router.setRoutes(70, 30, false);
        KubeRef ref = KumaRouter.TRAFFIC_ROUTE.ref("", "drift");
        kube.client().edit(ref, o -> o.with("spec").putArray("sources").addObject().putObject("match").put("kuma.io/service", "x"));
        router.reconcile();
        assertThat(kube.require(ref).at("/spec/sources")).isEqualTo(json("[{match: {kuma.io/service: '*'}}]"));
        assertThat(router.getRoutes()).isEqualTo(new Routes(70, 30, false));
    }

    @Test
    void routesAreRequired() {
        KubeCanaries c = kuma();
        c.name = "empty";
        KumaRouter router = new KumaRouter(kube.client(), c.build());
        router.reconcile();
        kube.client().edit(KumaRouter.TRAFFIC_ROUTE.ref("", "empty"), o -> o.with("spec").putObject("conf").putArray("split"));
        assertThatThrownBy(router::getRoutes).isInstanceOf(RouterException.class)
                .hasMessageStartingWith("TrafficRoute empty has no routes for empty-primary and empty-canary");
    }
}
