package dev.flagstep.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.net.AddressGuard;
import dev.flagstep.net.ServiceRouter;
import dev.flagstep.testing.WebhookReceiver;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The POST against a real receiver on 127.0.0.1: headers, retries, Retry-After, the proxy, the deadline. */
class AlertPosterTest {

    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant FAR = NOW.plus(Duration.ofHours(1));
    static final byte[] BODY = "{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8);

    final WebhookReceiver rx = WebhookReceiver.start();
    final List<Duration> waits = new ArrayList<>();
    final AlertPoster poster = new AlertPoster(AddressGuard.local(), ServiceRouter.direct(), waits::add,
            Clock.fixed(NOW, ZoneOffset.UTC), AlertPoster.Policy.defaults());

    @AfterEach
    void close() {
        rx.close();
    }

    AlertPoster.Result post(URI url, Optional<String> token, Optional<URI> proxy, Instant deadline) {
        return poster.post(new AlertPoster.Post(url, BODY, token, proxy, "test"), deadline);
    }

    @Test
    void postsJsonWithTheBearerToken() {
        var result = post(rx.url("/hook"), Optional.of("xoxb-1"), Optional.empty(), FAR);
        assertThat(result).isEqualTo(new AlertPoster.Result.Sent(200, 1));
        var request = rx.requests("/hook").getFirst();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.header("content-type")).contains("application/json");
        assertThat(request.header("authorization")).contains("Bearer xoxb-1");
        assertThat(request.body()).isEqualTo(BODY);
        assertThat(waits).isEmpty();
    }

    @Test
    void a500IsRetriedAfterASecond() {
        rx.script("/hook", Reply.status(500).body("oops"), Reply.status(200));
        assertThat(post(rx.url("/hook"), Optional.empty(), Optional.empty(), FAR)).isEqualTo(new AlertPoster.Result.Sent(200, 2));
        assertThat(waits).containsExactly(Duration.ofSeconds(1));
        assertThat(rx.requests("/hook")).hasSize(2);
    }

    @Test
    void a429WaitsItsRetryAfterUpToTheCap() {
        rx.script("/hook", Reply.status(429).header("Retry-After", "3"), Reply.status(429).header("Retry-After", "120"),
                Reply.status(204));
        assertThat(post(rx.url("/hook"), Optional.empty(), Optional.empty(), FAR)).isEqualTo(new AlertPoster.Result.Sent(204, 3));
        assertThat(waits).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(10));
    }

    @Test
    void aClientErrorIsFinalWithFlaggersWords() {
        rx.script("/hook", Reply.status(404).body("no_service"));
        assertThat(post(rx.url("/hook"), Optional.empty(), Optional.empty(), FAR))
                .isEqualTo(new AlertPoster.Result.Failed("sending notification bad response 404: no_service", 1));
        assertThat(waits).isEmpty();
    }

    @Test
    void aReceiverThatKeepsFailingGivesUpAfterThreeAttempts() {
        rx.script("/hook", Reply.status(503));
        var result = post(rx.url("/hook"), Optional.empty(), Optional.empty(), FAR);
        assertThat(result).isEqualTo(new AlertPoster.Result.Failed("sending notification bad response 503:  (after 3 attempts)", 3));
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void aProviderDownIsAFailureNotAnException() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        var result = post(URI.create("http://127.0.0.1:" + port + "/hook"), Optional.empty(), Optional.empty(), FAR);
        assertThat(result).isInstanceOf(AlertPoster.Result.Failed.class);
        assertThat(((AlertPoster.Result.Failed) result).message()).startsWith("sending notification failed to send: ");
        assertThat(result.attempts()).isEqualTo(3);
    }

    @Test
    void noRetryRunsPastTheDeadline() {
        rx.script("/hook", Reply.status(500));
        var result = post(rx.url("/hook"), Optional.empty(), Optional.empty(), NOW.plusSeconds(5));
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void noAttemptStartsThatCouldEndPastTheDeadline() {
        var result = post(rx.url("/hook"), Optional.empty(), Optional.empty(), NOW.plusSeconds(4));
        assertThat(result).isEqualTo(new AlertPoster.Result.Failed(
                "sending notification failed to send: no time left in this phase's invocation", 0));
        assertThat(rx.requests()).isEmpty();
    }

    @Test
    void theProxyCarriesTheRequest() {
        // an HTTP proxy gets the request in absolute form: the receiver plays the proxy
        var result = post(URI.create("http://hooks.slack.invalid/services/T0/B0/x"), Optional.empty(),
                Optional.of(rx.url("/")), FAR);
        assertThat(result).isEqualTo(new AlertPoster.Result.Sent(200, 1));
        var request = rx.requests("/services/T0/B0/x").getFirst();
        assertThat(request.header("host")).contains("hooks.slack.invalid");
        assertThat(request.body()).isEqualTo(BODY);
    }

    @Test
    void refusedAddressesAreNotPosted() {
        var aws = new AlertPoster(AddressGuard.aws(Optional.empty(), host -> new java.net.InetAddress[] {
                java.net.InetAddress.getLoopbackAddress()}), ServiceRouter.direct(), waits::add, Clock.fixed(NOW, ZoneOffset.UTC),
                AlertPoster.Policy.defaults());
        var result = aws.post(new AlertPoster.Post(rx.url("/hook"), BODY, Optional.empty(), Optional.empty(), "test"), FAR);
        assertThat(result).isInstanceOf(AlertPoster.Result.Failed.class);
        assertThat(((AlertPoster.Result.Failed) result).message()).contains("refused in the AWS deployment");
        assertThat(rx.requests()).isEmpty();
    }
}
