package dev.flagstep.workload;

import static dev.flagstep.testing.KubeCanaries.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.testing.KubeCanaries;
import dev.flagstep.testing.KubeMockServer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Flagger's {@code pkg/canary/service_controller.go} behaviour for a plain Service target, against the mock API server. */
class ServiceControllerTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    static final KubeRef TARGET = ResourceKind.SERVICE.ref("test", "podinfo");
    static final KubeRef PRIMARY = ResourceKind.SERVICE.ref("test", "podinfo-primary");
    static final KubeRef CANARY = ResourceKind.SERVICE.ref("test", "podinfo-canary");

    /** The user's Service, as the API server stores it (cluster IP and node port assigned, kubectl's annotation). */
    static String service(String selector, int targetPort) {
        return """
                metadata:
                  name: podinfo
                  namespace: test
                  labels: {app: podinfo, team: web}
                  annotations: {kubectl.kubernetes.io/last-applied-configuration: '{"kind":"Service"}', owner: web}
                spec:
                  type: NodePort
                  clusterIP: 10.0.0.10
                  clusterIPs: [10.0.0.10]
                  selector: {app: %s}
                  ports:
                    - {name: http, port: 9898, targetPort: %d, nodePort: 30080, protocol: TCP}
                """.formatted(selector, targetPort);
    }

    static KubeCanaries serviceTarget() {
        KubeCanaries c = KubeCanaries.podinfo();
        c.kind = "Service";
        c.apiVersion = "v1";
        return c;
    }

    static TargetController controller(KubeCanaries c) {
        return TargetControllers.forKind(kube.client(), c.build(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static TargetController controller() {
        return controller(serviceTarget());
    }

    @Test
    void aKubernetesServiceTargetIsTheServiceController() {
        assertThat(controller()).isInstanceOf(ServiceController.class);
        assertThat(TargetControllers.resourceKind(serviceTarget().build().targetRef())).isEqualTo(ResourceKind.SERVICE);
        assertThat(controller().target()).isEqualTo(TARGET);
        assertThat(controller().primary()).isEqualTo(PRIMARY);
        assertThat(controller().apexName()).isEqualTo("podinfo");
    }

    @Test
    void initializeCopiesTheTargetIntoCanaryAndPrimaryServices() {
        kube.apply(ResourceKind.SERVICE, service("podinfo-blue", 9898));
        KubeCanaries c = serviceTarget();
        c.serviceExtra.put("trafficDistribution", "PreferClose");

        TargetController.Bootstrap b = controller(c).initialize();

        assertThat(b.primaryCreated()).isTrue();
        assertThat(b.servicesCreated()).containsExactly("podinfo-canary", "podinfo-primary");
        for (KubeRef copy : List.of(PRIMARY, CANARY)) {
            ObjectNode s = kube.require(copy);
            assertThat(s.at("/metadata/labels")).isEqualTo(json("{app: podinfo, team: web}"));
            assertThat(s.at("/metadata/annotations")).as("without kubectl's last-applied").isEqualTo(json("{owner: web}"));
            assertThat(s.at("/spec/selector")).isEqualTo(json("{app: podinfo-blue}"));
            assertThat(s.at("/spec/type").asText()).isEqualTo("NodePort");
            assertThat(s.at("/spec/trafficDistribution").asText()).isEqualTo("PreferClose");
            assertThat(s.at("/spec").has("clusterIP")).as("the API server assigns its own").isFalse();
            assertThat(s.at("/spec").has("clusterIPs")).isFalse();
            assertThat(s.at("/spec/ports")).as("the target's node port is taken").isEqualTo(
                    json("[{name: http, port: 9898, targetPort: 9898, protocol: TCP}]"));
        }
        assertThat(kube.require(TARGET).at("/spec/selector")).as("the target is the user's").isEqualTo(json("{app: podinfo-blue}"));
        assertThat(controller().reconcileApex()).isFalse();
    }

    @Test
    void initializeAgainKeepsTheCanaryInStepAndLeavesThePrimary() {
        kube.apply(ResourceKind.SERVICE, service("podinfo-blue", 9898));
        controller().initialize();
        // what the API server assigned to the copies stays theirs
        kube.client().edit(CANARY, s -> {
            s.withObjectProperty("spec").put("clusterIP", "10.0.0.20").putArray("clusterIPs").add("10.0.0.20");
            ((ObjectNode) s.at("/spec/ports/0")).put("nodePort", 30081);
        });
        kube.client().edit(TARGET, s -> {
            s.withObjectProperty("spec").withObjectProperty("selector").put("app", "podinfo-green");
            s.withObjectProperty("metadata").withObjectProperty("labels").put("version", "green");
        });

        TargetController.Bootstrap b = controller().initialize();

        assertThat(b).isEqualTo(new TargetController.Bootstrap(false, List.of()));
        ObjectNode canary = kube.require(CANARY);
        assertThat(canary.at("/spec/selector")).isEqualTo(json("{app: podinfo-green}"));
        assertThat(canary.at("/metadata/labels/version").asText()).isEqualTo("green");
        assertThat(canary.at("/spec/clusterIP").asText()).isEqualTo("10.0.0.20");
        assertThat(canary.at("/spec/clusterIPs")).isEqualTo(json("[10.0.0.20]"));
        assertThat(canary.at("/spec/ports/0/nodePort").asInt()).isEqualTo(30081);
        assertThat(kube.require(PRIMARY).at("/spec/selector")).as("only Promote changes the primary")
                .isEqualTo(json("{app: podinfo-blue}"));
    }

    @Test
    void promoteCopiesTheTargetSpecKeepingThePrimarysAddressesAndMetadata() {
        kube.apply(ResourceKind.SERVICE, service("podinfo-blue", 9898));
        controller().initialize();
        kube.client().edit(PRIMARY, s -> {
            s.withObjectProperty("spec").put("clusterIP", "10.0.0.30").putArray("clusterIPs").add("10.0.0.30");
            ((ObjectNode) s.at("/spec/ports/0")).put("nodePort", 30082);
            s.withObjectProperty("metadata").withObjectProperty("labels").put("mine", "yes");
        });
        kube.client().edit(TARGET, s -> {
            s.withObjectProperty("spec").withObjectProperty("selector").put("app", "podinfo-green");
            ((ObjectNode) s.at("/spec/ports/0")).put("targetPort", 8080);
        });

        controller().promote();

        ObjectNode primary = kube.require(PRIMARY);
        assertThat(primary.at("/spec/selector")).isEqualTo(json("{app: podinfo-green}"));
        assertThat(primary.at("/spec/ports")).isEqualTo(
                json("[{name: http, port: 9898, targetPort: 8080, nodePort: 30082, protocol: TCP}]"));
        assertThat(primary.at("/spec/clusterIP").asText()).isEqualTo("10.0.0.30");
        assertThat(primary.at("/metadata/labels/mine").asText()).isEqualTo("yes");
    }

    @Test
    void aHeadlessTargetGivesHeadlessCopies() {
        kube.apply(ResourceKind.SERVICE, """
                metadata: {name: podinfo, namespace: test}
                spec: {clusterIP: None, selector: {app: podinfo}, ports: [{name: http, port: 9898}]}
                """);
        controller().initialize();
        assertThat(kube.require(CANARY).at("/spec/clusterIP").asText()).isEqualTo("None");
        assertThat(kube.require(PRIMARY).at("/spec/clusterIP").asText()).isEqualTo("None");
    }

    @Test
    void theRevisionIsTheHashOfTheTargetSpec() {
        kube.apply(ResourceKind.SERVICE, service("podinfo-blue", 9898));
        TargetController c = controller();
        String blue = c.revision(kube.require(TARGET), Map.of());
        assertThat(TargetControllers.revision(serviceTarget().build().targetRef(), kube.require(TARGET), Map.of()))
                .as("what the cluster sync computes").isEqualTo(blue);

        kube.client().edit(TARGET, s -> s.withObjectProperty("metadata").withObjectProperty("labels").put("x", "y"));
        assertThat(c.revision(kube.require(TARGET), Map.of())).as("metadata is no new revision").isEqualTo(blue);

        kube.client().edit(TARGET, s -> s.withObjectProperty("spec").withObjectProperty("selector").put("app", "podinfo-green"));
        String green = c.revision(kube.require(TARGET), Map.of());
        assertThat(green).isNotEqualTo(blue);
        assertThat(c.trackedConfigs().isEmpty()).isTrue();
    }

    @Test
    void readyAlwaysAndNothingToScaleOrRestore() {
        kube.apply(ResourceKind.SERVICE, service("podinfo-blue", 9898));
        TargetController c = controller();
        c.initialize();
        ObjectNode before = kube.require(TARGET);
        assertThat(c.canaryReadiness(NOW)).isEqualTo(new Readiness.Ready());
        assertThat(c.primaryReadiness(NOW)).isEqualTo(new Readiness.Ready());
        assertThat(c.primaryReadyToServe(NOW)).isEqualTo(new Readiness.Ready());
        c.scaleCanaryToZero();
        c.scaleCanaryUp();
        c.refreshUnservedPrimary();
        c.restoreTarget();
        c.revertApex();
        assertThat(c.removeUnservedPrimary()).isFalse();
        assertThat(kube.require(TARGET)).isEqualTo(before);
        assertThat(kube.stored(PRIMARY)).isPresent();
    }
}
