package dev.flagstep.workload.autoscaler;

import static dev.flagstep.testing.KubeCanaries.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.AutoscalerRef;
import dev.flagstep.spec.AutoscalerRef.Kind;
import dev.flagstep.testing.KubeCanaries;
import dev.flagstep.testing.KubeMockServer;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The adapter against a real (mock) API server: what it reads, creates, updates and annotates. */
class AutoscalerControllerTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    static final KubeRef USER_HPA = ResourceKind.HORIZONTAL_POD_AUTOSCALER.ref("test", "podinfo");
    static final KubeRef PRIMARY_HPA = ResourceKind.HORIZONTAL_POD_AUTOSCALER.ref("test", "podinfo-primary");
    static final KubeRef USER_SO = ResourceKind.SCALED_OBJECT.ref("test", "podinfo-so");

    static final String HPA = """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: podinfo, namespace: test, labels: {app: podinfo}}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
              minReplicas: %d
              maxReplicas: 4
            """;

    static final String SO = """
            apiVersion: keda.sh/v1alpha1
            kind: ScaledObject
            metadata: {name: podinfo-so, namespace: test, annotations: {team: web}}
            spec:
              scaleTargetRef: {name: podinfo}
              minReplicaCount: 3
              triggers: [{type: cpu, metadata: {value: "80"}}]
            """;

    static AutoscalerController controller(Kind kind, String name, Optional<Integer> max) {
        KubeCanaries c = KubeCanaries.podinfo();
        c.autoscalerRef = Optional.of(new AutoscalerRef(kind, kind.apiVersion(), name, Optional.empty(), max, Optional.empty()));
        return AutoscalerController.of(kube.client(), c.build()).orElseThrow();
    }

    @Test
    void createsThePrimaryHpaOnceAndUpdatesItOnlyWhenAskedTo() {
        kube.apply(ResourceKind.HORIZONTAL_POD_AUTOSCALER, HPA.formatted(2));
        AutoscalerController c = controller(Kind.HORIZONTAL_POD_AUTOSCALER, "podinfo", Optional.of(6));

        c.reconcilePrimary(true);
        assertThat(kube.require(PRIMARY_HPA).path("spec")).isEqualTo(json("""
                {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo-primary}, minReplicas: 2, maxReplicas: 6}"""));
        assertThat(kube.require(PRIMARY_HPA).at("/metadata/labels")).isEqualTo(json("{app: podinfo}"));

        kube.client().edit(USER_HPA, h -> h.withObjectProperty("spec").put("minReplicas", 3));
        c.reconcilePrimary(true);
        assertThat(kube.require(PRIMARY_HPA).at("/spec/minReplicas").asInt()).as("create-only").isEqualTo(2);
        String version = kube.require(PRIMARY_HPA).at("/metadata/resourceVersion").asText();
        c.reconcilePrimary(false);
        assertThat(kube.require(PRIMARY_HPA).at("/spec/minReplicas").asInt()).as("promotion").isEqualTo(3);
        assertThat(kube.require(PRIMARY_HPA).at("/spec/maxReplicas").asInt()).isEqualTo(6);
        assertThat(kube.require(PRIMARY_HPA).at("/metadata/resourceVersion").asText()).isNotEqualTo(version);

        String updated = kube.require(PRIMARY_HPA).at("/metadata/resourceVersion").asText();
        c.reconcilePrimary(false);
        assertThat(kube.require(PRIMARY_HPA).at("/metadata/resourceVersion").asText()).as("nothing to write").isEqualTo(updated);
        assertThat(c.minReplicas()).isEqualTo(OptionalInt.of(3));
    }

    @Test
    void aMissingUserAutoscalerIsNamed() {
        AutoscalerController c = controller(Kind.HORIZONTAL_POD_AUTOSCALER, "gone", Optional.empty());
        assertThatThrownBy(() -> c.reconcilePrimary(true)).isInstanceOf(AutoscalerController.MissingAutoscaler.class)
                .hasMessage("HorizontalPodAutoscaler gone.test get query error: not found (spec.autoscalerRef names it)");
        assertThat(c.minReplicas()).isEmpty();
        c.pauseTarget();
        c.resumeTarget();
    }

    @Test
    void pausesAndResumesAScaledObjectOnly() {
        kube.apply(ResourceKind.SCALED_OBJECT, SO);
        AutoscalerController so = controller(Kind.SCALED_OBJECT, "podinfo-so", Optional.empty());

        so.pauseTarget();
        assertThat(kube.require(USER_SO).at("/metadata/annotations"))
                .isEqualTo(json("{team: web, autoscaling.keda.sh/paused-replicas: '0'}"));
        so.reconcilePrimary(true);
        ObjectNode primary = kube.require(ResourceKind.SCALED_OBJECT.ref("test", "podinfo-so-primary"));
        assertThat(primary.at("/metadata/annotations")).as("never paused").isEqualTo(json("{team: web}"));
        assertThat(primary.at("/spec/scaleTargetRef/name").asText()).isEqualTo("podinfo-primary");
        assertThat(so.minReplicas()).isEqualTo(OptionalInt.of(3));

        so.resumeTarget();
        assertThat(kube.require(USER_SO).at("/metadata/annotations")).isEqualTo(json("{team: web}"));

        kube.apply(ResourceKind.HORIZONTAL_POD_AUTOSCALER, HPA.formatted(2));
        String version = kube.require(USER_HPA).at("/metadata/resourceVersion").asText();
        AutoscalerController hpa = controller(Kind.HORIZONTAL_POD_AUTOSCALER, "podinfo", Optional.empty());
        hpa.pauseTarget();
        hpa.resumeTarget();
        assertThat(kube.require(USER_HPA).at("/metadata/resourceVersion").asText()).as("an HPA is never written").isEqualTo(version);
    }
}
