package dev.flagstep.webhook;

import static dev.flagstep.testing.WebhookFixtures.hook;
import static dev.flagstep.testing.WebhookFixtures.withMetadata;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import dev.flagstep.testing.WebhookFixtures.RecordingSleeper;
import dev.flagstep.testing.WebhookReceiver;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HookRunnerTest {

    private static final CanaryId CANARY = new CanaryId("test", "podinfo");
    private static final ObjectMapper JSON = new ObjectMapper();

    private WebhookReceiver rx;
    private HookRunner runner;

    @BeforeEach
    void start() {
        rx = WebhookReceiver.start();
        runner = new HookRunner(new WebhookClient(new RecordingSleeper()));
    }

    @AfterEach
    void stop() {
        rx.close();
    }

    /** A hook on the receiver; its minute of timeout never ends a call on a loaded machine (the receiver answers). */
    private Webhook h(String name, HookType type) {
        return hook(name, type, rx.url("/" + name), Duration.ofSeconds(60), 0);
    }

    private static JsonNode body(WebhookReceiver.Request r) throws IOException {
        return JSON.readTree(r.body());
    }

    @Test
    void runsOnlyHooksOfTheTypeInSpecOrderAndStopsAtTheFirstFailure() throws IOException {
        rx.script("/b", Reply.status(403).body("Forbidden"));
        List<Webhook> hooks = List.of(h("pre", HookType.PRE_ROLLOUT), h("a", HookType.ROLLOUT), h("b", HookType.ROLLOUT),
                h("c", HookType.ROLLOUT));

        HookRun run = runner.run(HookType.ROLLOUT, HookContext.unsigned(CANARY, CanaryPhase.WAITING_PROMOTION, "sum"), hooks);

        assertThat(run.passed()).isFalse();
        assertThat(run.outcomes()).extracting(o -> o.hook().name()).containsExactly("a", "b");
        assertThat(run.failure()).get().satisfies(f -> {
            assertThat(f.hook().name()).isEqualTo("b");
            assertThat(f.message()).isEqualTo("Forbidden");
        });
        assertThat(rx.requests()).extracting(WebhookReceiver.Request::path).containsExactly("/a", "/b");
        // rollout hooks say Progressing even while waiting for promotion
        assertThat(body(rx.requests().getFirst()).get("phase").asText()).isEqualTo("Progressing");
        assertThat(body(rx.requests().getFirst()).get("checksum").asText()).isEqualTo("sum");
        assertThat(run.rollbackRequested()).isFalse();
    }

    @Test
    void allPassingOrNoHooksPasses() {
        List<Webhook> hooks = List.of(h("a", HookType.CONFIRM_PROMOTION), h("b", HookType.CONFIRM_PROMOTION));
        HookRun run = runner.run(HookType.CONFIRM_PROMOTION, HookContext.unsigned(CANARY, CanaryPhase.PROGRESSING, "c"), hooks);
        assertThat(run.passed()).isTrue();
        assertThat(run.outcomes()).hasSize(2);
        assertThat(run.failure()).isEmpty();

        HookRun none = runner.run(HookType.PRE_ROLLOUT, HookContext.unsigned(CANARY, CanaryPhase.PROGRESSING, "c"), hooks);
        assertThat(none.passed()).isTrue();
        assertThat(none.outcomes()).isEmpty();
    }

    @Test
    void rollbackHooksStopAtTheFirstSuccessWhichSignalsARollback() throws IOException {
        rx.script("/r1", Reply.status(403).body("Forbidden"));
        rx.script("/r2", Reply.status(200).body("Approved"));
        List<Webhook> hooks = List.of(h("r1", HookType.ROLLBACK), h("r2", HookType.ROLLBACK), h("r3", HookType.ROLLBACK));

        HookRun run = runner.run(HookType.ROLLBACK, HookContext.unsigned(CANARY, CanaryPhase.WAITING_PROMOTION, "c"), hooks);

        assertThat(run.rollbackRequested()).isTrue();
        assertThat(run.rollbackSignal()).get().extracting(o -> o.hook().name()).isEqualTo("r2");
        assertThat(run.outcomes()).extracting(HookOutcome::passed).containsExactly(false, true);
        assertThat(rx.requests()).extracting(WebhookReceiver.Request::path).containsExactly("/r1", "/r2");
        // rollback hooks send the current phase
        assertThat(body(rx.requests().getFirst()).get("phase").asText()).isEqualTo("WaitingPromotion");
    }

    @Test
    void rollbackHooksThatAllRefuseAreAllCalledAndRequestNothing() {
        rx.script("/r1", Reply.status(403));
        rx.script("/r2", Reply.status(404));
        List<Webhook> hooks = List.of(h("r1", HookType.ROLLBACK), h("r2", HookType.ROLLBACK));
        HookRun run = runner.run(HookType.ROLLBACK, HookContext.unsigned(CANARY, CanaryPhase.PROGRESSING, "c"), hooks);
        assertThat(run.rollbackRequested()).isFalse();
        assertThat(run.outcomes()).hasSize(2);
    }

    @Test
    void postRolloutSendsTheOutcomePhaseAndSignsWhenConfigured() throws IOException {
        var ctx = new HookContext(CANARY, CanaryPhase.FAILED, "c", Optional.of(SigningSecret.of("k")));
        runner.run(HookType.POST_ROLLOUT, ctx, List.of(h("post", HookType.POST_ROLLOUT)));
        var request = rx.requests().getFirst();
        assertThat(body(request).get("phase").asText()).isEqualTo("Failed");
        assertThat(request.header(SigningSecret.HEADER)).hasValueSatisfying(h -> assertThat(ReceiverVerification.verifies(
                h, "k".getBytes(java.nio.charset.StandardCharsets.UTF_8), request.body(), java.time.Instant.now())).isTrue());
    }

    @Test
    void eventHooksAreNotRunAsGates() {
        assertThatThrownBy(() -> runner.run(HookType.EVENT, HookContext.unsigned(CANARY, CanaryPhase.PROGRESSING, "c"), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static CanaryEvent event(String message) {
        return new CanaryEvent(CANARY, Message.Severity.NORMAL, message, CanaryPhase.PROGRESSING,
                Instant.ofEpochMilli(1_700_000_000_000L), 10, 0, "run", "sum");
    }

    @Test
    void eventHooksAreSentConcurrently() throws IOException {
        // no reply before all three requests arrived: sent one after another, the first would wait for the
        // other two until its timeout and fail; sent together, all three are answered
        rx.holdRepliesUntil(3);
        List<Webhook> hooks = List.of(patient("e1"), h("rollout", HookType.ROLLOUT), patient("e2"), patient("e3"));

        List<HookOutcome> outcomes = runner.sendEvent(event("Advance podinfo.test canary weight 10"), hooks, Optional.empty());

        assertThat(outcomes).extracting(o -> o.hook().name()).containsExactly("e1", "e2", "e3");
        assertThat(outcomes).as("answered, so sent while the others were in flight").allMatch(HookOutcome::passed);
        var requests = rx.requests();
        assertThat(requests).extracting(WebhookReceiver.Request::path).containsExactlyInAnyOrder("/e1", "/e2", "/e3");
        JsonNode metadata = body(requests.getFirst()).get("metadata");
        assertThat(metadata.get("eventMessage").asText()).isEqualTo("Advance podinfo.test canary weight 10");
        assertThat(metadata.get("eventType").asText()).isEqualTo("Normal");
        assertThat(metadata.get("timestamp").asText()).isEqualTo("1700000000000");
    }

    /** An event hook with Flagger's 10s timeout: long enough for three local requests to meet on any machine. */
    private Webhook patient(String name) {
        return hook(name, HookType.EVENT, rx.url("/" + name), Webhook.DEFAULT_TIMEOUT, 0);
    }

    @Test
    void failingEventHooksNeverFailTheCaller() {
        rx.script("/down", Reply.status(500));
        Webhook refused = hook("refused", HookType.EVENT, URI.create("http://127.0.0.1:1/"), Duration.ofMillis(500), 0);
        Webhook bogus = hook("bogus", HookType.EVENT, URI.create("ftp://127.0.0.1/x"), Duration.ofMillis(500), 0);
        List<Webhook> hooks = List.of(refused, h("down", HookType.EVENT), bogus,
                withMetadata(h("ok", HookType.EVENT), Map.of("cluster", "prod")));

        List<HookOutcome> outcomes = runner.sendEvent(event("Canary failed! Scaling down podinfo.test"), hooks, Optional.empty());

        assertThat(outcomes).extracting(HookOutcome::passed).containsExactly(false, false, false, true);
        assertThat(outcomes.get(1).message()).endsWith("giving up after 1 attempt(s)");
        assertThat(outcomes.get(2).message()).contains("unsupported protocol scheme \"ftp\"");
        assertThat(rx.requests("/ok").getFirst().bodyText()).contains("\"cluster\":\"prod\"");
    }

    @Test
    void noEventHooksSendsNothing() {
        assertThat(runner.sendEvent(event("x"), List.of(h("a", HookType.ROLLOUT)), Optional.empty())).isEmpty();
        assertThat(rx.requests()).isEmpty();
    }
}
