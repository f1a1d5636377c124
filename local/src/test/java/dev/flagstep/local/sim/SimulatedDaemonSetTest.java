package dev.flagstep.local.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.testing.KubeCanaries;
import dev.flagstep.workload.DaemonSetController;
import dev.flagstep.workload.Readiness;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulated DaemonSet controller: one pod per node matching the pod template's node selector, status and
 * Endpoints from them, the ready knobs as for Deployments. Every write is reconciled before it returns; nothing waits.
 */
class SimulatedDaemonSetTest {

    private static SimulatedCluster cluster;

    @BeforeAll
    static void start() {
        cluster = SimulatedCluster.start(SimulatedCluster.Options.defaults().withTick(Duration.ofHours(1))
                .withReadyDelay(Duration.ZERO));
        cluster.reconcileOnEveryWrite(true);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static CanarySpec daemonSet(String namespace) {
        KubeCanaries c = KubeCanaries.podinfo();
        c.kind = "DaemonSet";
        c.namespace = namespace;
        c.provider = "kubernetes";
        return c.build();
    }

    private static JsonNode status(KubeRef ref) {
        return cluster.object(ref).orElseThrow().path("status");
    }

    private static int readyEndpoints(String namespace, String service) {
        return cluster.object(Endpoints.KIND.ref(namespace, service)).map(Endpoints::ready).orElse(0);
    }

    @Test
    void onePodPerMatchingNodeAndEndpointsForTheServicesSelectingThem() {
        CanarySpec canary = daemonSet("ds-nodes");
        cluster.nodes(5);
        try {
            cluster.seed(canary, "podinfo:1");
            KubeRef target = ResourceKind.DAEMON_SET.ref("ds-nodes", "podinfo");
            assertThat(status(target).path("desiredNumberScheduled").asInt()).isEqualTo(5);
            assertThat(status(target).path("numberAvailable").asInt()).isEqualTo(5);
            assertThat(status(target).path("observedGeneration").asLong())
                    .isEqualTo(cluster.object(target).orElseThrow().at("/metadata/generation").asLong());

            DaemonSetController workload = new DaemonSetController(cluster.client(), canary, Clock.systemUTC());
            workload.bootstrap();
            assertThat(readyEndpoints("ds-nodes", "podinfo-canary")).isEqualTo(5);
            assertThat(readyEndpoints("ds-nodes", "podinfo")).as("the apex selects the primary").isEqualTo(5);

            // the user's node selector picks the nodes; Flagger's scale-to-zero selector picks none
            cluster.client().edit(target, d -> ((ObjectNode) d.at("/spec/template/spec"))
                    .putObject("nodeSelector").put("kubernetes.io/hostname", "node-2"));
            assertThat(status(target).path("desiredNumberScheduled").asInt()).isEqualTo(1);
            workload.scaleCanaryToZero();
            assertThat(status(target).path("desiredNumberScheduled").asInt()).isZero();
            assertThat(readyEndpoints("ds-nodes", "podinfo-canary")).isZero();
            assertThat(workload.canaryReadiness(Instant.EPOCH)).as("scheduled nowhere counts as ready").isEqualTo(new Readiness.Ready());
        } finally {
            cluster.nodes(3);
        }
    }

    @Test
    void aHeldDaemonSetHasNoAvailablePod() {
        CanarySpec canary = daemonSet("ds-held");
        cluster.seed(canary, "podinfo:1");
        KubeRef target = ResourceKind.DAEMON_SET.ref("ds-held", "podinfo");
        cluster.holdUnready("podinfo", true);
        try {
            cluster.newRevision("ds-held", "podinfo", "podinfo:2");
            assertThat(status(target).path("desiredNumberScheduled").asInt()).isEqualTo(3);
            assertThat(status(target).path("updatedNumberScheduled").asInt()).isEqualTo(3);
            assertThat(status(target).path("numberAvailable").asInt()).isZero();
            assertThat(status(target).path("numberUnavailable").asInt()).isEqualTo(3);
            assertThat(cluster.object(target).orElseThrow().at("/spec/template/spec/containers/0/image").asText()).isEqualTo("podinfo:2");
        } finally {
            cluster.holdUnready("podinfo", false);
        }
        cluster.client().edit(target, d -> d.withObjectProperty("metadata").withObjectProperty("labels").put("touched", "yes"));
        assertThat(status(target).path("numberAvailable").asInt()).isEqualTo(3);
    }
}
