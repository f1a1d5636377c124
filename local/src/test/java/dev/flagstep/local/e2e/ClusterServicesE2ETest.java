package dev.flagstep.local.e2e;

import static dev.flagstep.local.e2e.FailureKit.assertRolledBack;
import static dev.flagstep.local.e2e.FailureKit.image;
import static dev.flagstep.local.e2e.FailureKit.replicas;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.local.FlaggerDocsWebhooks;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.testing.WebhookReceiver;
import dev.flagstep.testing.WebhookReceiver.Reply;
import dev.flagstep.testing.WebhookReceiver.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cluster Service URLs end to end (docs/cluster-services.md): hooks written as Flagger users write them reach
 * their receivers through the simulated API server's service proxy, the proxy's own errors are named in the
 * canary's events with Flagger's retry semantics, and URLs that are not cluster Services go out directly.
 *
 * <p>Every receiver here is on 127.0.0.1 and backed as a Service with {@code SimulatedCluster.backService}; a
 * request the proxy forwarded carries {@code X-Forwarded-Uri} (the proxy path), as kube-apiserver marks it.
 */
class ClusterServicesE2ETest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static RolloutHarness h;
    static String hooks;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start();
        hooks = h.hooksUrl();
        // the namespace a helm tester lives in, as in Flagger's docs; its Services are backed by each test
        h.sim.createNamespace("flagger");
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    /** pre-rollout at {@code preUrl} ({@code retries} extra attempts), then load and post-rollout hooks on the receiver. */
    private static CanaryDocument canaryWithPreRollout(String n, String preUrl, int retries) {
        return h.canary(CanaryYaml.named(n).analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 20
                    maxWeight: 40
                    webhooks:
                      - name: helm
                        type: pre-rollout
                        url: %3$s
                        retries: %4$d
                      - name: load
                        type: rollout
                        url: %1$s/%2$s/rollout
                      - name: post
                        type: post-rollout
                        url: %1$s/%2$s/post-rollout
                """.formatted(hooks, n, preUrl, retries)));
    }

    /**
     * A Service whose pods are all unready: the proxy answers 503 "no endpoints available", retried as Flagger
     * retries the connection refused it would see in the cluster ({@code retries: 1}: two attempts per tick), each
     * tick a failed check; at the threshold the rollout rolls back and post-rollout is called.
     */
    @Test
    void aServiceWithNoReadyEndpointsIsRetriedThenFailsTheRolloutNamingIt() throws Exception {
        String n = "noep";
        h.sim.backService("flagger", "noep-tester", 80, h.hooks.url(""));
        h.sim.holdNoEndpoints("flagger", "noep-tester", true);
        CanaryDocument doc = canaryWithPreRollout(n, "http://noep-tester.flagger/noep/helm", 1);

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        assertRolledBack(h, doc);
        assertThat(h.hooks.requests("/noep/helm")).as("no endpoint ever received the hook").isEmpty();
        assertThat(h.sequence("/noep/rollout", "/noep/post-rollout")).containsExactly("/noep/post-rollout:Failed");
        String halt = "Halt noep.e2e advancement pre-rollout check helm failed POST http://noep-tester.flagger/noep/helm"
                + " giving up after 2 attempt(s): service noep-tester.flagger has no ready endpoints";
        assertThat(h.messages(doc.canary().id())).containsSubsequence(
                "Starting canary analysis for noep.e2e",
                halt,
                halt,
                "Rolling back noep.e2e failed checks threshold reached 2",
                "Canary failed! Scaling down noep.e2e",
                "Post-rollout check post passed");
        assertThat(h.events(doc.canary().id())).filteredOn(e -> e.message().equals(halt))
                .extracting(e -> e.failedChecks()).containsExactly(1, 2);
    }

    /**
     * The same Service gets a ready pod back after the first failed check: the next tick's pre-rollout reaches it
     * and the rollout goes on to promotion. The endpoints come back on the failed check's event, not after a delay;
     * a threshold of 10 leaves the test far more ticks than it needs to act.
     */
    @Test
    void aServiceWhoseEndpointsComeBackBeforeTheThresholdPasses() throws Exception {
        String n = "epback";
        h.sim.backService("flagger", "epback-tester", 80, h.hooks.url(""));
        h.sim.holdNoEndpoints("flagger", "epback-tester", true);
        CanaryDocument doc = h.canary(CanaryYaml.named(n).analysis("""
                    interval: 10s
                    threshold: 10
                    stepWeight: 20
                    maxWeight: 40
                    webhooks:
                      - name: helm
                        type: pre-rollout
                        url: http://epback-tester.flagger/epback/helm
                      - name: post
                        type: post-rollout
                        url: %1$s/epback/post-rollout
                """.formatted(hooks)));
        String halt = "Halt epback.e2e advancement pre-rollout check helm failed POST http://epback-tester.flagger/epback/helm"
                + " giving up after 1 attempt(s): service epback-tester.flagger has no ready endpoints";

        Execution rollout = h.deployNewRevision(doc);
        RolloutHarness.await("the failed pre-rollout check", RolloutHarness.PATIENCE,
                () -> h.messages(doc.canary().id()).contains(halt));
        h.sim.holdNoEndpoints("flagger", "epback-tester", false);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        assertPromoted(doc, "epback");
        assertThat(h.sequence("/epback/helm", "/epback/post-rollout"))
                .containsExactly("/epback/helm:Progressing", "/epback/post-rollout:Succeeded");
        assertThat(h.messages(doc.canary().id())).containsSubsequence(
                "Starting canary analysis for epback.e2e",
                halt,
                "Starting canary analysis for epback.e2e",
                "Pre-rollout check helm passed",
                "Advance epback.e2e canary weight 20",
                "Promotion completed! Scaling down epback.e2e");
    }

    /**
     * No such Service: the API server's 404 is final (not retried though the hook allows 3 retries, so no
     * "giving up after"), named with the simulated cluster's hint naming {@code --service}.
     */
    @Test
    void aMissingServiceFailsTheRolloutWithoutRetriesNamingTheServiceFlag() throws Exception {
        String n = "nosvc";
        CanaryDocument doc = canaryWithPreRollout(n, "http://nosvc-tester.flagger/", 3);

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        assertRolledBack(h, doc);
        assertThat(h.sequence("/nosvc/rollout", "/nosvc/post-rollout")).containsExactly("/nosvc/post-rollout:Failed");
        String halt = "Halt nosvc.e2e advancement pre-rollout check helm failed service nosvc-tester.flagger not found"
                + " (the simulated cluster has no Service nosvc-tester in namespace flagger: back it with"
                + " --service nosvc-tester.flagger=http://127.0.0.1:PORT)";
        assertThat(h.messages(doc.canary().id())).containsSubsequence(
                halt,
                halt,
                "Rolling back nosvc.e2e failed checks threshold reached 2",
                "Canary failed! Scaling down nosvc.e2e",
                "Post-rollout check post passed");
    }

    /** A namespace where the flagstep role may not proxy: the 403 is final and tells which grant is missing. */
    @Test
    void aForbiddenNamespaceFailsTheRolloutNamingTheMissingGrant() throws Exception {
        String n = "locked";
        h.sim.backService("vault", "locked-tester", 80, h.hooks.url(""));
        h.sim.forbidProxy("vault", true);
        CanaryDocument doc = canaryWithPreRollout(n, "http://locked-tester.vault/locked/helm", 3);

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        assertRolledBack(h, doc);
        assertThat(h.hooks.requests("/locked/helm")).isEmpty();
        assertThat(h.sequence("/locked/rollout", "/locked/post-rollout")).containsExactly("/locked/post-rollout:Failed");
        String halt = "Halt locked.e2e advancement pre-rollout check helm failed forbidden: the flagstep role may not proxy"
                + " to services in namespace vault (grant services/proxy get/create, see docs/cluster-services.md)";
        assertThat(h.messages(doc.canary().id())).containsSubsequence(
                halt,
                halt,
                "Rolling back locked.e2e failed checks threshold reached 2",
                "Canary failed! Scaling down locked.e2e",
                "Post-rollout check post passed");
    }

    /**
     * An https Service ({@code https://hooks.secure/...}): the proxy path says {@code https:hooks:443} and the proxy
     * opens TLS to the receiver without verifying it, as kube-apiserver dials pods (its self-signed certificate
     * names receiver.invalid, which no direct call from flagstep would accept).
     */
    @Test
    void anHttpsServiceIsReachedOverTlsThroughTheProxy() throws Exception {
        String n = "tls";
        try (WebhookReceiver secure = WebhookReceiver.startTls()) {
            h.sim.backService("secure", "hooks", 443, secure.url(""));
            CanaryDocument doc = canaryWithPreRollout(n, "https://hooks.secure/tls/helm", 0);

            Execution rollout = h.deployNewRevision(doc);
            h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

            assertPromoted(doc, n);
            List<Request> calls = secure.requests("/tls/helm");
            assertThat(calls).hasSize(1);
            assertThat(calls.getFirst().header("X-Forwarded-Uri"))
                    .contains("/api/v1/namespaces/secure/services/https:hooks:443/proxy/tls/helm");
            assertThat(h.messages(doc.canary().id())).contains("Pre-rollout check helm passed");
        }
    }

    /**
     * In one canary: hooks at 127.0.0.1 and localhost go out directly (the receiver sees no proxy's marks), the one at
     * the cluster Service goes through the proxy.
     */
    @Test
    void onlyClusterServiceUrlsGoThroughTheProxy() throws Exception {
        String n = "public";
        String loopback = h.hooks.url("").toString();
        String localhost = "http://localhost:" + h.hooks.port();
        CanaryDocument doc = h.canary(CanaryYaml.named(n).analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 20
                    maxWeight: 40
                    webhooks:
                      - name: pre
                        type: pre-rollout
                        url: %1$s/public/pre-rollout
                      - name: load
                        type: rollout
                        url: %2$s/public/rollout
                      - name: post
                        type: post-rollout
                        url: %3$s/public/post-rollout
                """.formatted(loopback, localhost, hooks)));

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        assertPromoted(doc, n);
        assertThat(forwardedUris("/public/pre-rollout")).containsOnly(Optional.empty()).isNotEmpty();
        assertThat(forwardedUris("/public/rollout")).containsOnly(Optional.empty()).isNotEmpty();
        assertThat(forwardedUris("/public/post-rollout")).containsExactly(
                Optional.of("/api/v1/namespaces/e2e/services/flagger-loadtester:80/proxy/public/post-rollout"));
    }

    /**
     * A two-label name whose namespace does not exist ({@code receiver.invalid}: the cluster has no namespace
     * {@code invalid}) is a public name: sent directly, it fails as an unresolvable host does in Flagger, not with
     * the proxy's "service ... not found".
     */
    @Test
    void aTwoLabelNameWithoutSuchANamespaceIsAPublicNameSentDirectly() throws Exception {
        String n = "pubname";
        String url = "http://receiver.invalid:" + h.hooks.port() + "/pubname/helm";
        CanaryDocument doc = canaryWithPreRollout(n, url, 0);

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        assertRolledBack(h, doc);
        String halt = "Halt pubname.e2e advancement pre-rollout check helm failed POST " + url
                + " giving up after 1 attempt(s): Post \"" + url + "\": dial tcp: lookup receiver.invalid: no such host"
                + " (not taken for a cluster Service: namespace invalid does not exist in the cluster)";
        assertThat(h.messages(doc.canary().id())).containsSubsequence(
                halt,
                halt,
                "Rolling back pubname.e2e failed checks threshold reached 2",
                "Canary failed! Scaling down pubname.e2e",
                "Post-rollout check post passed");
    }

    /**
     * A hook of Flagger's docs with {@code timeout: 3m} whose receiver answers after longer than the cluster client's
     * per-request timeout: the proxied call is bounded by the hook's own timeout only (kube-apiserver treats
     * {@code proxy} as long-running), so the helm test passes. Its own harness: a 300 ms client timeout for every
     * Kubernetes request, and a receiver that answers after 1 s.
     */
    @Test
    void aProxiedHookWithAThreeMinuteTimeoutOutlastsTheClientsRequestTimeout() throws Exception {
        try (RolloutHarness slow = RolloutHarness.startWithClientTimeout(Duration.ofMillis(300))) {
            slow.sim.backService("flagger", "flagger-helmtester", 80, slow.hooks.url(""));
            slow.hooks.script("/", Reply.status(200).body("helm test passed").after(Duration.ofSeconds(1)));
            CanaryDocument doc = slow.canary(CanaryYaml.named("helm3m").analysis("""
                        interval: 10s
                        threshold: 2
                        stepWeight: 20
                        maxWeight: 40
                        webhooks:
                          - name: helm test
                            type: pre-rollout
                            url: http://flagger-helmtester.flagger/
                            timeout: 3m
                            metadata:
                              type: helmv3
                              cmd: "test helm3m -n e2e"
                          - name: post
                            type: post-rollout
                            url: %1$s/helm3m/post-rollout
                    """.formatted(slow.hooksUrl())));

            Execution rollout = slow.deployNewRevision(doc);
            slow.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

            assertThat(slow.hooks.requests("/")).hasSize(1);
            assertThat(slow.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
            assertThat(slow.messages(doc.canary().id())).containsSubsequence(
                    "Pre-rollout check helm test passed",
                    "Promotion completed! Scaling down helm3m.e2e");
        }
    }

    /**
     * The webhook block every Flagger user copies from Flagger's docs (issue 11), unchanged, with the canary in
     * namespace {@code test} and its metrics server {@code http://prometheus.istio-system:9090}; each Service is
     * backed by a receiver of its own. The start gate is open, the rollback gate closed (the loadtester's 403):
     * promoted, the helm test's metadata arrives as Flagger sends it, and the events reach the event receiver.
     */
    @Test
    void flaggersDocumentedWebhookBlockRunsUnchangedThroughTheProxy() throws Exception {
        try (WebhookReceiver loadtester = WebhookReceiver.start();
                WebhookReceiver helmtester = WebhookReceiver.start();
                WebhookReceiver telegram = WebhookReceiver.start();
                WebhookReceiver slack = WebhookReceiver.start()) {
            h.sim.backService("test", "flagger-loadtester", 80, loadtester.url(""));
            h.sim.backService("flagger", "flagger-helmtester", 80, helmtester.url(""));
            h.sim.backService("bot", "telegram", 8080, telegram.url(""));
            h.sim.backService("notifications", "event-recevier", 80, slack.url(""));
            loadtester.script("/gate/approve", Reply.status(200).body("Approved"));
            loadtester.script("/rollback/check", Reply.status(403).body("Forbidden"));
            h.hooks.script(Prometheus.QUERY, Reply.status(200).body(Prometheus.vector(99.9)));
            CanaryDocument doc = h.canary(CanaryYaml.named("podinfo").namespace("test")
                    .metricsServer("http://prometheus.istio-system:9090").analysis("""
                        interval: 10s
                        threshold: 2
                        stepWeight: 20
                        maxWeight: 40
                    """ + CanaryYaml.SUCCESS_RATE + FlaggerDocsWebhooks.indented(4)));

            Execution rollout = h.deployNewRevision(doc);
            h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

            assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
            assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
            assertThat(h.sim.object(ResourceKind.DEPLOYMENT, "test", "podinfo-primary").orElseThrow()
                    .at("/spec/template/spec/containers/0/image").asText()).isEqualTo(RolloutHarness.NEW_IMAGE);
            assertThat(h.messages(doc.canary().id())).containsSubsequence(
                    "New revision detected! Scaling up podinfo.test",
                    "Starting canary analysis for podinfo.test",
                    "Pre-rollout check helm test passed",
                    "Advance podinfo.test canary weight 20",
                    "Advance podinfo.test canary weight 40",
                    "Routing all traffic to primary",
                    "Post-rollout check notify passed",
                    "Promotion completed! Scaling down podinfo.test");

            assertThat(loadtester.requests("/gate/approve")).isNotEmpty();
            assertThat(loadtester.requests("/rollback/check")).isNotEmpty();
            assertThat(loadtester.requests("/")).isNotEmpty().allSatisfy(r -> assertThat(json(r).path("metadata").path("cmd")
                    .asText()).isEqualTo("hey -z 1m -q 5 -c 2 http://podinfo-canary.test:9898/"));
            List<Request> helm = helmtester.requests("/");
            assertThat(helm).hasSize(1);
            JsonNode helmBody = json(helm.getFirst());
            assertThat(helmBody.path("name").asText()).isEqualTo("podinfo");
            assertThat(helmBody.path("namespace").asText()).isEqualTo("test");
            assertThat(helmBody.path("phase").asText()).isEqualTo("Progressing");
            assertThat(helmBody.path("metadata")).isEqualTo(MAPPER.readTree("{\"type\":\"helmv3\",\"cmd\":\"test podinfo -n test\"}"));
            assertThat(telegram.requests("/")).extracting(r -> json(r).path("phase").asText()).containsExactly("Succeeded");
            assertThat(h.hooks.requests(Prometheus.QUERY)).as("metrics queried through prometheus.istio-system").isNotEmpty()
                    .allSatisfy(r -> assertThat(r.header("X-Forwarded-Uri")).contains(
                            "/api/v1/namespaces/istio-system/services/prometheus:9090/proxy" + Prometheus.QUERY));
            RolloutHarness.await("the promotion event at the event receiver", RolloutHarness.PATIENCE,
                    () -> slack.requests("/slack").stream().anyMatch(r -> json(r).path("metadata").path("eventMessage")
                            .asText().equals("Promotion completed! Scaling down podinfo.test")));
        }
    }

    private static void assertPromoted(CanaryDocument doc, String name) {
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(image(h, name + "-primary")).isEqualTo(RolloutHarness.NEW_IMAGE);
        assertThat(replicas(h, name)).isZero();
    }

    /** The proxy path each request at {@code path} was forwarded from, or empty for a request that came directly. */
    private static List<Optional<String>> forwardedUris(String path) {
        return h.hooks.requests(path).stream().map(r -> r.header("X-Forwarded-Uri")).toList();
    }

    private static JsonNode json(Request r) {
        try {
            return MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
