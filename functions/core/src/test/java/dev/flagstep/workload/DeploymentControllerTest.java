package dev.flagstep.workload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.testing.KubeCanaries;
import dev.flagstep.testing.KubeMockServer;
import dev.flagstep.testing.KubeRaceProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static dev.flagstep.testing.KubeCanaries.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeploymentControllerTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    static final KubeRef TARGET = ResourceKind.DEPLOYMENT.ref("test", "podinfo");
    static final KubeRef PRIMARY = ResourceKind.DEPLOYMENT.ref("test", "podinfo-primary");

    static String deployment(String image, int replicas, String status) {
        return """
                metadata:
                  name: podinfo
                  namespace: test
                  labels: {app: podinfo, team: web}
                  annotations: {kubectl.kubernetes.io/last-applied-configuration: "{}", owner: web}
                spec:
                  replicas: %d
                  minReadySeconds: 5
                  revisionHistoryLimit: 5
                  strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 0}}
                  selector: {matchLabels: {app: podinfo}}
                  template:
                    metadata:
                      labels: {app: podinfo, version: v1}
                      annotations: {prometheus.io/scrape: "true"}
                    spec:
                      containers:
                        - {name: podinfod, image: "%s", ports: [{name: http, containerPort: 9898}]}
                status: %s
                """.formatted(replicas, image, status);
    }

    static DeploymentController controller(KubeCanaries c) {
        return new DeploymentController(kube.client(), c.build(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void bootstrapCreatesThePrimaryAndTheThreeServices() {
        kube.apply(ResourceKind.DEPLOYMENT, deployment("ghcr.io/stefanprodan/podinfo:6.0.0", 2, "{}"));

        DeploymentController.Bootstrap b = controller(KubeCanaries.podinfo()).bootstrap();

        assertThat(b).isEqualTo(new DeploymentController.Bootstrap(true, List.of("podinfo", "podinfo-primary", "podinfo-canary")));
        ObjectNode primary = kube.require(PRIMARY);
        assertThat(primary.at("/metadata/labels")).isEqualTo(json("{app: podinfo-primary, team: web}"));
        assertThat(primary.at("/metadata/annotations")).isEqualTo(json("""
                {owner: web, kustomize.toolkit.fluxcd.io/reconcile: disabled, helm.toolkit.fluxcd.io/driftDetection: disabled}"""));
        assertThat(primary.path("spec")).isEqualTo(json("""
                replicas: 2
                minReadySeconds: 5
                revisionHistoryLimit: 5
                strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 0}}
                selector: {matchLabels: {app: podinfo-primary}}
                template:
                  metadata:
                    labels: {app: podinfo-primary, version: v1}
                    annotations: {prometheus.io/scrape: "true"}
                  spec:
                    containers:
                      - {name: podinfod, image: "ghcr.io/stefanprodan/podinfo:6.0.0", ports: [{name: http, containerPort: 9898}]}
                """));
        for (String[] s : new String[][]{{"podinfo", "podinfo-primary"}, {"podinfo-primary", "podinfo-primary"}, {"podinfo-canary", "podinfo"}}) {
            ObjectNode svc = kube.require(ResourceKind.SERVICE.ref("test", s[0]));
            assertThat(svc.path("spec")).as(s[0]).isEqualTo(json("""
                    type: ClusterIP
                    selector: {app: %s}
                    ports: [{name: http, port: 9898, protocol: TCP, targetPort: 9898}]
                    """.formatted(s[1])));
            assertThat(svc.at("/metadata/annotations/kustomize.toolkit.fluxcd.io~1reconcile").asText()).isEqualTo("disabled");
        }
    }

    @Test
    void bootstrapTwiceChangesNothing() {
        kube.apply(ResourceKind.DEPLOYMENT, deployment("podinfo:1", 2, "{}"));
        DeploymentController c = controller(KubeCanaries.podinfo());
        c.bootstrap();
        List<ObjectNode> before = snapshot();

        assertThat(c.bootstrap()).isEqualTo(new DeploymentController.Bootstrap(false, List.of()));
        assertThat(snapshot()).isEqualTo(before);
    }

    private static List<ObjectNode> snapshot() {
        return List.of(kube.require(TARGET), kube.require(PRIMARY),
                kube.require(ResourceKind.SERVICE.ref("test", "podinfo")),
                kube.require(ResourceKind.SERVICE.ref("test", "podinfo-primary")),
                kube.require(ResourceKind.SERVICE.ref("test", "podinfo-canary")));
    }

    @Test
    void anExistingApexServiceIsPointedAtThePrimary() {
        kube.apply(ResourceKind.DEPLOYMENT, deployment("podinfo:1", 2, "{}"));
        kube.apply(ResourceKind.SERVICE, """
                metadata: {name: podinfo, namespace: test, labels: {helm.sh/chart: podinfo}}
                spec: {type: ClusterIP, clusterIP: 10.0.0.12, selector: {app: podinfo}, ports: [{name: http, port: 9898}]}
                """);

        DeploymentController.Bootstrap b = controller(KubeCanaries.podinfo()).bootstrap();

        assertThat(b.servicesCreated()).containsExactly("podinfo-primary", "podinfo-canary");
        ObjectNode apex = kube.require(ResourceKind.SERVICE.ref("test", "podinfo"));
        assertThat(apex.at("/spec/selector")).isEqualTo(json("{app: podinfo-primary}"));
        assertThat(apex.at("/spec/clusterIP").asText()).isEqualTo("10.0.0.12");
        assertThat(apex.at("/metadata/labels")).isEqualTo(json("{helm.sh/chart: podinfo}"));
    }

    /**
     * Flagger's {@code reconcileService}: the generated Services carry {@code appProtocol}, {@code trafficDistribution}
     * and with {@code portDiscovery} the target's other container ports; an existing Service gets the same ports,
     * keeping its node ports.
     */
    @Test
    void theServicesCarryTheDiscoveredPortsAppProtocolAndTrafficDistribution() {
        kube.apply(ResourceKind.DEPLOYMENT, deployment("podinfo:1", 2, "{}").replace(
                "ports: [{name: http, containerPort: 9898}]",
                "ports: [{name: http, containerPort: 9898}, {name: http-metrics, containerPort: 9797}]"));
        kube.apply(ResourceKind.SERVICE, """
                metadata: {name: podinfo, namespace: test}
                spec:
                  type: NodePort
                  selector: {app: podinfo}
                  ports: [{name: http, port: 9898, protocol: TCP, targetPort: 9898, nodePort: 30080},
                          {name: admin, port: 8080, protocol: TCP, targetPort: 8080, nodePort: 30081}]
                """);
        KubeCanaries c = KubeCanaries.podinfo();
        c.portDiscovery = true;
        c.serviceExtra = (ObjectNode) json("{appProtocol: http, trafficDistribution: PreferClose}");

        controller(c).bootstrap();

        ObjectNode primary = kube.require(ResourceKind.SERVICE.ref("test", "podinfo-primary"));
        assertThat(primary.at("/spec/ports")).isEqualTo(json("""
                - {name: http, port: 9898, protocol: TCP, targetPort: 9898, appProtocol: http}
                - {name: http-metrics, protocol: TCP, port: 9797, targetPort: 9797}"""));
        assertThat(primary.at("/spec/trafficDistribution").asText()).isEqualTo("PreferClose");
        ObjectNode apex = kube.require(ResourceKind.SERVICE.ref("test", "podinfo"));
        assertThat(apex.at("/spec/ports")).isEqualTo(json("""
                - {name: http, port: 9898, protocol: TCP, targetPort: 9898, appProtocol: http, nodePort: 30080}
                - {name: http-metrics, protocol: TCP, port: 9797, targetPort: 9797}"""));
        assertThat(apex.at("/spec/trafficDistribution").asText()).isEqualTo("PreferClose");
        List<ObjectNode> before = snapshot();
        controller(c).bootstrap();
        assertThat(snapshot()).as("a second bootstrap writes nothing").isEqualTo(before);
    }

    @Test
    void serviceMetadataGoesOnTheGeneratedServicesAndFollowsTheCanary() {
        kube.apply(ResourceKind.DEPLOYMENT, deployment("podinfo:1", 2, "{}"));
        KubeCanaries c = KubeCanaries.podinfo();
        c.serviceExtra = (ObjectNode) json("""
                apex: {labels: {team: web}, annotations: {9898.service.kuma.io/protocol: http}}
                primary: {labels: {app: ignored, tier: primary}}
                canary: {annotations: {tier: canary}}
                """);
        controller(c).bootstrap();

        String flux = "kustomize.toolkit.fluxcd.io/reconcile: disabled, helm.toolkit.fluxcd.io/driftDetection: disabled";
        ObjectNode apex = kube.require(ResourceKind.SERVICE.ref("test", "podinfo"));
        assertThat(apex.at("/metadata/labels")).isEqualTo(json("{team: web, app: podinfo}"));
        assertThat(apex.at("/metadata/annotations")).isEqualTo(json("{9898.service.kuma.io/protocol: http, " + flux + "}"));
        ObjectNode primary = kube.require(ResourceKind.SERVICE.ref("test", "podinfo-primary"));
        assertThat(primary.at("/metadata/labels")).as("the selector label wins, as in Flagger")
                .isEqualTo(json("{app: podinfo-primary, tier: primary}"));
        ObjectNode canary = kube.require(ResourceKind.SERVICE.ref("test", "podinfo-canary"));
        assertThat(canary.at("/metadata/annotations")).isEqualTo(json("{tier: canary, " + flux + "}"));

        // a changed canary: the Services flagstep created follow it
        c.serviceExtra = (ObjectNode) json("apex: {labels: {team: api}}\ncanary: {annotations: {tier: next}}");
        controller(c).bootstrap();
        assertThat(kube.require(ResourceKind.SERVICE.ref("test", "podinfo")).at("/metadata/labels/team").asText()).isEqualTo("api");
        assertThat(kube.require(ResourceKind.SERVICE.ref("test", "podinfo-canary")).at("/metadata/annotations/tier").asText())
                .isEqualTo("next");
    }

    /** {@code service.headless} on the Services created; {@code unmanagedMetadata} keys keep what another writer set. */
    @Test
    void headlessServicesAndUnmanagedMetadataKeys() {
        kube.apply(ResourceKind.DEPLOYMENT, deployment("podinfo:1", 2, "{}"));
        KubeCanaries c = KubeCanaries.podinfo();
        c.serviceExtra = (ObjectNode) json("""
                headless: true
                canary: {labels: {owner: flagstep, tier: canary}}
                unmanagedMetadata: {labels: [owner]}
                """);
        controller(c).bootstrap();
        KubeRef canary = ResourceKind.SERVICE.ref("test", "podinfo-canary");
        assertThat(kube.require(canary).at("/spec/clusterIP").asText()).isEqualTo("None");
        assertThat(kube.require(ResourceKind.SERVICE.ref("test", "podinfo-primary")).at("/spec/clusterIP").asText()).isEqualTo("None");
        assertThat(kube.require(canary).at("/metadata/labels/owner").asText()).as("set when created").isEqualTo("flagstep");

        kube.client().edit(canary, s -> s.withObjectProperty("metadata").withObjectProperty("labels").put("owner", "mesh"));
        c.serviceExtra = (ObjectNode) json("""
                headless: true
                canary: {labels: {owner: flagstep, tier: next}}
                unmanagedMetadata: {labels: [owner]}
                """);
        controller(c).bootstrap();
        assertThat(kube.require(canary).at("/metadata/labels/owner").asText()).as("another writer's value stays").isEqualTo("mesh");
        assertThat(kube.require(canary).at("/metadata/labels/tier").asText()).isEqualTo("next");
    }

    @Test
    void theUsersApexKeepsItsMetadata() {
        kube.apply(ResourceKind.DEPLOYMENT, deployment("podinfo:1", 2, "{}"));
        liveApexService();
        KubeCanaries c = KubeCanaries.podinfo();
        c.serviceExtra = (ObjectNode) json("apex: {labels: {team: web}}");
        DeploymentController controller = controller(c);
        controller.initialize();
        controller.reconcileApex();
        ObjectNode apex = kube.require(ResourceKind.SERVICE.ref("test", "podinfo"));
        assertThat(apex.at("/spec/selector")).isEqualTo(json("{app: podinfo-primary}"));
        assertThat(apex.at("/metadata").has("labels")).as("Flagger changes the metadata of its own Services only").isFalse();
    }

    /** The user's Service {@code podinfo} in front of the target's pods. */
    private static void liveApexService() {
        kube.apply(ResourceKind.SERVICE, """
                metadata: {name: podinfo, namespace: test}
                spec: {type: ClusterIP, selector: {app: podinfo}, ports: [{name: http, port: 9898}]}
                """);
    }

    @Test
    void initializeLeavesTheApexServiceAloneAndReconcileApexPointsItAtThePrimary() {
        kube.apply(ResourceKind.DEPLOYMENT, deployment("podinfo:1", 2, "{}"));
        liveApexService();
        DeploymentController c = controller(KubeCanaries.podinfo());

        assertThat(c.initialize()).isEqualTo(new DeploymentController.Bootstrap(true, List.of("podinfo-primary", "podinfo-canary")));
        KubeRef apex = ResourceKind.SERVICE.ref("test", "podinfo");
        assertThat(kube.require(apex).at("/spec/selector")).as("the live service still selects the target")
                .isEqualTo(json("{app: podinfo}"));

        assertThat(c.reconcileApex()).isFalse();
        assertThat(kube.require(apex).at("/spec/selector")).isEqualTo(json("{app: podinfo-primary}"));
    }

    @Test
    void reconcileApexCreatesAMissingApexService() {
        kube.apply(ResourceKind.DEPLOYMENT, deployment("podinfo:1", 2, "{}"));
        DeploymentController c = controller(KubeCanaries.podinfo());
        c.initialize();
        assertThat(kube.client().get(ResourceKind.SERVICE.ref("test", "podinfo"))).isEmpty();

        assertThat(c.reconcileApex()).isTrue();
        assertThat(kube.require(ResourceKind.SERVICE.ref("test", "podinfo")).at("/spec/selector"))
                .isEqualTo(json("{app: podinfo-primary}"));
    }

    @Test
    void aPrimaryIsRemovedOnlyWhileTheApexDoesNotSelectIt() {
        kube.apply(ResourceKind.DEPLOYMENT, deployment("podinfo:1", 2, "{}"));
        liveApexService();
        DeploymentController c = controller(KubeCanaries.podinfo());
        c.bootstrap();

        assertThat(c.removeUnservedPrimary()).as("the apex serves from it").isFalse();
        assertThat(kube.client().get(PRIMARY)).isPresent();

        kube.client().edit(ResourceKind.SERVICE.ref("test", "podinfo"),
                s -> ((ObjectNode) s.at("/spec/selector")).put("app", "podinfo"));
        assertThat(c.removeUnservedPrimary()).isTrue();
        assertThat(kube.client().get(PRIMARY)).isEmpty();
        assertThat(kube.client().get(TARGET)).isPresent();
        assertThat(c.removeUnservedPrimary()).as("already gone").isFalse();
    }

    @Test
    void anUnservedPrimaryFollowsTheTargetsTemplateAndAServedOneDoesNot() {
        kube.apply(ResourceKind.DEPLOYMENT, deployment("podinfo:1", 2, "{}"));
        liveApexService();
        DeploymentController c = controller(KubeCanaries.podinfo());
        c.initialize();
        kube.client().edit(TARGET, d -> ((ObjectNode) d.at("/spec/template/spec/containers/0")).put("image", "podinfo:2"));

        c.refreshUnservedPrimary();
        assertThat(kube.require(PRIMARY).at("/spec/template/spec/containers/0/image").asText()).isEqualTo("podinfo:2");
        assertThat(kube.require(PRIMARY).at("/spec/template/metadata/labels/app").asText()).isEqualTo("podinfo-primary");

        c.reconcileApex();
        kube.client().edit(TARGET, d -> ((ObjectNode) d.at("/spec/template/spec/containers/0")).put("image", "podinfo:3"));
        c.refreshUnservedPrimary();
        assertThat(kube.require(PRIMARY).at("/spec/template/spec/containers/0/image").asText())
                .as("the primary serves: only Promote changes it").isEqualTo("podinfo:2");
    }

    @Test
    void aPrimaryReadyByThresholdButWithNoAvailablePodCannotServe() {
        KubeCanaries c = KubeCanaries.podinfo();
        c.primaryReadyThreshold = 50;
        kube.apply(ResourceKind.DEPLOYMENT, deployment("podinfo:1", 1, "{}"));
        controller(c).initialize();
        kube.client().edit(PRIMARY, d -> d.set("status", json(
                "{observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 0}")));

        assertThat(controller(c).primaryReadiness()).as("Flagger's rule: int(1 * 0.5) = 0 needed").isEqualTo(new Readiness.Ready());
        assertThat(controller(c).primaryReadyToServe()).isEqualTo(new Readiness.NotYet(
                "waiting for rollout to finish: 0 of 1 (readyThreshold 50%) updated replicas are available"));

        kube.client().edit(PRIMARY, d -> d.set("status", json(
                "{observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1}")));
        assertThat(controller(c).primaryReadyToServe()).isEqualTo(new Readiness.Ready());
    }

    @Test
    void scalesTheCanaryUpFromZeroAndDownToZero() {
        kube.apply(ResourceKind.DEPLOYMENT, deployment("podinfo:1", 0, "{}"));
        DeploymentController c = controller(KubeCanaries.podinfo());

        c.scaleCanaryUp();
        assertThat(kube.require(TARGET).at("/spec/replicas").asInt()).isEqualTo(1);
        c.scaleCanaryToZero();
        assertThat(kube.require(TARGET).at("/spec/replicas").asInt()).isZero();

        kube.client().edit(TARGET, d -> ((ObjectNode) d.path("spec")).put("replicas", 3));
        c.scaleCanaryUp();
        assertThat(kube.require(TARGET).at("/spec/replicas").asInt()).isEqualTo(3);
    }

    @Test
    void promoteCopiesTheTemplateKeepingThePrimarySelectorAndAConcurrentScale() throws Exception {
        kube.apply(ResourceKind.DEPLOYMENT, deployment("podinfo:1", 2, "{}"));
        controller(KubeCanaries.podinfo()).bootstrap();
        kube.client().edit(TARGET, d -> {
            ObjectNode t = (ObjectNode) d.at("/spec/template");
            ((ObjectNode) t.at("/spec/containers/0")).put("image", "podinfo:2");
            ((ObjectNode) t.at("/metadata/labels")).put("version", "v2");
            ((ObjectNode) t.at("/metadata/annotations")).put("rollout", "2");
        });

        try (KubeRaceProxy proxy = new KubeRaceProxy(kube.url())) {
            // an HPA scales the primary while flagstep promotes (with an autoscalerRef the replicas are the HPA's)
            proxy.onFirstPatch(() -> kube.client().edit(PRIMARY, d -> ((ObjectNode) d.path("spec")).put("replicas", 4)));
            KubeCanaries withHpa = KubeCanaries.podinfo();
            withHpa.autoscalerRef = java.util.Optional.of(new dev.flagstep.spec.AutoscalerRef(
                    dev.flagstep.spec.AutoscalerRef.Kind.HORIZONTAL_POD_AUTOSCALER, "autoscaling/v2", "podinfo",
                    java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty()));
            new DeploymentController(proxy.client(), withHpa.build(), Clock.systemUTC()).promote();
        }

        ObjectNode primary = kube.require(PRIMARY);
        assertThat(primary.at("/spec/replicas").asInt()).isEqualTo(4);
        assertThat(primary.at("/spec/selector")).isEqualTo(json("{matchLabels: {app: podinfo-primary}}"));
        assertThat(primary.at("/spec/template/metadata")).isEqualTo(json("""
                labels: {app: podinfo-primary, version: v2}
                annotations: {prometheus.io/scrape: "true", rollout: "2"}"""));
        assertThat(primary.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("podinfo:2");
        assertThat(primary.at("/metadata/labels/app").asText()).isEqualTo("podinfo-primary");
    }

    @Test
    void readinessFollowsFlaggersRules() {
        KubeCanaries c = KubeCanaries.podinfo();
        c.canaryReadyThreshold = 50;

        assertThat(canaryReadiness(c, 2, "{observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2}"))
                .isEqualTo(new Readiness.Ready());
        assertThat(canaryReadiness(c, 2, "{observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1}"))
                .as("50%% threshold: 1 of 2 is enough").isEqualTo(new Readiness.Ready());
        assertThat(canaryReadiness(c, 4, "{observedGeneration: 1, replicas: 4, updatedReplicas: 4, availableReplicas: 1}"))
                .isEqualTo(new Readiness.NotYet("waiting for rollout to finish: 1 of 4 (readyThreshold 50%) updated replicas are available"));
        assertThat(canaryReadiness(c, 3, "{observedGeneration: 1, replicas: 3, updatedReplicas: 1, availableReplicas: 1}"))
                .isEqualTo(new Readiness.NotYet("waiting for rollout to finish: 1 out of 3 new replicas have been updated"));
        assertThat(canaryReadiness(c, 2, "{observedGeneration: 1, replicas: 3, updatedReplicas: 2, availableReplicas: 2}"))
                .isEqualTo(new Readiness.NotYet("waiting for rollout to finish: 1 old replicas are pending termination"));
        assertThat(canaryReadiness(c, 2, "{observedGeneration: 0, replicas: 2, updatedReplicas: 2, availableReplicas: 2}"))
                .isEqualTo(new Readiness.NotYet("waiting for rollout to finish: observed deployment generation less than desired generation"));
        Readiness deadline = canaryReadiness(c, 2, """
                {observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 0,
                 conditions: [{type: Progressing, status: "False", reason: ProgressDeadlineExceeded}]}""");
        assertThat(deadline).isEqualTo(new Readiness.Failed("deployment \"podinfo\" exceeded its progress deadline"));
        assertThat(deadline.retriable()).isFalse();
    }

    @Test
    void minimumReplicasUnavailablePastTheProgressDeadlineFails() {
        KubeCanaries c = KubeCanaries.podinfo();
        c.progressDeadlineSeconds = 60;
        String stuckSince = "{observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 0, conditions: ["
                + "{type: Progressing, status: \"True\", reason: ReplicaSetUpdated},"
                + "{type: Available, status: \"False\", reason: MinimumReplicasUnavailable, lastUpdateTime: \"%s\"}]}";

        Readiness recent = canaryReadiness(c, 2, stuckSince.formatted(NOW.minusSeconds(59)));
        assertThat(recent).isInstanceOf(Readiness.NotYet.class);
        assertThat(recent.retriable()).isTrue();

        Readiness stuck = canaryReadiness(c, 2, stuckSince.formatted(NOW.minusSeconds(61)));
        assertThat(stuck).isEqualTo(new Readiness.Failed("waiting for rollout to finish: 0 of 2 (readyThreshold 100%) updated"
                + " replicas are available"));
    }

    @Test
    void primaryWithZeroReplicasIsNotRetriable() {
        kube.apply(ResourceKind.DEPLOYMENT, deployment("podinfo:1", 2, "{}"));
        DeploymentController c = controller(KubeCanaries.podinfo());
        c.bootstrap();
        kube.client().edit(PRIMARY, d -> ((ObjectNode) d.path("spec")).put("replicas", 0));

        assertThat(c.primaryReadiness()).isEqualTo(new Readiness.Failed("halt advancement podinfo-primary.test has 0 replicas"));
    }

    @Test
    void clearErrorsForMissingTargetAndSelector() {
        assertThatThrownBy(() -> controller(KubeCanaries.podinfo()).bootstrap())
                .hasMessage("Deployment test/podinfo not found: create it or let Initialize bootstrap it");
        kube.apply(ResourceKind.DEPLOYMENT, deployment("podinfo:1", 1, "{}").replace("matchLabels: {app: podinfo}", "matchLabels: {tier: web}"));
        assertThatThrownBy(() -> controller(KubeCanaries.podinfo()).bootstrap())
                .hasMessageContaining("spec.selector.matchLabels must contain one of app, name, app.kubernetes.io/name");
    }

    private Readiness canaryReadiness(KubeCanaries c, int replicas, String status) {
        kube.client().delete(TARGET);
        kube.apply(ResourceKind.DEPLOYMENT, deployment("podinfo:1", replicas, status));
        return controller(c).canaryReadiness();
    }

    // --- revertOnDeletion (Flagger's finalizer)

    @Test
    void restoreTargetGivesTheTargetThePrimarysReplicas() {
        kube.apply(ResourceKind.DEPLOYMENT, deployment("ghcr.io/stefanprodan/podinfo:6.0.0", 3, "{}"));
        DeploymentController c = controller(KubeCanaries.podinfo());
        c.bootstrap();
        c.scaleCanaryToZero();

        c.restoreTarget();

        assertThat(kube.require(TARGET).at("/spec/replicas").asInt()).isEqualTo(3);
    }

    @Test
    void restoreTargetWithoutAPrimaryScalesTheTargetFromZero() {
        kube.apply(ResourceKind.DEPLOYMENT, deployment("ghcr.io/stefanprodan/podinfo:6.0.0", 0, "{}"));

        controller(KubeCanaries.podinfo()).restoreTarget();

        assertThat(kube.require(TARGET).at("/spec/replicas").asInt()).isEqualTo(1);
    }

    @Test
    void revertApexSelectsTheTargetOrWhatTheUserApplied() {
        kube.apply(ResourceKind.DEPLOYMENT, deployment("ghcr.io/stefanprodan/podinfo:6.0.0", 2, "{}"));
        DeploymentController c = controller(KubeCanaries.podinfo());
        c.bootstrap();
        KubeRef apex = ResourceKind.SERVICE.ref("test", "podinfo");
        assertThat(kube.require(apex).at("/spec/selector")).isEqualTo(json("{app: podinfo-primary}"));

        c.revertApex();
        assertThat(kube.require(apex).at("/spec/selector")).as("the target's label").isEqualTo(json("{app: podinfo}"));

        kube.client().edit(apex, s -> {
            s.withObjectProperty("spec").putObject("selector").put("app", "podinfo-primary");
            s.withObjectProperty("metadata").withObjectProperty("annotations").put("kubectl.kubernetes.io/last-applied-configuration",
                    "{\"spec\":{\"selector\":{\"app\":\"podinfo\",\"tier\":\"web\"}}}");
        });
        c.revertApex();
        assertThat(kube.require(apex).at("/spec/selector")).as("kubectl's last-applied selector")
                .isEqualTo(json("{app: podinfo, tier: web}"));
    }
}
