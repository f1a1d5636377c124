package dev.flagstep.webhook;

import static dev.flagstep.testing.WebhookFixtures.hook;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import dev.flagstep.testing.WebhookFixtures.RecordingSleeper;
import dev.flagstep.testing.WebhookReceiver;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookClientTest {

    private static final WebhookPayload PAYLOAD =
            new WebhookPayload("podinfo", "test", CanaryPhase.PROGRESSING, "85d557f47b", Map.of("cmd", "a && b > c"));
    private static final Duration SHORT = Duration.ofMillis(300);
    /** Longer than any test here waits: a reply this late can only lose to the hook's timeout. */
    private static final Duration NEVER = Duration.ofMinutes(1);

    private WebhookReceiver rx;
    private RecordingSleeper sleeper;
    private WebhookClient client;

    @BeforeEach
    void start() {
        rx = WebhookReceiver.start();
        sleeper = new RecordingSleeper();
        client = new WebhookClient(sleeper);
    }

    @AfterEach
    void stop() {
        rx.close();
    }

    private Webhook at(String path, int retries) {
        return hook("h", HookType.ROLLOUT, rx.url(path), Duration.ofSeconds(5), retries);
    }

    @Test
    void postsTheExactBodyAsJsonOverHttp11() {
        HookOutcome outcome = client.call(at("/hook", 0), PAYLOAD);

        assertThat(outcome.passed()).isTrue();
        var request = rx.requests().getFirst();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/hook");
        assertThat(request.header("Content-Type")).contains("application/json");
        assertThat(request.body()).isEqualTo(PAYLOAD.toJson());
        assertThat(request.bodyText()).contains("a \\u0026\\u0026 b \\u003e c");
        // Go sends no h2c upgrade on http://, and Flagger sends no signature
        assertThat(request.header("Upgrade")).isEmpty();
        assertThat(request.header(SigningSecret.HEADER)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202})
    void statusesUpTo202Pass(int status) {
        rx.script("/ok", Reply.status(status).body("fine"));
        HookOutcome outcome = client.call(at("/ok", 0), PAYLOAD);
        assertThat(outcome).isInstanceOf(HookOutcome.Passed.class);
        assertThat(outcome.statusCode()).hasValue(status);
        assertThat(outcome.message()).isEqualTo("fine");
        assertThat(outcome.attempts()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {203, 204, 302, 304, 400, 403, 404, 409, 501})
    void otherStatusesFailWithTheBodyAsMessageAndNoRetry(int status) {
        // 302 without Location is not followed by Go either; 501 is never retried
        rx.script("/no", Reply.status(status).body(status == 204 || status == 304 ? "" : "Forbidden " + status));
        HookOutcome outcome = client.call(at("/no", 3), PAYLOAD);
        assertThat(outcome).isInstanceOf(HookOutcome.Failed.class);
        assertThat(outcome.statusCode()).hasValue(status);
        assertThat(outcome.message()).isEqualTo(status == 204 || status == 304 ? "" : "Forbidden " + status);
        assertThat(outcome.attempts()).isEqualTo(1);
        assertThat(rx.requests()).hasSize(1);
        assertThat(sleeper.waits()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 503, 429, 502})
    void retriedStatusesWithNoRetriesLeftGiveUpWithoutTheBody(int status) {
        rx.script("/err", Reply.status(status).body("command false failed: exit status 1"));
        HookOutcome outcome = client.call(at("/err", 0), PAYLOAD);
        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.message()).isEqualTo("POST " + rx.url("/err") + " giving up after 1 attempt(s)");
        assertThat(outcome.statusCode()).hasValue(status);
        assertThat(rx.requests()).hasSize(1);
    }

    @Test
    void retriesOneThen202Passes() {
        // Flagger's webhook_test.go: retries 1, a 500 then a 202 succeeds
        rx.script("/flaky", Reply.status(500), Reply.status(202));
        HookOutcome outcome = client.call(at("/flaky", 1), PAYLOAD);
        assertThat(outcome.passed()).isTrue();
        assertThat(outcome.attempts()).isEqualTo(2);
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(1));
        assertThat(rx.requests()).extracting(WebhookReceiver.Request::body)
                .allSatisfy(b -> assertThat(b).isEqualTo(PAYLOAD.toJson()));
    }

    @Test
    void exhaustedRetriesBackOffExponentiallyAndCountAttempts() {
        rx.script("/down", Reply.status(502));
        HookOutcome outcome = client.call(at("/down", 3), PAYLOAD);
        assertThat(outcome.message()).isEqualTo("POST " + rx.url("/down") + " giving up after 4 attempt(s)");
        assertThat(outcome.attempts()).isEqualTo(4);
        assertThat(rx.requests()).hasSize(4);
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    @Test
    void retryAfterIsHonouredOn429And503() {
        rx.script("/busy", Reply.status(429).header("Retry-After", "3"), Reply.status(503).header("Retry-After", "7"),
                Reply.status(200));
        HookOutcome outcome = client.call(at("/busy", 2), PAYLOAD);
        assertThat(outcome.passed()).isTrue();
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(7));
    }

    @Test
    void retryAfterAsADateIsMeasuredOnTheInjectedClock() {
        // the receiver's date is 2031-01-01T00:00:09Z; the client's clock reads 9 s before it
        java.time.Clock at = java.time.Clock.fixed(java.time.Instant.parse("2031-01-01T00:00:00Z"), java.time.ZoneOffset.UTC);
        WebhookClient clocked = new WebhookClient(dev.flagstep.net.AddressGuard.local(), sleeper, at);
        rx.script("/dated", Reply.status(503).header("Retry-After", "Wed, 01 Jan 2031 00:00:09 GMT"), Reply.status(200));
        assertThat(clocked.call(at("/dated", 1), PAYLOAD).passed()).isTrue();
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(9));
    }

    @Test
    void retryAfterIsIgnoredOnOther5xx() {
        rx.script("/busy", Reply.status(500).header("Retry-After", "9"), Reply.status(200));
        client.call(at("/busy", 1), PAYLOAD);
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void timeoutBeforeHeadersIsATransportErrorAndIsRetried() {
        rx.script("/slow", Reply.status(200).after(NEVER));
        Webhook hook = hook("h", HookType.ROLLOUT, rx.url("/slow"), SHORT, 1);
        HookOutcome outcome = client.call(hook, PAYLOAD);
        // only the timeout can end a call to /slow; each attempt had all of it
        assertThat(outcome.duration()).isGreaterThanOrEqualTo(SHORT.multipliedBy(2));
        assertThat(outcome.message()).isEqualTo("POST " + rx.url("/slow") + " giving up after 2 attempt(s): Post \""
                + rx.url("/slow") + "\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
        assertThat(outcome.statusCode()).isEmpty();
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void aTimeoutLeavesNoInterruptBehindAndTheNextCallWorks() {
        rx.script("/slow", Reply.status(200).after(NEVER));
        for (int i = 0; i < 3; i++) {
            HookOutcome outcome = client.call(hook("h", HookType.ROLLOUT, rx.url("/slow"), Duration.ofMillis(50), 0), PAYLOAD);
            assertThat(outcome.passed()).isFalse();
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }
        // no timer is left that could strike later (AttemptTimerTest plays a timer firing after the call ended)
        assertThat(AttemptTimer.pending()).isZero();
        assertThat(client.call(at("/fast", 0), PAYLOAD).passed()).isTrue();
    }

    @Test
    void anInterruptedCallerGetsAFailureAndKeepsItsInterrupt() {
        Thread.currentThread().interrupt();
        try {
            HookOutcome outcome = client.call(at("/any", 2), PAYLOAD);
            assertThat(outcome.passed()).isFalse();
            assertThat(outcome.message()).isEqualTo("POST " + rx.url("/any") + " interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void timeoutCoversReadingTheBodyAndIsNotRetried() {
        rx.script("/trickle", Reply.status(200).body("late").bodyAfter(NEVER));
        Webhook hook = hook("h", HookType.ROLLOUT, rx.url("/trickle"), SHORT, 2);
        HookOutcome outcome = client.call(hook, PAYLOAD);
        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.message()).isEqualTo(
                "error reading body: context deadline exceeded (Client.Timeout or context cancellation while reading body)");
        assertThat(outcome.statusCode()).hasValue(200);
        assertThat(outcome.duration()).isGreaterThanOrEqualTo(SHORT);
        assertThat(rx.requests()).hasSize(1);
    }

    @Test
    void connectionRefusedGivesUpWithGoShapedCause() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + port + "/x");
        HookOutcome outcome = client.call(hook("h", HookType.ROLLOUT, url, SHORT, 0), PAYLOAD);
        assertThat(outcome.message()).isEqualTo("POST " + url + " giving up after 1 attempt(s): Post \"" + url
                + "\": dial tcp 127.0.0.1:" + port + ": connect: connection refused");
    }

    @Test
    void redirects307RepeatThePostAnd302TurnsItIntoAGetAsGoDoes() {
        rx.script("/a", Reply.status(307).header("Location", "/b"));
        rx.script("/b", Reply.status(302).header("Location", rx.url("/c").toString()));
        rx.script("/c", Reply.status(202).body("done"));
        HookOutcome outcome = client.call(at("/a", 0), PAYLOAD);
        assertThat(outcome.passed()).isTrue();
        assertThat(outcome.message()).isEqualTo("done");
        var requests = rx.requests();
        assertThat(requests).extracting(WebhookReceiver.Request::method).containsExactly("POST", "POST", "GET");
        assertThat(requests.get(1).body()).isEqualTo(PAYLOAD.toJson());
        assertThat(requests.get(2).body()).isEmpty();
        assertThat(requests.get(2).header("Referer")).contains(rx.url("/b").toString());
    }

    @Test
    void redirectLoopStopsAtGosTenRequestsAndIsNotRetried() {
        rx.script("/loop", Reply.status(308).header("Location", "/loop"));
        HookOutcome outcome = client.call(at("/loop", 2), PAYLOAD);
        assertThat(rx.requests()).hasSize(10);
        assertThat(outcome.message()).isEqualTo("POST " + rx.url("/loop") + " giving up after 1 attempt(s): Post \""
                + rx.url("/loop") + "\": stopped after 10 redirects");
    }

    @Test
    void signsTheExactBodyWhenASecretIsGiven() throws Exception {
        byte[] key = "s3cr3t".getBytes(StandardCharsets.UTF_8);
        HookOutcome outcome = client.call(at("/signed", 0), PAYLOAD, Optional.of(SigningSecret.of(key)));
        assertThat(outcome.passed()).isTrue();
        var request = rx.requests().getFirst();
        String header = request.header("X-Flagstep-Signature").orElseThrow();
        assertThat(header).matches("t=[0-9]+,v1=[0-9a-f]{64}");
        assertThat(ReceiverVerification.verifies(header, key, request.body(), java.time.Instant.now())).isTrue();
    }

    @Test
    void secretNeverAppearsInToString() {
        assertThat(SigningSecret.of("hunter2").toString()).doesNotContain("hunter2");
    }

    @Test
    void passwordInTheUrlIsRedactedInMessages() {
        rx.script("/err", Reply.status(500));
        URI url = URI.create("http://user:hunter2@127.0.0.1:" + rx.port() + "/err");
        HookOutcome outcome = client.call(hook("h", HookType.ROLLOUT, url, SHORT, 0), PAYLOAD);
        assertThat(outcome.message())
                .isEqualTo("POST http://user:xxxxx@127.0.0.1:" + rx.port() + "/err giving up after 1 attempt(s)");
    }

    @Test
    void credentialsInTheUrlAreSentAsBasicAuthAsGoDoes() {
        URI url = URI.create("http://user:hunter2@127.0.0.1:" + rx.port() + "/auth");
        client.call(hook("h", HookType.ROLLOUT, url, SHORT, 0), PAYLOAD);
        assertThat(rx.requests().getFirst().header("Authorization")).contains("Basic dXNlcjpodW50ZXIy");
        client.call(at("/noauth", 0), PAYLOAD);
        assertThat(rx.requests("/noauth").getFirst().header("Authorization")).isEmpty();
    }

    @Test
    void realBackoffReallyWaits() {
        // the one test that sleeps for real: 1s before the second attempt
        rx.script("/flaky", Reply.status(503), Reply.status(200));
        HookOutcome outcome = new WebhookClient().call(at("/flaky", 1), PAYLOAD);
        assertThat(outcome.passed()).isTrue();
        var requests = rx.requests();
        assertThat(Duration.ofNanos(requests.get(1).arrivalNanos() - requests.get(0).arrivalNanos()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(990));
    }
}
