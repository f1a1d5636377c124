package dev.flagstep.local.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.router.GatewayApiRouter;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.testing.KubeCanaries;
import dev.flagstep.workload.DeploymentController;
import dev.flagstep.workload.Readiness;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link SimulatedCluster#reconcileOnEveryWrite}: with the controllers' loop ticking once an hour (so only the
 * first pass ever runs by itself), what a write changes is observed by the time the write returns, or, with the
 * mode off, not at all. Nothing here waits.
 */
class ReconcileOnWriteTest {

    private static SimulatedCluster cluster;

    @BeforeAll
    static void start() {
        cluster = SimulatedCluster.start(SimulatedCluster.Options.defaults().withTick(Duration.ofHours(1)));
        // the loop's first pass runs at once; every later one is an hour away
        Eventually.within(Duration.ofMinutes(1), () -> assertThat(cluster.ticks()).isPositive());
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static CanarySpec podinfo(String namespace) {
        KubeCanaries c = KubeCanaries.podinfo();
        c.namespace = namespace;
        c.name = "app-" + namespace;
        c.gatewayRefs.add(KubeCanaries.json("{name: public, namespace: gateways}"));
        return c.build();
    }

    private static long observedGeneration(KubeRef ref) {
        return cluster.object(ref).orElseThrow().at("/status/observedGeneration").asLong();
    }

    @Test
    void onEveryWriteTheDeploymentsAndRoutesAreObservedBeforeTheWriteReturns() {
        cluster.reconcileOnEveryWrite(true);
        try {
            CanarySpec canary = podinfo("on");
            cluster.seed(canary, "podinfo:1");
            DeploymentController workload = new DeploymentController(cluster.client(), canary, Clock.systemUTC());
            assertThat(workload.canaryReadiness()).as("seeded, then reconciled").isEqualTo(new Readiness.Ready());

            KubeRef target = ResourceKind.DEPLOYMENT.ref("on", canary.targetRef().name());
            cluster.client().edit(target, d -> d.withObjectProperty("spec").put("replicas", 3));
            assertThat(observedGeneration(target)).isEqualTo(2);
            cluster.newRevision("on", canary.targetRef().name(), "podinfo:2");
            assertThat(observedGeneration(target)).isEqualTo(3);
            assertThat(workload.canaryReadiness()).isEqualTo(new Readiness.Ready());

            workload.bootstrap();
            assertThat(workload.primaryReadiness()).isEqualTo(new Readiness.Ready());
            GatewayApiRouter router = new GatewayApiRouter(cluster.client(), canary, ResourceKind.HTTP_ROUTE);
            router.reconcile();
            router.setRoutes(80, 20, false);
            assertThat(router.getRoutes()).as("accepted at its new generation").isEqualTo(new Routes(80, 20, false));
        } finally {
            cluster.reconcileOnEveryWrite(false);
        }
    }

    @Test
    void offAWriteWaitsForTheLoopsNextTick() {
        CanarySpec canary = podinfo("off");
        cluster.seed(canary, "podinfo:1");
        KubeRef target = ResourceKind.DEPLOYMENT.ref("off", canary.targetRef().name());

        cluster.client().edit(target, d -> d.withObjectProperty("spec").put("replicas", 3));

        assertThat(cluster.object(target).orElseThrow().at("/status/observedGeneration").isMissingNode())
                .as("not observed: the loop sleeps for an hour").isTrue();
    }
}
