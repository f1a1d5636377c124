package dev.flagstep.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.flagstep.testing.WebhookFixtures.hook;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.spec.HookType;
import dev.flagstep.testing.WebhookFixtures.RecordingSleeper;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Faults a plain server cannot produce on demand: resets and dropped connections, from WireMock. */
class WebhookClientFaultsTest {

    private static WireMockServer wm;
    private static final WebhookPayload PAYLOAD =
            new WebhookPayload("podinfo", "test", CanaryPhase.PROGRESSING, "c", Map.of("key1", "val1"));

    /**
     * The hook timeout of the calls that must end otherwise (a reset, an empty answer, a 429): a minute, so a
     * loaded machine's slow answer cannot turn their failure into a timeout; they return at once when healthy.
     */
    private static final Duration PATIENT = Duration.ofSeconds(60);

    private RecordingSleeper sleeper;
    private WebhookClient client;

    @BeforeAll
    static void startWireMock() {
        wm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(8));
        wm.start();
    }

    @AfterAll
    static void stopWireMock() {
        wm.stop();
    }

    @BeforeEach
    void reset() {
        wm.resetAll();
        sleeper = new RecordingSleeper();
        client = new WebhookClient(sleeper);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + wm.port() + path);
    }

    @Test
    void connectionResetGivesUpWithTheCause() {
        wm.stubFor(post("/reset").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        HookOutcome outcome = client.call(hook("h", HookType.PRE_ROLLOUT, url("/reset"), PATIENT, 0), PAYLOAD);
        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.statusCode()).isEmpty();
        assertThat(outcome.message()).startsWith("POST " + url("/reset") + " giving up after 1 attempt(s): Post \""
                + url("/reset") + "\": ");
        assertThat(outcome.message()).endsWith("connection reset by peer");
    }

    @Test
    void transportErrorsAreRetriedThenSucceed() {
        wm.stubFor(post("/drop").inScenario("drop").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)).willSetStateTo("up"));
        wm.stubFor(post("/drop").inScenario("drop").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(202)));
        HookOutcome outcome = client.call(hook("h", HookType.ROLLOUT, url("/drop"), PATIENT, 1), PAYLOAD);
        assertThat(outcome.passed()).isTrue();
        assertThat(outcome.attempts()).isEqualTo(2);
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(1));
        wm.verify(2, postRequestedFor(urlEqualTo("/drop")).withHeader("Content-Type", equalTo("application/json")));
    }

    @Test
    void emptyResponseReadsAsEof() {
        wm.stubFor(post("/eof").willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
        HookOutcome outcome = client.call(hook("h", HookType.ROLLOUT, url("/eof"), PATIENT, 0), PAYLOAD);
        assertThat(outcome.message()).isEqualTo("POST " + url("/eof") + " giving up after 1 attempt(s): Post \""
                + url("/eof") + "\": EOF");
    }

    @Test
    void delayedResponsePastTheHookTimeoutFails() {
        // a minute: longer than any test waits, so only the hook's timeout can end the call
        wm.stubFor(post("/slow").willReturn(aResponse().withStatus(200).withFixedDelay(60_000)));
        HookOutcome outcome = client.call(hook("h", HookType.ROLLOUT, url("/slow"), Duration.ofMillis(250), 0), PAYLOAD);
        assertThat(outcome.message()).endsWith("context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
        assertThat(outcome.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }

    @Test
    void retryAfterFromWireMock429() {
        wm.stubFor(post("/limited").inScenario("rl").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "12")).willSetStateTo("ok"));
        wm.stubFor(post("/limited").inScenario("rl").whenScenarioStateIs("ok").willReturn(aResponse().withStatus(200)));
        HookOutcome outcome = client.call(hook("h", HookType.ROLLOUT, url("/limited"), PATIENT, 1), PAYLOAD);
        assertThat(outcome.passed()).isTrue();
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(12));
    }
}
