package dev.flagstep.router;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.knative.KnativeService;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.testing.KnativeServices;
import dev.flagstep.testing.KubeMockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.flagstep.testing.KubeCanaries.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Flagger's {@code pkg/router/knative.go} behaviour, against the mock API server. */
class KnativeRouterTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    private static final KubeRef SERVICE = KnativeService.SERVICE.ref("test", "podinfo");

    private TrafficRouter router() {
        return TrafficRouters.forProvider("knative", KnativeServices.spec(), kube.client());
    }

    @Test
    void knativeProviderIsTheKnativeRouter() {
        assertThat(router()).isInstanceOf(KnativeRouter.class);
    }

    @Test
    void reconcileNamesTheLatestCreatedRevisionPrimaryOnce() {
        KnativeServices.apply(kube, "podinfo-00001", "[]");
        router().reconcile();
        assertThat(KnativeService.primaryRevision(kube.require(SERVICE))).contains("podinfo-00001");

        kube.client().edit(SERVICE, s -> s.with("status").put("latestCreatedRevisionName", "podinfo-00002"));
        router().reconcile();
        assertThat(KnativeService.primaryRevision(kube.require(SERVICE))).contains("podinfo-00001");
    }

    @Test
    void setRoutesWritesTheLatestAndThePrimaryRevision() {
        KnativeServices.apply(kube, "podinfo-00002", "[]");
        kube.client().edit(SERVICE, s -> KnativeService.setPrimaryRevision(s, "podinfo-00001"));
        router().setRoutes(new Routes(70, 30, false));
        assertThat(kube.require(SERVICE).at("/spec/traffic")).isEqualTo(json(
                "[{latestRevision: true, percent: 30}, {revisionName: podinfo-00001, percent: 70}]"));
    }

    @Test
    void setRoutesNeedsTheAnnotation() {
        KnativeServices.apply(kube, "podinfo-00001", "[]");
        assertThatThrownBy(() -> router().setRoutes(new Routes(100, 0, false)))
                .isInstanceOf(RouterException.class).hasMessage("Knative Service podinfo.test annotation not found");
    }

    @Test
    void getRoutesReadsTheStatusNotTheSpec() {
        KnativeServices.apply(kube, "podinfo-00002", """
                [{latestRevision: true, revisionName: podinfo-00002, percent: 20},
                 {latestRevision: false, revisionName: podinfo-00001, percent: 80}]""");
        kube.client().edit(SERVICE, s -> {
            KnativeService.setPrimaryRevision(s, "podinfo-00001");
            KnativeService.setTraffic(s, "podinfo-00001", 50, 50); // not applied by Knative yet
        });
        assertThat(router().getRoutes()).isEqualTo(new Routes(80, 20, false));
    }

    @Test
    void primaryIsThePinnedEntryWhileTheLatestRevisionIsThePrimary() {
        // Knative resolves latestRevision entries to a name: both entries name podinfo-00001 after Initialize
        KnativeServices.apply(kube, "podinfo-00001", """
                [{latestRevision: true, revisionName: podinfo-00001, percent: 0},
                 {latestRevision: false, revisionName: podinfo-00001, percent: 100}]""");
        kube.client().edit(SERVICE, s -> KnativeService.setPrimaryRevision(s, "podinfo-00001"));
        assertThat(router().getRoutes()).isEqualTo(Routes.allPrimary());
    }

    @Test
    void getRoutesErrorsAsFlaggers() {
        KnativeServices.apply(kube, "podinfo-00002", "[{latestRevision: true, revisionName: podinfo-00002, percent: 100}]");
        assertThatThrownBy(() -> router().getRoutes()).hasMessage("Knative Service podinfo.test annotation not found");
        kube.client().edit(SERVICE, s -> KnativeService.setPrimaryRevision(s, "podinfo-00001"));
        assertThatThrownBy(() -> router().getRoutes()).hasMessage("Knative Service podinfo.test traffic spec invalid");
        kube.client().edit(SERVICE, s -> s.with("status").set("traffic", json(
                "[{latestRevision: true, percent: 10}, {revisionName: podinfo-00001}]")));
        assertThatThrownBy(() -> router().getRoutes())
                .hasMessage("Knative Service podinfo.test primary revision traffic percent does not exist");
        kube.client().edit(SERVICE, s -> s.with("status").set("traffic", json(
                "[{latestRevision: true}, {revisionName: podinfo-00001, percent: 90}]")));
        assertThatThrownBy(() -> router().getRoutes())
                .hasMessage("Knative Service podinfo.test canary revision traffic percent does not exist");
    }

    @Test
    void revertRemovesTheAnnotationOnly() {
        KnativeServices.apply(kube, "podinfo-00002", "[]");
        kube.client().edit(SERVICE, s -> KnativeService.setPrimaryRevision(s, "podinfo-00001"));
        router().setRoutes(new Routes(100, 0, false));
        router().revert();
        ObjectNode s = kube.require(SERVICE);
        assertThat(KnativeService.primaryRevision(s)).isEmpty();
        assertThat(s.at("/spec/traffic")).isEqualTo(json(
                "[{latestRevision: true, percent: 0}, {revisionName: podinfo-00001, percent: 100}]"));
        router().revert(); // nothing left to remove
        // the Service may be gone too
        kube.client().delete(SERVICE);
        router().revert();
    }
}
