package dev.flagstep.webhook;

import static dev.flagstep.testing.WebhookFixtures.hook;
import static dev.flagstep.testing.WebhookFixtures.withDisableTLS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import dev.flagstep.testing.WebhookFixtures.RecordingSleeper;
import dev.flagstep.testing.WebhookReceiver;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Flagger's disableTLS test (httptest.NewTLSServer), made stricter: the receiver's self-signed
 * certificate names only receiver.invalid, so passing with disableTLS proves that both the chain and
 * the host name check are skipped, as Go's InsecureSkipVerify does.
 */
class WebhookClientTlsTest {

    private static WebhookReceiver rx;
    private static final WebhookPayload PAYLOAD =
            new WebhookPayload("podinfo", "test", CanaryPhase.PROGRESSING, "c", Map.of("key1", "val1"));

    @BeforeAll
    static void start() {
        rx = WebhookReceiver.startTls();
        rx.script("/tls", Reply.status(202).body("secure"));
    }

    @AfterAll
    static void stop() {
        rx.close();
    }

    @Test
    void selfSignedCertificateFailsWithoutDisableTlsAndIsNotRetried() {
        RecordingSleeper sleeper = new RecordingSleeper();
        Webhook hook = hook("h", HookType.ROLLOUT, rx.url("/tls"), Duration.ofSeconds(5), 2);
        int before = rx.requests().size();
        HookOutcome outcome = new WebhookClient(sleeper).call(hook, PAYLOAD);
        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.attempts()).isEqualTo(1);
        assertThat(sleeper.waits()).isEmpty();
        assertThat(outcome.message()).isEqualTo("POST " + rx.url("/tls") + " giving up after 1 attempt(s): Post \""
                + rx.url("/tls") + "\": tls: failed to verify certificate: x509: certificate signed by unknown authority");
        // the handshake failed, so no request reached the receiver
        assertThat(rx.requests()).hasSize(before);
    }

    @Test
    void disableTlsTrustsAnyCertificateAndHostName() {
        Webhook hook = withDisableTLS(hook("h", HookType.ROLLOUT, rx.url("/tls"), Duration.ofSeconds(5), 0));
        int before = rx.requests().size();
        HookOutcome outcome = new WebhookClient(new RecordingSleeper()).call(hook, PAYLOAD);
        assertThat(outcome.passed()).isTrue();
        assertThat(outcome.message()).isEqualTo("secure");
        assertThat(rx.requests()).hasSize(before + 1);
        assertThat(rx.requests().getLast().body()).isEqualTo(PAYLOAD.toJson());
    }
}
