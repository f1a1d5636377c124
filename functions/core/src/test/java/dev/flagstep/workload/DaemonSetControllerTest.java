package dev.flagstep.workload;

import static dev.flagstep.testing.KubeCanaries.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.testing.KubeCanaries;
import dev.flagstep.testing.KubeMockServer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DaemonSetControllerTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    static final KubeRef TARGET = ResourceKind.DAEMON_SET.ref("test", "podinfo");
    static final KubeRef PRIMARY = ResourceKind.DAEMON_SET.ref("test", "podinfo-primary");

    static String daemonSet(String image, String strategy, String nodeSelector) {
        return """
                metadata:
                  name: podinfo
                  namespace: test
                  labels: {app: podinfo, team: web}
                  annotations: {deprecated.daemonset.template.generation: "3", owner: web}
                spec:
                  minReadySeconds: 5
                  revisionHistoryLimit: 4
                  updateStrategy: %s
                  selector: {matchLabels: {app: podinfo}}
                  template:
                    metadata:
                      labels: {app: podinfo}
                    spec:
                      %s
                      containers:
                        - name: podinfod
                          image: "%s"
                          envFrom: [{configMapRef: {name: podinfo-config}}]
                """.formatted(strategy, nodeSelector, image);
    }

    static final String ROLLING = "{type: RollingUpdate, rollingUpdate: {maxUnavailable: 1}}";

    static DaemonSetController controller() {
        KubeCanaries c = KubeCanaries.podinfo();
        c.kind = "DaemonSet";
        return (DaemonSetController) TargetControllers.forKind(kube.client(), c.build(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static void configMap() {
        kube.apply(ResourceKind.CONFIG_MAP, "{metadata: {name: podinfo-config, namespace: test}, data: {color: blue}}");
    }

    @Test
    void bootstrapCreatesAPrimaryDaemonSetWithoutTheScaleToZeroSelectorAndTheServices() {
        configMap();
        // a target already scaled to zero (an earlier run): the primary must still be scheduled on every node
        kube.apply(ResourceKind.DAEMON_SET, daemonSet("podinfo:1", ROLLING,
                "nodeSelector: {kubernetes.io/os: linux, flagger.app/scale-to-zero: 'true'}"));

        TargetController.Bootstrap b = controller().bootstrap();

        assertThat(b).isEqualTo(new TargetController.Bootstrap(true, List.of("podinfo", "podinfo-primary", "podinfo-canary")));
        ObjectNode primary = kube.require(PRIMARY);
        assertThat(primary.at("/metadata/labels")).isEqualTo(json("{app: podinfo-primary, team: web}"));
        assertThat(primary.at("/metadata/annotations")).isEqualTo(json("""
                {owner: web, kustomize.toolkit.fluxcd.io/reconcile: disabled, helm.toolkit.fluxcd.io/driftDetection: disabled}"""));
        assertThat(primary.path("spec")).isEqualTo(json("""
                minReadySeconds: 5
                revisionHistoryLimit: 4
                updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1}}
                selector: {matchLabels: {app: podinfo-primary}}
                template:
                  metadata:
                    labels: {app: podinfo-primary}
                  spec:
                    nodeSelector: {kubernetes.io/os: linux}
                    containers:
                      - name: podinfod
                        image: "podinfo:1"
                        envFrom: [{configMapRef: {name: podinfo-config-primary}}]
                """));
        assertThat(kube.require(ResourceKind.CONFIG_MAP.ref("test", "podinfo-config-primary")).path("data"))
                .isEqualTo(json("{color: blue}"));
        assertThat(kube.require(ResourceKind.SERVICE.ref("test", "podinfo")).at("/spec/selector"))
                .isEqualTo(json("{app: podinfo-primary}"));
        assertThat(kube.require(ResourceKind.SERVICE.ref("test", "podinfo-canary")).at("/spec/selector"))
                .isEqualTo(json("{app: podinfo}"));
        assertThat(controller().bootstrap()).isEqualTo(new TargetController.Bootstrap(false, List.of()));
    }

    @Test
    void scalingIsTheScaleToZeroNodeSelectorAndNeverANewRevision() {
        configMap();
        kube.apply(ResourceKind.DAEMON_SET, daemonSet("podinfo:1", "{type: RollingUpdate}", "nodeSelector: {kubernetes.io/os: linux}"));
        DaemonSetController c = controller();
        String revision = Revisions.of(c.revisionTemplate(kube.require(TARGET)));

        c.scaleCanaryToZero();
        assertThat(kube.require(TARGET).at("/spec/template/spec/nodeSelector"))
                .isEqualTo(json("{kubernetes.io/os: linux, flagger.app/scale-to-zero: 'true'}"));
        assertThat(Revisions.of(c.revisionTemplate(kube.require(TARGET)))).isEqualTo(revision);
        c.scaleCanaryToZero();
        assertThat(kube.require(TARGET).at("/spec/template/spec/nodeSelector"))
                .isEqualTo(json("{kubernetes.io/os: linux, flagger.app/scale-to-zero: 'true'}"));

        c.scaleCanaryUp();
        assertThat(kube.require(TARGET).at("/spec/template/spec/nodeSelector")).isEqualTo(json("{kubernetes.io/os: linux}"));
        assertThat(Revisions.of(c.revisionTemplate(kube.require(TARGET)))).isEqualTo(revision);
    }

    @Test
    void withoutANodeSelectorOfItsOwnTheTargetGetsNoneBack() {
        configMap();
        kube.apply(ResourceKind.DAEMON_SET, daemonSet("podinfo:1", ROLLING, ""));
        DaemonSetController c = controller();
        String revision = Revisions.of(c.revisionTemplate(kube.require(TARGET)));
        c.scaleCanaryToZero();
        assertThat(Revisions.of(c.revisionTemplate(kube.require(TARGET)))).isEqualTo(revision);
        c.restoreTarget(); // revertOnDeletion
        assertThat(kube.require(TARGET).at("/spec/template/spec").has("nodeSelector")).isFalse();
        assertThat(Revisions.of(c.revisionTemplate(kube.require(TARGET)))).isEqualTo(revision);
    }

    @Test
    void promoteCopiesTheTemplateWithoutTheScaleToZeroSelector() {
        configMap();
        kube.apply(ResourceKind.DAEMON_SET, daemonSet("podinfo:1", ROLLING, ""));
        DaemonSetController c = controller();
        c.bootstrap();
        c.scaleCanaryToZero();
        kube.client().edit(TARGET, d -> {
            ((ObjectNode) d.at("/spec/template/spec/containers/0")).put("image", "podinfo:2");
            ((ObjectNode) d.path("spec")).put("minReadySeconds", 10);
        });
        kube.client().edit(ResourceKind.CONFIG_MAP.ref("test", "podinfo-config"), m -> m.set("data", json("{color: green}")));

        c.promote();

        ObjectNode primary = kube.require(PRIMARY);
        assertThat(primary.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("podinfo:2");
        assertThat(primary.at("/spec/template/spec").has("nodeSelector")).isFalse();
        assertThat(primary.at("/spec/template/spec/containers/0/envFrom/0/configMapRef/name").asText())
                .isEqualTo("podinfo-config-primary");
        assertThat(primary.at("/spec/minReadySeconds").asInt()).isEqualTo(10);
        assertThat(primary.at("/spec/selector")).isEqualTo(json("{matchLabels: {app: podinfo-primary}}"));
        assertThat(kube.require(ResourceKind.CONFIG_MAP.ref("test", "podinfo-config-primary")).path("data"))
                .isEqualTo(json("{color: green}"));
        assertThat(kube.require(TARGET).at("/spec/template/spec/nodeSelector"))
                .as("the target stays scaled to zero").isEqualTo(json("{flagger.app/scale-to-zero: 'true'}"));
    }

    @Test
    void onlyTheRollingUpdateStrategyIsSupported() {
        kube.apply(ResourceKind.DAEMON_SET, daemonSet("podinfo:1", "{type: OnDelete}", ""));

        assertThatThrownBy(() -> controller().initialize()).isInstanceOf(TargetRefused.class)
                .hasMessage("daemonset podinfo.test must have RollingUpdate strategy but have OnDelete");
        assertThat(kube.client().get(PRIMARY)).isEmpty();
    }

    @Test
    void readinessCountsTheDeadlineFromTheCanarysLastTransition() {
        configMap();
        kube.apply(ResourceKind.DAEMON_SET, daemonSet("podinfo:1", ROLLING, ""));
        kube.client().edit(TARGET, d -> d.set("status", json(
                "{observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 1}")));
        DaemonSetController c = controller();

        assertThat(c.canaryReadiness(NOW.minusSeconds(600))).isInstanceOf(Readiness.NotYet.class);
        assertThat(c.canaryReadiness(NOW.minusSeconds(601))).isEqualTo(new Readiness.Failed("exceeded its progressDeadlineSeconds: 600"));
    }

    @Test
    void aDeploymentKindGetsTheDeploymentController() {
        assertThat(TargetControllers.forKind(kube.client(), KubeCanaries.podinfo().build(), Clock.systemUTC()))
                .isInstanceOf(DeploymentController.class);
        assertThat(TargetControllers.resourceKind("DaemonSet")).isEqualTo(ResourceKind.DAEMON_SET);
    }
}
