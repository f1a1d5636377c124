package dev.flagstep.webhook;

import static dev.flagstep.testing.WebhookFixtures.hook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.kubernetes.KubeException;
import dev.flagstep.kubernetes.ServiceProxy;
import dev.flagstep.net.AddressGuard;
import dev.flagstep.net.ServiceRouter;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import dev.flagstep.testing.FakeApiServer;
import dev.flagstep.testing.WebhookFixtures.RecordingSleeper;
import dev.flagstep.testing.WebhookReceiver;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks at cluster Services go through a (fake) API server's service proxy to a real receiver: the same
 * bytes arrive, the answer comes back as it is, the proxy's own errors are named, public URLs stay direct.
 * The client uses the AWS address policy, which refuses 127.0.0.1: a proxied hop passing proves it was not
 * checked, a direct one to 127.0.0.1 failing proves it was.
 */
class ClusterServiceWebhookTest {

    private static final String TOKEN = "k8s-aws-v1.token";
    private static final WebhookPayload PAYLOAD =
            new WebhookPayload("podinfo", "test", CanaryPhase.PROGRESSING, "85d557f47b", Map.of("cmd", "hey -z 1m http://podinfo-canary.test:9898/"));
    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

    private final WebhookReceiver rx = WebhookReceiver.start();
    private final FakeApiServer api = FakeApiServer.start(TOKEN)
            .service("test", "flagger-loadtester", URI.create("http://127.0.0.1:" + rx.port()))
            .service("test", "event-receiver", URI.create("http://127.0.0.1:" + rx.port()))
            .service("test", "secure", URI.create("http://127.0.0.1:" + rx.port()))
            .noEndpoints("test", "empty")
            .unreachable("test", "crashing")
            .service("locked", "gate", URI.create("http://127.0.0.1:" + rx.port())).forbidProxy("locked")
            .forbidNamespaceGet("hidden");
    private final RecordingSleeper sleeper = new RecordingSleeper();
    /** The AWS policy; only IP literals resolve. */
    private final AddressGuard aws = AddressGuard.aws(Optional.empty(), host -> {
        if (host.matches("[0-9.]+")) {
            return InetAddress.getAllByName(host);
        }
        throw new UnknownHostException(host);
    });

    private WebhookClient client(Duration kubeTimeout) {
        return new WebhookClient(aws, new ServiceProxy(() -> api.client(kubeTimeout), "cluster.local", FIXED), sleeper, FIXED);
    }

    private final WebhookClient client = client(Duration.ofSeconds(5));

    @AfterEach
    void stop() {
        api.close();
        rx.close();
    }

    private static Webhook at(String url, int retries) {
        return hook("h", HookType.PRE_ROLLOUT, URI.create(url), Duration.ofSeconds(5), retries);
    }

    @Test
    void theSameBytesReachTheReceiverThroughTheProxy() {
        SigningSecret secret = SigningSecret.of("s3cret");
        HookOutcome outcome = client.call(at("http://flagger-loadtester.test/gate/approve?x=a%20b&y=1", 0), PAYLOAD, Optional.of(secret));

        assertThat(outcome.passed()).as(outcome.message()).isTrue();
        assertThat(api.proxied()).containsExactly(
                "/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/gate/approve?x=a%20b&y=1");
        var request = rx.requests().getFirst();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/gate/approve");
        assertThat(request.body()).isEqualTo(PAYLOAD.toJson());
        assertThat(request.header("Content-Type")).contains("application/json");
        assertThat(request.header(SigningSecret.HEADER)).contains(secret.sign(FIXED.instant().getEpochSecond(), PAYLOAD.toJson()));
        assertThat(request.header("Authorization")).isEmpty();
    }

