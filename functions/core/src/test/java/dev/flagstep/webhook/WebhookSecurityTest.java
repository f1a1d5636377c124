package dev.flagstep.webhook;

import static dev.flagstep.testing.WebhookFixtures.hook;
import static dev.flagstep.testing.WebhookFixtures.withDisableTLS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.net.AddressGuard;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import dev.flagstep.testing.WebhookFixtures.RecordingSleeper;
import dev.flagstep.testing.WebhookReceiver;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a canary's webhook may reach and what it is sent: the address policy on every hop, the
 * signature only to the hook's own origin and with the injected clock's time, the response read
 * only up to its bound. Real receivers on 127.0.0.1.
 */
class WebhookSecurityTest {

    static final WebhookPayload PAYLOAD = new WebhookPayload("podinfo", "test", CanaryPhase.PROGRESSING, "85d557f47b", Map.of());
    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    static final byte[] KEY = "s3cr3t".getBytes(StandardCharsets.UTF_8);
    static final Optional<SigningSecret> SIGNED = Optional.of(SigningSecret.of(KEY));

    private final WebhookReceiver rx = WebhookReceiver.start();
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final WebhookClient aws = new WebhookClient(AddressGuard.aws(Map.of("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001")),
            sleeper, clock);
    private final WebhookClient local = new WebhookClient(AddressGuard.local(), sleeper, clock);

    @AfterEach
    void stop() {
        rx.close();
    }

    private static Webhook at(URI url, int retries) {
        return hook("h", HookType.ROLLOUT, url, Duration.ofSeconds(5), retries);
    }

    @Test
    void aLoopbackReceiverIsRefusedInTheAwsDeploymentAndNeverCalledOrRetried() {
        HookOutcome outcome = aws.call(at(rx.url("/hook"), 3), PAYLOAD);

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.message()).isEqualTo(rx.url("/hook") + " resolves to a loopback address (127.0.0.1), refused in the AWS deployment");
        assertThat(outcome.attempts()).isEqualTo(1);
        assertThat(rx.requests()).isEmpty();
        assertThat(sleeper.waits()).isEmpty();
    }

    @Test
    void theSameReceiverIsCalledByTheLocalRuntime() {
        assertThat(local.call(at(rx.url("/hook"), 0), PAYLOAD).passed()).isTrue();
        assertThat(rx.requests()).hasSize(1);
    }

    @Test
    void aNameResolvingToLoopbackIsRefusedToo() {
        URI byName = URI.create("http://localhost:" + rx.port() + "/hook");
        HookOutcome outcome = aws.call(at(byName, 0), PAYLOAD);

        assertThat(outcome.message()).startsWith(byName + " resolves to a loopback address (").endsWith("), refused in the AWS deployment");
        assertThat(rx.requests()).isEmpty();
    }

    @Test
    void instanceMetadataIsRefusedEverywhere() {
        URI imds = URI.create("http://169.254.169.254/latest/meta-data/iam/security-credentials/");
        assertThat(aws.call(at(imds, 2), PAYLOAD).message())
                .isEqualTo(imds + " resolves to a link-local address (169.254.169.254), refused in the AWS deployment");
        assertThat(local.call(at(imds, 0), PAYLOAD).message())
                .isEqualTo(imds + " resolves to a link-local address (169.254.169.254), refused in the local runtime");
        URI v6 = URI.create("http://[fd00:ec2::254]/latest/meta-data/");
        assertThat(aws.call(at(v6, 0), PAYLOAD).message()).isEqualTo(v6 + " resolves to an AWS-internal address "
                + "(fd00:ec2::/16: instance metadata, DNS) (fd00:ec2:0:0:0:0:0:254), refused in the AWS deployment");
    }

    @Test
    void aRedirectToARefusedAddressIsRefused() {
        rx.script("/hop", Reply.status(307).header("Location", "http://169.254.169.254/latest/meta-data/"));
        HookOutcome outcome = local.call(at(rx.url("/hop"), 2), PAYLOAD);

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.message()).isEqualTo("http://169.254.169.254/latest/meta-data/ resolves to a link-local address "
                + "(169.254.169.254), refused in the local runtime");
        assertThat(rx.requests()).hasSize(1);
        assertThat(outcome.attempts()).isEqualTo(1);
    }

    @Test
    void theSignatureCarriesTheClocksTimeAndVerifies() {
        local.call(at(rx.url("/signed"), 0), PAYLOAD, SIGNED);

        var request = rx.requests().getFirst();
        String header = request.header(SigningSecret.HEADER).orElseThrow();
        assertThat(ReceiverVerification.timestamp(header)).isEqualTo(NOW.getEpochSecond());
        assertThat(ReceiverVerification.verifies(header, KEY, request.body(), NOW)).isTrue();
        // a receiver refuses the same request replayed later than its tolerance
        assertThat(ReceiverVerification.verifies(header, KEY, request.body(), NOW.plus(Duration.ofMinutes(6)))).isFalse();
    }

    @Test
    void aRedirectWithinTheOriginKeepsTheSignatureAndOneToAnotherOriginDropsIt() {
        try (WebhookReceiver other = WebhookReceiver.start()) {
            rx.script("/first", Reply.status(307).header("Location", "/second"));
            rx.script("/second", Reply.status(307).header("Location", other.url("/elsewhere").toString()));
            HookOutcome outcome = local.call(at(rx.url("/first"), 0), PAYLOAD, SIGNED);

            assertThat(outcome.passed()).isTrue();
            assertThat(rx.requests("/first").getFirst().header(SigningSecret.HEADER)).isPresent();
            assertThat(rx.requests("/second").getFirst().header(SigningSecret.HEADER)).as("same origin").isPresent();
            var forwarded = other.requests("/elsewhere").getFirst();
            assertThat(forwarded.bodyText()).as("307 repeats the POST").isEqualTo(new String(PAYLOAD.toJson(), StandardCharsets.UTF_8));
            assertThat(forwarded.header(SigningSecret.HEADER)).as("another port is another origin").isEmpty();
        }
    }

    @Test
    void aRedirectFromHttpsToHttpDropsTheSignature() {
        try (WebhookReceiver tls = WebhookReceiver.startTls()) {
            tls.script("/secure", Reply.status(308).header("Location", rx.url("/plain").toString()));
            HookOutcome outcome = local.call(withDisableTLS(at(tls.url("/secure"), 0)), PAYLOAD, SIGNED);

            assertThat(outcome.passed()).isTrue();
            assertThat(tls.requests("/secure").getFirst().header(SigningSecret.HEADER)).isPresent();
            assertThat(rx.requests("/plain").getFirst().header(SigningSecret.HEADER)).isEmpty();
        }
    }

    @Test
    void aHugeResponseIsReadOnlyUpToTheBoundAndMarked() {
        rx.script("/big", Reply.status(200).body("x".repeat(1024 * 1024)));
        HookOutcome outcome = local.call(at(rx.url("/big"), 0), PAYLOAD);

        assertThat(outcome.passed()).as("the status decides, not the size").isTrue();
        assertThat(outcome.message()).startsWith("xxxx").endsWith("xx ... [response truncated at 65536 bytes]")
                .hasSize(65536 + " ... [response truncated at 65536 bytes]".length());
    }

    @Test
    void aFailureBodyIsBoundedToo() {
        rx.script("/bigerror", Reply.status(400).body("e".repeat(300_000)));
        HookOutcome outcome = local.call(at(rx.url("/bigerror"), 0), PAYLOAD);

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.message()).startsWith("eee").endsWith(" ... [response truncated at 65536 bytes]");
    }
}
