package dev.flagstep.workload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.knative.KnativeService;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.testing.KnativeServices;
import dev.flagstep.testing.KubeMockServer;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.flagstep.testing.KubeCanaries.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Flagger's {@code pkg/canary/knative_controller.go} behaviour, against the mock API server. */
class KnativeControllerTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    private static final KubeRef SERVICE = KnativeService.SERVICE.ref("test", "podinfo");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private TargetController controller() {
        return TargetControllers.forKind(kube.client(), KnativeServices.spec(), Clock.fixed(T0, java.time.ZoneOffset.UTC));
    }

    @Test
    void knativeServiceTargetIsTheKnativeController() {
        assertThat(controller()).isInstanceOf(KnativeController.class);
        assertThat(TargetControllers.resourceKind(KnativeServices.spec().targetRef())).isEqualTo(KnativeService.SERVICE);
    }

    @Test
    void initializeNamesThePrimaryRevisionWithAllTheTrafficOnce() {
        KnativeServices.apply(kube, "podinfo-00001", "[]");
        assertThat(controller().initialize().primaryCreated()).isTrue();
        ObjectNode s = kube.require(SERVICE);
        assertThat(s.at("/metadata/annotations/flagger.app~1primary-revision").asText()).isEqualTo("podinfo-00001");
        assertThat(s.at("/spec/traffic")).isEqualTo(json(
                "[{latestRevision: true, percent: 0}, {revisionName: podinfo-00001, percent: 100}]"));

        kube.client().edit(SERVICE, o -> o.with("status").put("latestCreatedRevisionName", "podinfo-00002"));
        assertThat(controller().initialize().primaryCreated()).isFalse();
        assertThat(KnativeService.primaryRevision(kube.require(SERVICE))).contains("podinfo-00001");
        assertThat(controller().reconcileApex()).isFalse();
    }

    @Test
    void initializeWaitsForAFirstRevision() {
        kube.apply(KnativeService.SERVICE, "metadata: {name: podinfo, namespace: test}\nspec: {}");
        assertThatThrownBy(() -> controller().initialize()).isInstanceOf(TargetRefused.class)
                .hasMessageContaining("no status.latestCreatedRevisionName");
    }

    @Test
    void revisionIsTheLatestCreatedRevisionName() {
        KnativeServices.apply(kube, "podinfo-00003", "[]");
        assertThat(controller().revision(kube.require(SERVICE), Map.of())).isEqualTo("podinfo-00003");
        assertThat(TargetControllers.revision(KnativeServices.spec().targetRef(), kube.require(SERVICE), Map.of()))
                .isEqualTo("podinfo-00003");
        assertThat(controller().trackedConfigs().isEmpty()).isTrue();
    }

    @Test
    void promoteMovesTheAnnotationToTheLatestCreatedRevision() {
        KnativeServices.apply(kube, "podinfo-00001", "[]");
        controller().initialize();
        kube.client().edit(SERVICE, o -> o.with("status").put("latestCreatedRevisionName", "podinfo-00002"));
        controller().promote();
        assertThat(KnativeService.primaryRevision(kube.require(SERVICE))).contains("podinfo-00002");
    }

    @Test
    void readinessIsTheRevisionsReadyCondition() {
        KnativeServices.apply(kube, "podinfo-00002", "[]");
        assertThat(controller().primaryReadiness(T0)).isEqualTo(new Readiness.NotYet(
                "Knative Service podinfo.test primary revision annotation not found"));
        kube.client().edit(SERVICE, o -> KnativeService.setPrimaryRevision(o, "podinfo-00001"));
        KnativeServices.revision(kube, "podinfo-00001", true);
        assertThat(controller().primaryReadiness(T0)).isEqualTo(new Readiness.Ready());
        assertThat(controller().primaryReadyToServe(T0)).isEqualTo(new Readiness.Ready());
        assertThat(controller().canaryReadiness(T0)).isEqualTo(new Readiness.NotYet("Knative Revision podinfo-00002.test not found"));
        KnativeServices.revision(kube, "podinfo-00002", false);
        assertThat(controller().canaryReadiness(T0)).isEqualTo(new Readiness.NotYet("Knative Revision podinfo-00002.test is not ready"));
        kube.client().edit(KnativeService.REVISION.ref("test", "podinfo-00002"),
                r -> r.with("status").set("conditions", json("[{type: Ready, status: 'True'}]")));
        assertThat(controller().canaryReadiness(T0)).isEqualTo(new Readiness.Ready());
    }

    @Test
    void revertGivesTheLatestRevisionAllTheTraffic() {
        KnativeServices.apply(kube, "podinfo-00002", "[]");
        controller().initialize();
        controller().restoreTarget();
        controller().revertApex();
        assertThat(kube.require(SERVICE).at("/spec/traffic")).isEqualTo(json("[{latestRevision: true, percent: 100}]"));
    }
}
