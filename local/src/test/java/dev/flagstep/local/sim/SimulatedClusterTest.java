package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeException;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.router.AlbRouter;
import dev.flagstep.router.GatewayApiRouter;
import dev.flagstep.router.NginxRouter;
import dev.flagstep.router.RouterNotReady;
import dev.flagstep.analysis.Routes;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.testing.KubeCanaries;
import dev.flagstep.workload.DeploymentController;
import dev.flagstep.workload.Readiness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The simulated cluster over real HTTP, judged by flagstep's own code where it can be: the
 * {@link DeploymentController}'s readiness and the routers. One cluster for the class; every test works in a
 * namespace of its own.
 */
class SimulatedClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static SimulatedCluster cluster;

    private final String ns = "t" + NAMESPACES.incrementAndGet();

    @BeforeAll
    static void startCluster() {
        cluster = SimulatedCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @AfterEach
    void apiBackUp() {
        cluster.resume();
    }

    private KubeCanaries podinfo() {
        KubeCanaries c = KubeCanaries.podinfo();
        c.namespace = ns;
        c.gatewayRefs.add(KubeCanaries.json("{name: public, namespace: gateways}"));
        return c;
    }

    private KubeRef deployment(String name) {
        return ResourceKind.DEPLOYMENT.ref(ns, name);
    }

    private ObjectNode stored(KubeRef ref) {
        return cluster.object(ref).orElseThrow(() -> new AssertionError(ref + " is not stored"));
    }

    private static JsonNode condition(JsonNode status, String type) {
        for (JsonNode c : status.path("conditions")) if (type.equals(c.path("type").asText())) return c;
        throw new AssertionError("no condition " + type + " in " + status);
    }

    @Test
    void seedsTheTargetDeploymentWhichBecomesReadyAtItsGeneration() {
        CanarySpec canary = podinfo().build();
        cluster.seed(canary, "ghcr.io/stefanprodan/podinfo:6.0.0");

        ObjectNode d = stored(deployment("podinfo"));
        assertThat(d.at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(d.at("/spec/selector/matchLabels/app").asText()).isEqualTo("podinfo");
        assertThat(d.at("/spec/template/metadata/labels/app").asText()).isEqualTo("podinfo");
        JsonNode container = d.at("/spec/template/spec/containers/0");
        assertThat(container.path("name").asText()).isEqualTo("podinfo");
        assertThat(container.path("image").asText()).isEqualTo("ghcr.io/stefanprodan/podinfo:6.0.0");
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(9898);

        DeploymentController workload = new DeploymentController(cluster.client(), canary, Clock.systemUTC());
        Eventually.within(WAIT, () -> assertThat(workload.canaryReadiness()).isEqualTo(new Readiness.Ready()));
        JsonNode status = stored(deployment("podinfo")).path("status");
        assertThat(status.path("observedGeneration").asLong()).isEqualTo(1);
        assertThat(status.path("replicas").asInt()).isEqualTo(2);
        assertThat(status.path("updatedReplicas").asInt()).isEqualTo(2);
        assertThat(status.path("readyReplicas").asInt()).isEqualTo(2);
        assertThat(status.path("availableReplicas").asInt()).isEqualTo(2);
        assertThat(condition(status, "Available").path("status").asText()).isEqualTo("True");
        assertThat(condition(status, "Available").path("reason").asText()).isEqualTo("MinimumReplicasAvailable");
        assertThat(condition(status, "Progressing").path("reason").asText()).isEqualTo("NewReplicaSetAvailable");

        // a spec change through flagstep's client is a new generation, observed by the next tick
        ObjectNode patched = cluster.client().edit(deployment("podinfo"), o -> o.withObjectProperty("spec").put("replicas", 3));
        assertThat(patched.at("/metadata/generation").asLong()).isEqualTo(2);
        Eventually.within(WAIT, () -> {
            JsonNode s = stored(deployment("podinfo")).path("status");
            assertThat(s.path("observedGeneration").asLong()).isEqualTo(2);
            assertThat(s.path("availableReplicas").asInt()).isEqualTo(3);
        });
        assertThat(workload.canaryReadiness()).isEqualTo(new Readiness.Ready());
    }

    @Test
    void bootstrappedPrimaryBecomesReadyToo() {
        CanarySpec canary = podinfo().build();
        cluster.seed(canary, "podinfo:1");
        DeploymentController workload = new DeploymentController(cluster.client(), canary, Clock.systemUTC());
        workload.bootstrap();
        Eventually.within(WAIT, () -> assertThat(workload.primaryReadiness()).isEqualTo(new Readiness.Ready()));
    }

    @Test
    void seedingTwiceKeepsWhatIsThere() {
        CanarySpec canary = podinfo().build();
        cluster.seed(canary, "podinfo:1");
        cluster.seed(canary, "podinfo:2");
        assertThat(stored(deployment("podinfo")).at("/spec/template/spec/containers/0/image").asText()).isEqualTo("podinfo:1");
    }

    @Test
    void httpRouteIsAcceptedByEachParentAtEachGeneration() {
        KubeCanaries c = podinfo();
        c.gatewayRefs.add(KubeCanaries.json("{name: internal, namespace: gateways}"));
        CanarySpec canary = c.build();
        cluster.seed(canary, "podinfo:1");
        assertThat(cluster.object(MockApi.GATEWAY, "gateways", "public")).isPresent();
        assertThat(cluster.object(MockApi.GATEWAY, "gateways", "internal")).isPresent();

        GatewayApiRouter router = new GatewayApiRouter(cluster.client(), canary, ResourceKind.HTTP_ROUTE);
        router.reconcile();
        Eventually.within(WAIT, () -> assertThat(router.getRoutes()).isEqualTo(Routes.allPrimary()));

        router.setRoutes(90, 10, false);
        KubeRef route = ResourceKind.HTTP_ROUTE.ref(ns, "podinfo");
        long generation = stored(route).at("/metadata/generation").asLong();
        assertThat(generation).isGreaterThan(1);
        Eventually.within(WAIT, () -> {
            JsonNode parents = stored(route).at("/status/parents");
            assertThat(parents).hasSize(2);
            for (int i = 0; i < 2; i++) {
                JsonNode p = parents.get(i);
                assertThat(p.path("parentRef")).isEqualTo(canary.service().gatewayRefs().get(i));
                for (String type : new String[]{"Accepted", "ResolvedRefs"}) {
                    assertThat(condition(p, type).path("status").asText()).isEqualTo("True");
                    assertThat(condition(p, type).path("observedGeneration").asLong()).isEqualTo(generation);
                }
            }
        });
        assertThat(router.getRoutes()).isEqualTo(new Routes(90, 10, false));
    }

    @Test
    void aRouteAcceptedAtAnOlderGenerationIsNotReadUntilTheLoopCatchesUp() {
        // proves the loop's work is what makes getRoutes pass: a stale status written by hand is refused
        CanarySpec canary = podinfo().build();
        GatewayApiRouter router = new GatewayApiRouter(cluster.client(), canary, ResourceKind.HTTP_ROUTE);
        router.reconcile();
        KubeRef route = ResourceKind.HTTP_ROUTE.ref(ns, "podinfo");
        // (flagstep reads a route with no parents in its status at all: wait for the loop's acceptance)
        Eventually.within(WAIT, () -> assertThat(stored(route).at("/status/parents/0/conditions/0/observedGeneration").asLong()).isEqualTo(1));
        assertThat(router.getRoutes()).isEqualTo(Routes.allPrimary());
        cluster.freezeControllers(true);
        try {
            router.setRoutes(80, 20, false);
            assertThatThrownBy(router::getRoutes).isInstanceOf(RouterNotReady.class);
        } finally {
            cluster.freezeControllers(false);
        }
        Eventually.within(WAIT, () -> assertThat(router.getRoutes()).isEqualTo(new Routes(80, 20, false)));
        assertThat(stored(route).at("/status/parents/0/controllerName").asText()).isEqualTo(RouteStatus.CONTROLLER);
    }

    @Test
    void seedsTheUsersIngressForNginxAndAlbWhichTheRoutersAccept() {
        KubeCanaries n = podinfo();
        n.provider = "nginx";
        n.ingressRef = java.util.Optional.of("podinfo");
        n.hosts.add("app.example.com");
        CanarySpec nginx = n.build();
        cluster.seed(nginx, "podinfo:1");
        ObjectNode ing = stored(ResourceKind.INGRESS.ref(ns, "podinfo"));
        assertThat(ing.at("/spec/ingressClassName").asText()).isEqualTo("nginx");
        assertThat(ing.at("/spec/rules/0/host").asText()).isEqualTo("app.example.com");
        assertThat(ing.at("/spec/rules/0/http/paths/0/backend/service/name").asText()).isEqualTo("podinfo");
        assertThat(ing.at("/spec/rules/0/http/paths/0/backend/service/port/number").asInt()).isEqualTo(9898);
        NginxRouter nginxRouter = new NginxRouter(cluster.client(), nginx);
        nginxRouter.reconcile();
        assertThat(nginxRouter.getRoutes()).isEqualTo(Routes.allPrimary());

        KubeCanaries a = podinfo();
        a.name = "api";
        a.provider = "alb";
        a.ingressRef = java.util.Optional.of("api-ingress");
        CanarySpec alb = a.build();
        cluster.seed(alb, "api:1");
        ObjectNode albIngress = stored(ResourceKind.INGRESS.ref(ns, "api-ingress"));
        assertThat(albIngress.at("/spec/ingressClassName").asText()).isEqualTo("alb");
        assertThat(albIngress.at("/spec/rules/0/http/paths/0/backend/service/port/name").asText()).isEqualTo("use-annotation");
        AlbRouter albRouter = new AlbRouter(cluster.client(), alb);
        albRouter.reconcile();
        albRouter.setRoutes(70, 30, false);
        assertThat(albRouter.getRoutes()).isEqualTo(new Routes(70, 30, false));
        assertThat(stored(ResourceKind.INGRESS.ref(ns, "api-ingress")).at("/metadata/annotations")
                .has(AlbRouter.ACTIONS_PREFIX + "api")).isTrue();
    }

    @Test
    void seedsNoGatewayOrIngressForOtherProviders() {
        KubeCanaries c = podinfo();
        c.provider = "istio";
        c.ingressRef = java.util.Optional.of("podinfo");
        cluster.seed(c.build(), "podinfo:1");
        assertThat(cluster.object(ResourceKind.INGRESS, ns, "podinfo")).isEmpty();
        assertThat(cluster.object(deployment("podinfo"))).isPresent();
    }

    @Test
    void holdUnreadyReportsNoAvailableReplicasUntilReleased() {
        CanarySpec canary = podinfo().build();
        cluster.seed(canary, "podinfo:1");
        Instant start = Instant.now();
        DeploymentController now = new DeploymentController(cluster.client(), canary, Clock.systemUTC());
        Eventually.within(WAIT, () -> assertThat(now.canaryReadiness()).isEqualTo(new Readiness.Ready()));

        cluster.holdUnready("podinfo", true);
        try {
            Eventually.within(WAIT, () -> assertThat(now.canaryReadiness()).isInstanceOf(Readiness.NotYet.class));
            JsonNode status = stored(deployment("podinfo")).path("status");
            assertThat(status.path("availableReplicas").asInt()).isZero();
            assertThat(status.path("updatedReplicas").asInt()).isEqualTo(2);
            assertThat(status.path("observedGeneration").asLong()).isEqualTo(1);
            JsonNode available = condition(status, "Available");
            assertThat(available.path("status").asText()).isEqualTo("False");
            assertThat(available.path("reason").asText()).isEqualTo("MinimumReplicasUnavailable");
            // the deadline runs from when it became unavailable: a clock past it makes the readiness fail
            Instant since = Instant.parse(available.path("lastUpdateTime").asText());
            assertThat(since).isBetween(start.minusSeconds(1), Instant.now().plusSeconds(1));
            Clock late = Clock.fixed(since.plusSeconds(canary.progressDeadlineSeconds() + 1), ZoneOffset.UTC);
            assertThat(new DeploymentController(cluster.client(), canary, late).canaryReadiness())
                    .isInstanceOf(Readiness.Failed.class);
            // and it stays put over further ticks
            cluster.awaitReconciled(WAIT);
            assertThat(condition(stored(deployment("podinfo")).path("status"), "Available").path("lastUpdateTime").asText())
                    .isEqualTo(available.path("lastUpdateTime").asText());
        } finally {
            cluster.holdUnready("podinfo", false);
        }
        Eventually.within(WAIT, () -> assertThat(now.canaryReadiness()).isEqualTo(new Readiness.Ready()));
    }

    @Test
    void readyDelayShowsNotYetForANewGenerationThenReady() {
        CanarySpec canary = podinfo().build();
        cluster.seed(canary, "podinfo:1");
        DeploymentController workload = new DeploymentController(cluster.client(), canary, Clock.systemUTC());
        Eventually.within(WAIT, () -> assertThat(workload.canaryReadiness()).isEqualTo(new Readiness.Ready()));
        cluster.readyDelay("podinfo", Duration.ofMillis(800));
        try {
            cluster.newRevision(ns, "podinfo", "podinfo:2");
            Eventually.within(WAIT, () -> {
                JsonNode s = stored(deployment("podinfo")).path("status");
                assertThat(s.path("observedGeneration").asLong()).isEqualTo(2);
                assertThat(workload.canaryReadiness()).isInstanceOf(Readiness.NotYet.class);
            });
            Eventually.within(WAIT, () -> assertThat(workload.canaryReadiness()).isEqualTo(new Readiness.Ready()));
        } finally {
            cluster.readyDelay("podinfo", Duration.ZERO);
        }
    }

    @Test
    void everyServiceGetsEndpointsListingThePodsItSelectsReadyOrNot() {
        CanarySpec canary = podinfo().build();
        cluster.seed(canary, "podinfo:1");
        cluster.seedApexService(canary);
        KubeRef apex = Endpoints.KIND.ref(ns, "podinfo");

        Eventually.within(WAIT, () -> assertThat(Endpoints.ready(stored(apex))).isEqualTo(2));
        JsonNode subset = stored(apex).at("/subsets/0");
        assertThat(subset.at("/addresses/0/targetRef/name").asText()).isEqualTo("podinfo-1-0");
        assertThat(subset.at("/addresses/0/ip").asText()).startsWith("10.");
        assertThat(subset.path("ports")).isEqualTo(KubeCanaries.json("[{name: http, port: 9898, protocol: TCP}]"));

        cluster.holdUnready("podinfo", true);
        try {
            Eventually.within(WAIT, () -> {
                assertThat(Endpoints.ready(stored(apex))).isZero();
                assertThat(Endpoints.notReady(stored(apex))).isEqualTo(2);
            });
        } finally {
            cluster.holdUnready("podinfo", false);
        }
        Eventually.within(WAIT, () -> assertThat(Endpoints.ready(stored(apex))).isEqualTo(2));

        // a Service gone takes its Endpoints along
        KubeRef service = ResourceKind.SERVICE.ref(ns, "podinfo");
        cluster.client().delete(service);
        Eventually.within(WAIT, () -> assertThat(cluster.object(apex)).isEmpty());
    }

    @Test
    void theSamplerRecordsWhatAServiceSelectsAfterEveryPass() {
        CanarySpec canary = podinfo().build();
        cluster.seed(canary, "podinfo:1");
        cluster.seedApexService(canary);
        Eventually.within(WAIT, () -> assertThat(Endpoints.ready(stored(Endpoints.KIND.ref(ns, "podinfo")))).isEqualTo(2));
        DeploymentController workload = new DeploymentController(cluster.client(), canary, Clock.systemUTC());

        EndpointsSampler sampler = cluster.sampleEndpoints(ns, "podinfo");
        try (sampler) {
            cluster.awaitReconciled(WAIT);
            workload.bootstrap(); // the apex moves to a primary whose pods are not up yet
            Eventually.within(WAIT, () -> assertThat(sampler.samples().getLast().ready()).isEqualTo(2));
            Eventually.within(WAIT, () -> assertThat(sampler.samples().getLast().selector()).isEqualTo("app=podinfo-primary"));
        }
        int taken = sampler.samples().size();
        cluster.awaitReconciled(WAIT);

        assertThat(sampler.samples()).as("closed: no more samples").hasSize(taken);
        assertThat(sampler.samples()).extracting(EndpointsSampler.Sample::selector)
                .containsSubsequence("app=podinfo", "app=podinfo-primary");
        assertThat(sampler.samples().getFirst().ready()).isEqualTo(2);
    }

    @Test
    void newRevisionChangesThePodTemplateImageAsANewGeneration() {
        KubeCanaries c = podinfo();
        c.name = "rev-" + ns; // unique across namespaces, so the name alone finds it
        CanarySpec canary = c.build();
        cluster.seed(canary, "podinfo:1");
        KubeRef ref = deployment(c.name);
        long before = stored(ref).at("/metadata/generation").asLong();

        cluster.newRevision(c.name, "podinfo:2");

        ObjectNode after = stored(ref);
        assertThat(after.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("podinfo:2");
        assertThat(after.at("/metadata/generation").asLong()).isEqualTo(before + 1);
        Eventually.within(WAIT, () -> assertThat(stored(ref).at("/status/observedGeneration").asLong()).isEqualTo(before + 1));
        assertThatThrownBy(() -> cluster.newRevision("no-such-deployment", "x:1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no Deployment named no-such-deployment");
    }

    @Test
    void pauseMakesTheApiUnreachableAndResumeBringsItBackWithEveryObject() {
        CanarySpec canary = podinfo().build();
        cluster.seed(canary, "podinfo:1");
        KubeClient flagstep = cluster.client();
        ObjectNode before = flagstep.require(deployment("podinfo"));

        cluster.pause();
        assertThat(cluster.paused()).isTrue();
        // refused or cut, not timed out
        assertThatThrownBy(() -> flagstep.get(deployment("podinfo"))).isInstanceOf(KubeException.Unavailable.class)
                .cause().isNotInstanceOf(HttpTimeoutException.class);
        assertThatThrownBy(() -> flagstep.edit(deployment("podinfo"), d -> d.withObjectProperty("spec").put("replicas", 5)))
                .isInstanceOf(KubeException.Unavailable.class).cause().isNotInstanceOf(HttpTimeoutException.class);
        // the store is still there behind the proxy
        assertThat(stored(deployment("podinfo")).at("/spec/replicas").asInt()).isEqualTo(2);

        cluster.resume();
        assertThat(cluster.paused()).isFalse();
        ObjectNode after = flagstep.require(deployment("podinfo"));
        assertThat(after.at("/metadata/uid")).isEqualTo(before.at("/metadata/uid"));
        assertThat(after.at("/spec")).isEqualTo(before.at("/spec"));
        assertThat(flagstep.edit(deployment("podinfo"), d -> d.withObjectProperty("spec").put("replicas", 5))
                .at("/spec/replicas").asInt()).isEqualTo(5);
    }

    @Test
    void aFailedResourceVersionTestIsAnswered422AtOnce() {
        cluster.seed(podinfo().build(), "podinfo:1");
        ArrayNode ops = JsonNodeFactory.instance.arrayNode();
        ops.addObject().put("op", "test").put("path", "/metadata/resourceVersion").put("value", "not-the-version");
        ops.addObject().put("op", "replace").put("path", "/spec/replicas").put("value", 7);
        // answered (the mock alone never answers a failed test op: the client would time out, Unavailable)
        assertThatThrownBy(() -> cluster.client().patch(deployment("podinfo"), ops))
                .isInstanceOf(KubeException.Conflict.class).hasMessageContaining("422");
        assertThat(stored(deployment("podinfo")).at("/spec/replicas").asInt()).isEqualTo(2);
    }

    @Test
    void aSettledClusterWritesNothing() {
        cluster.seed(podinfo().build(), "podinfo:1");
        Eventually.within(WAIT, () -> assertThat(stored(deployment("podinfo")).at("/status/availableReplicas").asInt()).isEqualTo(2));
        String version = stored(deployment("podinfo")).at("/metadata/resourceVersion").asText();
        cluster.awaitReconciled(WAIT);
        cluster.awaitReconciled(WAIT);
        assertThat(stored(deployment("podinfo")).at("/metadata/resourceVersion").asText()).isEqualTo(version);
    }

    @Test
    void conditionTimesComeFromTheClustersClock() {
        Instant t = Instant.parse("2031-05-06T07:08:09Z");
        try (SimulatedCluster own = SimulatedCluster.start(SimulatedCluster.Options.defaults().withClock(Clock.fixed(t, ZoneOffset.UTC)))) {
            own.seed(podinfo().build(), "podinfo:1");
            own.awaitReconciled(WAIT);

            assertThat(own.object(MockApi.GATEWAY, "gateways", "public").orElseThrow().at("/status/conditions/0/lastTransitionTime")
                    .asText()).isEqualTo("2031-05-06T07:08:09Z");
            assertThat(condition(own.object(deployment("podinfo")).orElseThrow().path("status"), "Available")
                    .path("lastUpdateTime").asText()).isEqualTo("2031-05-06T07:08:09Z");
        }
    }

    @Test
    void closeStopsTheControllersAndTheServer() {
        SimulatedCluster own = SimulatedCluster.start();
        KubeClient client = own.client();
        own.awaitReconciled(WAIT);
        assertThat(own.controllersRunning()).isTrue();
        own.close();
        assertThat(own.controllersRunning()).isFalse();
        long ticks = own.ticks();
        assertThatThrownBy(() -> client.get(deployment("anything"))).isInstanceOf(KubeException.Unavailable.class);
        KubeClient pastTheProxy = new KubeClient(dev.flagstep.kubernetes.KubeEndpoint.of(own.apiUrl(),
                dev.flagstep.kubernetes.BearerToken.none()).withTimeout(Duration.ofSeconds(2)));
        assertThatThrownBy(() -> pastTheProxy.get(deployment("anything"))).isInstanceOf(KubeException.Unavailable.class);
        assertThatThrownBy(() -> own.awaitReconciled(Duration.ofMillis(300))).isInstanceOf(IllegalStateException.class);
        assertThat(own.ticks()).isEqualTo(ticks);
        own.close(); // idempotent
    }
}
