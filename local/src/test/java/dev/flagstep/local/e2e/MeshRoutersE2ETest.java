package dev.flagstep.local.e2e;

import static dev.flagstep.local.e2e.FailureKit.promQuery;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.metrics.Observer;
import dev.flagstep.metrics.TemplateModel;
import dev.flagstep.router.KumaRouter;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Flagger's mesh routers of issue 17 end to end on the simulated cluster: linkerd (SMI v1alpha1 TrafficSplit), osm
 * (SMI v1alpha2) and kuma (cluster-scoped TrafficRoute), each judged by its own builtin success-rate query: the
 * metrics server answers 100% to exactly that query and 50% to any other, so a promotion proves the query.
 */
class MeshRoutersE2ETest {

    static RolloutHarness h;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static final ResourceKind SPLIT_V1ALPHA1 = ResourceKind.TRAFFIC_SPLIT_V1ALPHA1;

    /** A canary on {@code provider}, stepping 25 to 50, with the builtin success-rate check against its own Prometheus. */
    private static String canary(String name, String provider) {
        return FailureKit.canary(h, name).provider(provider).analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 25
                    maxWeight: 50
                """ + CanaryYaml.SUCCESS_RATE);
    }

    /** The metrics server answers {@code good} to the observer's own query for this canary and 50% to anything else. */
    private static void prometheus(CanaryDocument doc, Observer observer, double good) {
        String name = doc.canary().id().name();
        String query = observer.render(true, TemplateModel.of(doc.canary(), "1m", Map.of())).replaceAll("\\s+", " ").strip();
        h.hooks.script(promQuery(name), Reply.status(200).body(Prometheus.vector(50)));
        h.hooks.script(promQuery(name) + "?query=" + query, Reply.status(200).body(Prometheus.vector(good)));
        h.hooks.script(promQuery(name) + "?query=vector(1)", Reply.status(200).body(Prometheus.vector(1)));
    }

    private static void assertPromoted(CanaryDocument doc, Execution rollout) throws Exception {
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);
        assertThat(h.runWeights(doc, rollout)).containsExactly(25, 50, 0);
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(h.status(doc).failedChecks()).isZero();
        String n = doc.canary().id().name();
        assertThat(FailureKit.image(h, n + "-primary")).isEqualTo(RolloutHarness.NEW_IMAGE);
        assertThat(h.messages(doc.canary().id())).containsSubsequence(
                "Advance " + n + ".e2e canary weight 25",
                "Advance " + n + ".e2e canary weight 50",
                "Promotion completed! Scaling down " + n + ".e2e");
    }

    @Test
    void linkerdPromotesThroughAnSmiV1alpha1TrafficSplitWithQuantityWeights() throws Exception {
        CanaryDocument doc = h.canary(canary("linkerd-app", "linkerd"));
        prometheus(doc, Observer.LINKERD, 100);

        assertPromoted(doc, h.deployNewRevision(doc));
        JsonNode split = h.sim.object(SPLIT_V1ALPHA1, "e2e", "linkerd-app").orElseThrow();
        assertThat(split.at("/spec/backends").toString()).isEqualTo(
                "[{\"service\":\"linkerd-app-canary\",\"weight\":\"0\"},{\"service\":\"linkerd-app-primary\",\"weight\":\"100\"}]");
    }

    @Test
    void osmPromotesThroughAnSmiV1alpha2TrafficSplit() throws Exception {
        CanaryDocument doc = h.canary(canary("osm-app", "osm"));
        prometheus(doc, Observer.OSM, 100);

        assertPromoted(doc, h.deployNewRevision(doc));
        JsonNode split = h.sim.object(ResourceKind.TRAFFIC_SPLIT_V1ALPHA2, "e2e", "osm-app").orElseThrow();
        assertThat(split.at("/spec/backends").toString()).isEqualTo(
                "[{\"service\":\"osm-app-canary\",\"weight\":0},{\"service\":\"osm-app-primary\",\"weight\":100}]");
    }

    /** Flagger's v1beta1 Gateway API routes (Gateway API before v1.0): the same rules, the older apiVersion. */
    @Test
    void gatewayApiV1beta1PromotesThroughAV1beta1HttpRoute() throws Exception {
        CanaryDocument doc = h.canary(canary("gwb-app", "gatewayapi:v1beta1"));
        prometheus(doc, Observer.forName(Observer.observerName(doc.canary())), 100);

        assertPromoted(doc, h.deployNewRevision(doc));
        JsonNode route = h.sim.object(ResourceKind.HTTP_ROUTE_V1BETA1, "e2e", "gwb-app").orElseThrow();
        assertThat(route.path("apiVersion").asText()).isEqualTo("gateway.networking.k8s.io/v1beta1");
        assertThat(route.at("/spec/rules/0/backendRefs").toString())
                .contains("\"name\":\"gwb-app-primary\"", "\"weight\":100", "\"name\":\"gwb-app-canary\"", "\"weight\":0");
    }

    @Test
    void kumaPromotesThroughAClusterScopedTrafficRouteInTheCanarysMesh() throws Exception {
        // as Flagger's own Kuma test: the mesh annotation and the protocol annotations on every generated Service
        String protocol = "{annotations: {9898.service.kuma.io/protocol: http}}";
        String yaml = canary("kuma-app", "kuma").replace("  namespace: e2e\nspec:",
                "  namespace: e2e\n  annotations:\n    kuma.io/mesh: payments\nspec:").replace("    port: 9898\n",
                "    port: 9898\n    apex: " + protocol + "\n    primary: " + protocol + "\n    canary: " + protocol + "\n");
        CanaryDocument doc = h.canary(yaml);
        prometheus(doc, Observer.KUMA, 100);

        assertPromoted(doc, h.deployNewRevision(doc));
        JsonNode route = h.sim.object(KumaRouter.TRAFFIC_ROUTE, "", "kuma-app").orElseThrow();
        assertThat(route.path("mesh").asText()).isEqualTo("payments");
        assertThat(route.at("/metadata/annotations/9898.service.kuma.io~1protocol").asText()).isEqualTo("http");
        for (String service : new String[] {"kuma-app", "kuma-app-primary", "kuma-app-canary"}) {
            assertThat(h.sim.object(ResourceKind.SERVICE, "e2e", service).orElseThrow()
                    .at("/metadata/annotations/9898.service.kuma.io~1protocol").asText()).as(service).isEqualTo("http");
        }
        assertThat(route.at("/spec/conf/split").toString()).isEqualTo(
                "[{\"weight\":100,\"destination\":{\"kuma.io/service\":\"kuma-app-primary_e2e_svc_9898\"}},"
                        + "{\"weight\":0,\"destination\":{\"kuma.io/service\":\"kuma-app-canary_e2e_svc_9898\"}}]");
    }

    @Test
    void aFailingLinkerdCanaryRollsBackToThePrimary() throws Exception {
        CanaryDocument doc = h.canary(canary("linkerd-bad", "linkerd"));
        prometheus(doc, Observer.LINKERD, 50);

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.FAILED);
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.FAILED);
        assertThat(FailureKit.image(h, "linkerd-bad-primary")).isEqualTo(RolloutHarness.IMAGE);
        assertThat(h.sim.object(SPLIT_V1ALPHA1, "e2e", "linkerd-bad").orElseThrow().at("/spec/backends/1/weight").asText())
                .isEqualTo("100");
        assertThat(h.messages(doc.canary().id())).contains("Rolling back linkerd-bad.e2e failed checks threshold reached 2");
    }
}