    @Test
    void theReceiversStatusAndBodyComeBackAsTheyAre() {
        rx.script("/ok", Reply.status(202).body("accepted, thanks"));
        rx.script("/no", Reply.status(403).body("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"reason\":\"Forbidden\"} is mine"));
        rx.script("/bad", Reply.status(400).body("gate closed"));

        HookOutcome ok = client.call(at("http://flagger-loadtester.test/ok", 0), PAYLOAD);
        assertThat(ok).isInstanceOf(HookOutcome.Passed.class);
        assertThat(ok.statusCode()).hasValue(202);
        assertThat(ok.message()).isEqualTo("accepted, thanks");

        HookOutcome bad = client.call(at("http://flagger-loadtester.test/bad", 3), PAYLOAD);
        assertThat(bad.statusCode()).hasValue(400);
        assertThat(bad.message()).isEqualTo("gate closed");
        assertThat(bad.attempts()).isEqualTo(1);
    }

    @Test
    void aServiceWithoutReadyEndpointsIsRetriedThenNamed() {
        HookOutcome outcome = client.call(at("http://empty.test/", 2), PAYLOAD);
        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.attempts()).isEqualTo(3);
        assertThat(outcome.statusCode()).hasValue(503);
        assertThat(outcome.message()).isEqualTo("POST http://empty.test/ giving up after 3 attempt(s): service empty.test has no ready endpoints");
        assertThat(sleeper.waits()).hasSize(2);
    }

    @Test
    void aServiceTheApiServerCannotReachIsRetriedThenNamed() {
        HookOutcome outcome = client.call(at("http://crashing.test:8080/", 1), PAYLOAD);
        assertThat(outcome.attempts()).isEqualTo(2);
        assertThat(outcome.message()).isEqualTo("POST http://crashing.test:8080/ giving up after 2 attempt(s): service crashing.test: "
                + "error trying to reach service: dial tcp 10.0.1.7:8080: connect: connection refused");
    }

    @Test
    void aMissingServiceIsFinalAndNamedWithTheServersHint() {
        api.notFoundHint(" (the simulated cluster has no Service missing in namespace test)");
        HookOutcome outcome = client.call(at("http://missing.test/", 3), PAYLOAD);
        assertThat(outcome.attempts()).isEqualTo(1);
        assertThat(outcome.statusCode()).hasValue(404);
        assertThat(outcome.message()).isEqualTo("service missing.test not found (the simulated cluster has no Service missing in namespace test)");
    }

    @Test
    void aForbiddenNamespaceIsFinalAndNamed() {
        HookOutcome outcome = client.call(at("http://gate.locked/", 3), PAYLOAD);
        assertThat(outcome.attempts()).isEqualTo(1);
        assertThat(outcome.statusCode()).hasValue(403);
        assertThat(outcome.message()).isEqualTo("forbidden: the flagstep role may not proxy to services in namespace locked "
                + "(grant services/proxy get/create, see docs/cluster-services.md)");
        assertThat(rx.requests()).isEmpty();
    }

    @Test
    void aNamespaceFlagstepMayNotGetFailsClearly() {
        HookOutcome outcome = client.call(at("http://gate.hidden/", 3), PAYLOAD);
        assertThat(outcome.attempts()).isEqualTo(1);
        assertThat(outcome.message()).isEqualTo("cannot tell whether gate.hidden is a cluster Service: the flagstep role may not get "
                + "namespace hidden (grant get on namespaces, see docs/cluster-services.md)");
        assertThat(api.proxied()).isEmpty();
    }

    @Test
    void httpsUrlsUseTheHttpsSchemeOfTheProxyPath() {
        HookOutcome outcome = client.call(at("https://secure.test.svc.cluster.local:8443/hook", 0), PAYLOAD);
        assertThat(outcome.passed()).as(outcome.message()).isTrue();
        assertThat(api.proxied()).containsExactly("/api/v1/namespaces/test/services/https:secure:8443/proxy/hook");
    }

    @Test
    void aOneLabelHostIsAServiceInTheCanarysNamespaceFromThePayload() {
        HookOutcome outcome = client.call(hook("events", HookType.EVENT, URI.create("http://event-receiver/slack")), PAYLOAD);
        assertThat(outcome.passed()).as(outcome.message()).isTrue();
        assertThat(api.proxied()).containsExactly("/api/v1/namespaces/test/services/event-receiver:80/proxy/slack");
        assertThat(rx.requests().getFirst().path()).isEqualTo("/slack");
    }

    @Test
    void urlCredentialsAreReplacedByTheApiServersToken() {
        HookOutcome outcome = client.call(at("http://user:pass@flagger-loadtester.test/", 0), PAYLOAD);
        // the fake API server answers 401 to anything but its bearer token
        assertThat(outcome.passed()).as(outcome.message()).isTrue();
        assertThat(rx.requests().getFirst().header("Authorization")).isEmpty();
    }

    @Test
    void aRedirectTheApiServerRewroteIsFollowedFromTheClusterUrl() {
        rx.script("/gate/approve", Reply.status(307).header("Location", "/gate/final"));
        rx.script("/gate/final", Reply.status(200).body("open"));
        SigningSecret secret = SigningSecret.of("s3cret");

        HookOutcome outcome = client.call(at("http://flagger-loadtester.test/gate/approve", 0), PAYLOAD, Optional.of(secret));

        assertThat(outcome.passed()).as(outcome.message()).isTrue();
        assertThat(outcome.message()).isEqualTo("open");
        assertThat(api.proxied()).containsExactly(
                "/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/gate/approve",
                "/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/gate/final");
        var second = rx.requests("/gate/final").getFirst();
        assertThat(second.method()).isEqualTo("POST");
        assertThat(second.body()).isEqualTo(PAYLOAD.toJson());
        // still the hook's own origin: still signed
        assertThat(second.header(SigningSecret.HEADER)).isPresent();
    }

    @Test
    void aRedirectFromAProxiedReceiverToAPublicAddressIsDirectAndGuarded() {
        // not the backend's own address, so the API server leaves it as it is
        rx.script("/away", Reply.status(302).header("Location", "http://127.0.0.2:" + rx.port() + "/elsewhere"));
        HookOutcome outcome = client.call(at("http://flagger-loadtester.test/away", 0), PAYLOAD);
        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.message()).contains("loopback").contains("refused in the AWS deployment");
        assertThat(rx.requests("/elsewhere")).isEmpty();
    }

    @Test
    void publicLookingUrlsAreNotProxied() {
        HookOutcome loopback = client.call(at(rx.url("/hook").toString(), 0), PAYLOAD);
        assertThat(loopback.message()).contains("refused in the AWS deployment");

        HookOutcome noNamespace = client.call(at("http://hooks.nowhere/x", 0), PAYLOAD);
        assertThat(noNamespace.passed()).isFalse();
        assertThat(noNamespace.message()).doesNotContain("service ")
                .endsWith("lookup hooks.nowhere: no such host (not taken for a cluster Service: namespace nowhere does not exist in the cluster)");

        HookOutcome slack = client.call(at("https://hooks.slack.com/services/x", 0), PAYLOAD);
        assertThat(slack.passed()).isFalse();

        assertThat(api.proxied()).isEmpty();
        assertThat(api.namespaceGets()).isEqualTo(1); // "nowhere"; three labels need no lookup
        assertThat(rx.requests()).isEmpty();
    }

    @Test
    void modeOffSendsEveryUrlDirectly() {
        WebhookClient off = new WebhookClient(aws, ServiceRouter.direct(), sleeper, FIXED);
        HookOutcome outcome = off.call(at("http://flagger-loadtester.test/gate/approve", 0), PAYLOAD);
        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.message()).contains("flagger-loadtester.test");
        assertThat(api.proxied()).isEmpty();
        assertThat(api.namespaceGets()).isZero();
    }

    @Test
    void theHooksTimeoutBoundsAProxiedAttemptNotTheKubeClients() {
        rx.script("/helm", Reply.status(200).body("tests passed").after(Duration.ofMillis(900)));
        // name.ns.svc: no namespace lookup, so the short kube timeout can only bite the proxied request itself
        Webhook helm = hook("helm test", HookType.PRE_ROLLOUT, URI.create("http://flagger-loadtester.test.svc/helm"), Duration.ofMinutes(3), 0);

        HookOutcome outcome = client(Duration.ofMillis(200)).call(helm, PAYLOAD);

        assertThat(outcome.passed()).as(outcome.message()).isTrue();
        assertThat(outcome.message()).isEqualTo("tests passed");
    }

    @Test
    void aShortHookTimeoutStillCutsAProxiedAttempt() {
        rx.script("/slow", Reply.status(200).after(Duration.ofSeconds(20)));
        Webhook quick = hook("quick", HookType.PRE_ROLLOUT, URI.create("http://flagger-loadtester.test/slow"), Duration.ofMillis(300), 0);

        HookOutcome outcome = client.call(quick, PAYLOAD);

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.message()).contains("Client.Timeout exceeded");
    }

    @Test
    void anApiServerThatRefusesConnectionsIsNamedAsSuchRetriedAndMarked() {
        URI server = api.url();
        assertThat(client.call(at("http://flagger-loadtester.test/", 0), PAYLOAD).passed()).isTrue(); // namespace test known
        api.close();

        HookOutcome outcome = client.call(at("http://flagger-loadtester.test/gate/approve", 2), PAYLOAD);

        assertThat(outcome).isInstanceOfSatisfying(HookOutcome.Failed.class, f -> assertThat(f.apiUnavailable()).isTrue());
        assertThat(outcome.attempts()).isEqualTo(3);
        assertThat(sleeper.waits()).hasSize(2);
        assertThat(outcome.message()).isEqualTo("POST http://flagger-loadtester.test/gate/approve giving up after 3 attempt(s): "
                + "cannot reach the Kubernetes API server to call service flagger-loadtester.test: dial tcp "
                + server.getHost() + ":" + server.getPort() + ": connect: connection refused");
        // the API server's address is never shown as the Service's
        assertThat(outcome.message()).doesNotContain("Post \"http://flagger-loadtester.test");
    }

    @Test
    void anOverloadedApiServerIsNamedRetriedAndMarked() {
        assertThat(client.call(at("http://flagger-loadtester.test/", 0), PAYLOAD).passed()).isTrue(); // namespace test known
        api.overloaded(503, "the server is currently unable to handle the request");
        HookOutcome unavailable = client.call(at("http://flagger-loadtester.test/", 1), PAYLOAD);
        assertThat(unavailable).isInstanceOfSatisfying(HookOutcome.Failed.class, f -> assertThat(f.apiUnavailable()).isTrue());
        assertThat(unavailable.attempts()).isEqualTo(2);
        assertThat(unavailable.statusCode()).hasValue(503);
        assertThat(unavailable.message()).isEqualTo("POST http://flagger-loadtester.test/ giving up after 2 attempt(s): "
                + "cannot reach the Kubernetes API server to call service flagger-loadtester.test: it answered 503 "
                + "the server is currently unable to handle the request");

        api.overloaded(429, "Too many requests, please try again later.");
        HookOutcome throttled = client.call(at("http://flagger-loadtester.test/", 0), PAYLOAD);
        assertThat(throttled).isInstanceOfSatisfying(HookOutcome.Failed.class, f -> assertThat(f.apiUnavailable()).isTrue());
        assertThat(throttled.message()).endsWith("cannot reach the Kubernetes API server to call service flagger-loadtester.test: "
                + "it answered 429 Too many requests, please try again later.");
        assertThat(rx.requests()).hasSize(1);
    }

    @Test
    void anApiServerThatRecoversWithinTheHooksRetriesPasses() {
        api.overloaded(503, "the server is currently unable to handle the request");
        WebhookClient recovering = new WebhookClient(aws, new ServiceProxy(() -> api.client(Duration.ofSeconds(5)), "cluster.local", FIXED),
                wait -> api.recover(), FIXED);

        HookOutcome outcome = recovering.call(at("http://flagger-loadtester.test/", 1), PAYLOAD);

        assertThat(outcome.passed()).as(outcome.message()).isTrue();
        assertThat(outcome.attempts()).isEqualTo(2);
    }

    @Test
    void theReceiversOwnFailuresAndTheProxysNamedErrorsAreNotMarked() {
        rx.script("/busy", Reply.status(503).body("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"message\":\"mine\"}"));
        rx.script("/plain", Reply.status(503).body("busy"));
        HookOutcome empty = client.call(at("http://empty.test/", 0), PAYLOAD);
        HookOutcome crashing = client.call(at("http://crashing.test:8080/", 0), PAYLOAD);
        HookOutcome plain = client.call(at("http://flagger-loadtester.test/plain", 0), PAYLOAD);
        HookOutcome direct = client.call(at("http://10.255.255.1:1/", 0), PAYLOAD);

        for (HookOutcome o : java.util.List.of(empty, crashing, plain, direct)) {
            assertThat(o).isInstanceOfSatisfying(HookOutcome.Failed.class, f -> assertThat(f.apiUnavailable()).as(f.message()).isFalse());
        }
    }

    @Test
    void aNamespaceLookupTheApiServerCannotAnswerIsMarked() {
        api.overloaded(503, "the server is currently unable to handle the request");
        HookOutcome outcome = client.call(at("http://telegram.bot/", 0), PAYLOAD);
        assertThat(outcome).isInstanceOfSatisfying(HookOutcome.Failed.class, f -> assertThat(f.apiUnavailable()).isTrue());
        assertThat(outcome.message()).isEqualTo("POST http://telegram.bot/ giving up after 1 attempt(s): cannot reach the Kubernetes API "
                + "server to tell whether telegram.bot is a cluster Service: looking up namespace bot failed: GET Namespace bot: Kubernetes API at "
                + api.url() + " answered 503 the server is currently unable to handle the request");
    }

    @Test
    void aPhaseHookWhoseApiServerIsDownThrowsTheTransientKubernetesFault() {
        api.close();
        HookRunner runner = new HookRunner(client);
        // one label: the canary's namespace, no lookup; the proxied call itself meets the closed API server
        Webhook post = hook("notify", HookType.POST_ROLLOUT, URI.create("http://flagger-loadtester/notify"), Duration.ofSeconds(5), 0);
        HookContext context = HookContext.unsigned(new CanaryId("test", "podinfo"), CanaryPhase.SUCCEEDED, "sum");

        assertThatThrownBy(() -> runner.run(HookType.POST_ROLLOUT, context, java.util.List.of(post)))
                .isInstanceOf(KubeException.Unavailable.class)
                .hasMessageStartingWith("post-rollout hook notify: POST http://flagger-loadtester/notify giving up after 1 attempt(s): "
                        + "cannot reach the Kubernetes API server to call service flagger-loadtester.test: dial tcp ");

        // an event is reported, not thrown: a retry would post it again to receivers that have it
        Webhook event = hook("events", HookType.EVENT, URI.create("http://event-receiver.test.svc/"), Duration.ofSeconds(5), 0);
        var sent = new dev.flagstep.events.CanaryEvent(new CanaryId("test", "podinfo"), dev.flagstep.analysis.Message.Severity.NORMAL,
                "Promotion completed! Scaling down podinfo.test", CanaryPhase.SUCCEEDED, FIXED.instant(), 0, 0, "run", "sum");
        var outcomes = runner.sendEvent(sent, java.util.List.of(event), Optional.empty());
        assertThat(outcomes).singleElement().isInstanceOfSatisfying(HookOutcome.Failed.class, f -> {
            assertThat(f.apiUnavailable()).isTrue();
            assertThat(f.message()).contains("cannot reach the Kubernetes API server to call service event-receiver.test");
        });
    }
}
