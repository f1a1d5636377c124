package dev.flagstep.local.serve;

import static dev.flagstep.local.serve.ServeHarness.eventually;
import static dev.flagstep.local.serve.ServeHarness.until;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.HistoryEvent;
import dev.flagstep.gatelink.GateLinkPair;
import dev.flagstep.local.LocalRuntime;
import dev.flagstep.local.e2e.TokenWaits;
import dev.flagstep.spec.CanaryId;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gate links end to end on {@code flagstep serve}: a rollout really parked on its confirm-rollout gate,
 * links minted as a notifier would ({@link ServedRuntime#gateLinks}), opened as a browser does (GET the page,
 * then POST its form, same origin, through the {@link BrowserGuard}). An approve link resumes the parked
 * rollout through the gate's task token and works once; an expired one (minted on a clock a day behind the
 * runtime's) changes nothing; a roll-back link rolls the rollout back.
 */
class ServeGateLinkTest {

    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private static final String FORM = "application/x-www-form-urlencoded";

    static ServeHarness h;
    static Http http;

    @BeforeAll
    static void start() {
        h = ServeHarness.start();
        http = h.http;
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void anApproveLinkResumesTheParkedRolloutOnceAndAnExpiredOneChangesNothing() {
        CanaryId id = new CanaryId(ServeHarness.NAMESPACE, "link-approve");
        Parked parked = park(id, h.gatedCanary(id.namespace(), id.name()));
        GateLinkPair links = h.serve.gateLinks().orElseThrow().links(id, parked.runId(), "confirm-rollout").orElseThrow();
        URI expired = h.serve.gateLinks().orElseThrow()
                .withClock(Clock.offset(h.serve.runtime().clock(), Duration.ofHours(-25)))
                .links(id, parked.runId(), "confirm-rollout").orElseThrow().approve();

        // what a chat app's link preview does: GET, GET again. Nothing moves.
        Http.Reply page = http.get(links.approve().getPath());
        assertThat(page.status()).as("%s", page).isEqualTo(200);
        assertThat(page.body()).contains("<form method=\"post\">", "link-approve.serve", "confirm-rollout", parked.runId());
        assertThat(http.get(links.approve().getPath()).status()).isEqualTo(200);
        assertThat(canary(id).at("/gates/confirm-rollout/rolloutWaiting").asBoolean()).as("still parked").isTrue();

        Http.Reply late = click(expired);
        assertThat(late.status()).as("%s", late).isEqualTo(410);
        assertThat(late.body()).contains("expired");
        assertThat(canary(id).at("/gates/confirm-rollout/open").asBoolean()).isFalse();
        assertThat(canary(id).at("/gates/confirm-rollout/rolloutWaiting").asBoolean()).as("still parked").isTrue();

        Http.Reply approved = click(links.approve());

        assertThat(approved.status()).as("%s", approved).isEqualTo(200);
        assertThat(approved.body()).contains("Approved", "woken");
        until(PATIENCE, () -> assertThat(canary(id).at("/status/phase").asText()).isEqualTo("Progressing"));
        assertThat(TokenWaits.endings(parked.execution(), "WaitForConfirmRollout")).as("resumed by the gate's token")
                .last().isEqualTo(HistoryEvent.Type.TASK_SUCCEEDED);
        JsonNode c = canary(id);
        assertThat(c.at("/gates/confirm-rollout/who").asText()).isEqualTo("gate link from 127.0.0.1");
        assertThat(messages(c)).anySatisfy(m -> assertThat(m).contains("signed Approve link", parked.runId(), "127.0.0.1"));

        Http.Reply again = click(links.approve());
        assertThat(again.status()).as("%s", again).isEqualTo(410);
        assertThat(again.body()).contains("already used");
    }

    @Test
    void aRollBackLinkRollsTheParkedRolloutBack() {
        CanaryId id = new CanaryId(ServeHarness.NAMESPACE, "link-rollback");
        Parked parked = park(id, ServeHarness.canary(id.name(), """
                    interval: 10m
                    threshold: 2
                    stepWeight: 50
                    webhooks:
                      - name: approval
                        type: confirm-rollout
                        url: %s/gate/check
                      - name: stop
                        type: rollback
                        url: %s/rollback/check
                """.formatted(h.url(), h.url())));
        GateLinkPair links = h.serve.gateLinks().orElseThrow().links(id, parked.runId(), "confirm-rollout").orElseThrow();

        Http.Reply rolled = click(links.rollback());

        assertThat(rolled.status()).as("%s", rolled).isEqualTo(200);
        assertThat(rolled.body()).contains("Rolling back");
        until(PATIENCE, () -> assertThat(canary(id).at("/status/phase").asText()).isEqualTo("Failed"));
        assertThat(TokenWaits.endings(parked.execution(), "WaitForConfirmRollout")).as("woken by the rollback gate's opening")
                .last().isEqualTo(HistoryEvent.Type.TASK_SUCCEEDED);
        JsonNode c = canary(id);
        assertThat(messages(c)).contains("Rolling back link-rollback.serve manual webhook invoked")
                .anySatisfy(m -> assertThat(m).contains("signed Roll back link"));
        assertThat(click(links.approve()).status()).as("the run is over: its approve link acts no more").isEqualTo(409);
    }

    @Test
    void theSlackMessageOfTheClosedGateCarriesAnApproveLinkThatResumesTheRollout() {
        // Flagger's AlertProvider and analysis.alerts, the gate at this API's /gate/check: the alert for the closed
        // gate ("Canary is waiting for approval.") carries the signed pair, and its Approve button is one click
        CanaryId id = new CanaryId(ServeHarness.NAMESPACE, "link-slack");
        String yaml = ServeHarness.canary(id.name(), """
                    interval: 10m
                    threshold: 2
                    stepWeight: 50
                    alerts:
                      - name: on-call
                        providerRef: {name: chat}
                    webhooks:
                      - name: approval
                        type: confirm-rollout
                        url: %s/gate/check
                """.formatted(h.url())) + """
                ---
                apiVersion: flagger.app/v1beta1
                kind: AlertProvider
                metadata: {name: chat, namespace: %s}
                spec:
                  type: slack
                  channel: releases
                  address: %s
                """.formatted(id.namespace(), h.receiver.url("/slack/link-slack"));
        Parked parked = park(id, yaml);

        JsonNode gateAlert = eventually(PATIENCE, () -> {
            for (var request : h.receiver.requests("/slack/link-slack")) {
                JsonNode body = json(request.bodyText());
                if (body.at("/attachments/0/text").asText().equals("Canary is waiting for approval.")) {
                    return body;
                }
            }
            throw new AssertionError("no approval alert yet: " + h.receiver.requests("/slack/link-slack"));
        });
        JsonNode approve = gateAlert.at("/attachments/0/actions/0");
        assertThat(approve.path("text").asText()).isEqualTo("Approve");
        assertThat(gateAlert.at("/attachments/0/actions/1/text").asText()).isEqualTo("Roll back");

        Http.Reply approved = click(URI.create(approve.path("url").asText()));

        assertThat(approved.status()).as("%s", approved).isEqualTo(200);
        until(PATIENCE, () -> assertThat(canary(id).at("/status/phase").asText()).isEqualTo("Progressing"));
        assertThat(TokenWaits.endings(parked.execution(), "WaitForConfirmRollout")).as("resumed by the gate's token")
                .last().isEqualTo(HistoryEvent.Type.TASK_SUCCEEDED);
    }

    @Test
    void theLocalKeyComesFromTheEnvironmentOrTheProcess() {
        assertThat(ServedRuntime.gateLinks(java.util.Map.of()).enabled()).as("a key of this process").isTrue();
        assertThat(ServedRuntime.gateLinks(java.util.Map.of(ServedRuntime.GATE_LINK_KEY, "off")).enabled()).isFalse();
        assertThat(ServedRuntime.gateLinks(java.util.Map.of(ServedRuntime.GATE_LINK_KEY, "k".repeat(32))).enabled()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServedRuntime.gateLinks(
                java.util.Map.of(ServedRuntime.GATE_LINK_KEY, "short"))).hasMessageContaining(ServedRuntime.GATE_LINK_KEY);
    }

    private record Parked(String runId, Execution execution) {}

    /** Bootstraps the canary and starts a rollout of 6.7.1, returned once it is parked on confirm-rollout. */
    private static Parked park(CanaryId id, String yaml) {
        h.bootstrap(id.namespace(), id.name(), yaml);
        String path = "/canaries/" + id.namespace() + "/" + id.name();
        assertThat(http.postJson(path + "/rollouts", "{\"revision\":\"6.7.1\"}").status()).isEqualTo(201);
        return eventually(PATIENCE, () -> {
            JsonNode c = canary(id);
            assertThat(c.at("/gates/confirm-rollout/rolloutWaiting").asBoolean()).as("parked: %s", c.path("gates")).isTrue();
            Execution e = h.serve.runtime().interpreter().running().stream()
                    .filter(x -> LocalRuntime.isRolloutOf(x, id) && x.input().path("revision").asText().equals("6.7.1"))
                    .findFirst().orElseThrow(() -> new AssertionError("no running rollout of " + id));
            return new Parked(c.at("/activeRun/runId").asText(), e);
        });
    }

    /** The confirmation page's button: a same-origin form POST to the link, as a browser sends it. */
    private static Http.Reply click(URI link) {
        return http.send("POST", link.getPath(), Optional.of(FORM), Optional.of("confirm=yes"), Optional.of(new String[] {
                "Origin", h.url().toString(), "Sec-Fetch-Site", "same-origin", "User-Agent", "Mozilla/5.0 (gate link test)"}));
    }

    private static JsonNode json(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static JsonNode canary(CanaryId id) {
        return http.get("/canaries/" + id.namespace() + "/" + id.name()).json();
    }

    private static List<String> messages(JsonNode canary) {
        List<String> out = new ArrayList<>();
        canary.path("events").forEach(e -> out.add(e.path("message").asText()));
        return out;
    }
}
