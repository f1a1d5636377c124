package dev.flagstep.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.Alert;
import dev.flagstep.analysis.FlaggerMessages;
import dev.flagstep.metrics.MetricQueryException;
import dev.flagstep.metrics.SecretResolver;
import dev.flagstep.metrics.SecretScope;
import dev.flagstep.net.AddressGuard;
import dev.flagstep.net.ServiceRouter;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.testing.WebhookReceiver;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Flagger's alert(): which providers get which alert, their secrets, the global notifier, the problems told. */
class NotifierTest {

    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    static final Alert INFO = new Alert(Alert.Severity.INFO, FlaggerMessages.Alerts.SUCCEEDED);
    static final Alert WARN = new Alert(Alert.Severity.WARN, FlaggerMessages.Alerts.WAITING_FOR_APPROVAL);
    static final Alert ERROR = new Alert(Alert.Severity.ERROR, FlaggerMessages.Alerts.thresholdReached(5));

    final WebhookReceiver rx = WebhookReceiver.start();
    final List<String> secretsRead = new ArrayList<>();
    Map<String, Map<String, String>> secrets = Map.of();

    @AfterEach
    void close() {
        rx.close();
    }

    Notifier notifier(NotifierSettings settings, GateActions gates) {
        SecretResolver resolver = id -> {
            secretsRead.add(id);
            Map<String, String> s = secrets.get(id);
            if (s == null) {
                throw new MetricQueryException("secret " + id + " not found");
            }
            return s;
        };
        return new Notifier(new AlertPoster(AddressGuard.local(), ServiceRouter.direct(), d -> { },
                Clock.fixed(NOW, ZoneOffset.UTC), AlertPoster.Policy.defaults()), resolver, new SecretScope("flagstep/"),
                settings, gates);
    }

    Notifier notifier() {
        return notifier(NotifierSettings.none(), GateActions.none());
    }

    List<String> send(Notifier n, CanaryDocument doc, Alert... alerts) {
        return n.send(new Notifier.Context(doc, "istio", "run-1", NOW.plusSeconds(3600)), List.of(alerts));
    }

    String slack(String name, String path) {
        return AlertCanaries.provider(name, "type: slack\naddress: " + rx.url(path) + "\n");
    }

    @Test
    void eachProviderGetsTheSeveritiesItAsksFor() {
        CanaryDocument doc = AlertCanaries.document("""
                - name: all
                  severity: info
                  providerRef: {name: all}
                - name: warnings
                  severity: warn
                  providerRef: {name: warnings}
                - name: errors
                  severity: error
                  providerRef: {name: errors, namespace: test}
                - name: default is info
                  providerRef: {name: unset}
                """, slack("all", "/all"), slack("warnings", "/warn"), slack("errors", "/error"), slack("unset", "/unset"));
        assertThat(send(notifier(), doc, INFO, WARN, ERROR)).isEmpty();
        assertThat(rx.requests("/all")).hasSize(3);
        assertThat(rx.requests("/warn")).hasSize(2);
        assertThat(rx.requests("/error")).hasSize(1);
        assertThat(rx.requests("/unset")).hasSize(3);
        assertThat(rx.requests("/error").getFirst().bodyText()).contains("Failed checks threshold reached 5");
        assertThat(rx.requests("/warn").getFirst().bodyText())
                .contains("\"channel\":\"general\",\"username\":\"flagger\"").contains("Canary is waiting for approval.");
    }

    @Test
    void theSecretsAddressAndTokenWinAndComeFromTheCanarysNamespace() {
        secrets = Map.of("flagstep/test/on-call-url", Map.of("address", rx.url("/from-secret").toString(), "token", "xoxb-2"));
        // the provider says it lives in "flagger": its secret is still the canary's namespace's
        CanaryDocument doc = AlertCanaries.document("- name: on-call\n  providerRef: {name: on-call, namespace: flagger}\n",
                """
                apiVersion: flagger.app/v1beta1
                kind: AlertProvider
                metadata:
                  name: on-call
                  namespace: flagger
                spec:
                  type: slack
                  channel: on-call-alerts
                  username: bot
                  address: %s
                  secretRef:
                    name: on-call-url
                """.formatted(rx.url("/ignored")));
        assertThat(send(notifier(), doc, ERROR)).isEmpty();
        assertThat(secretsRead).containsExactly("flagstep/test/on-call-url");
        assertThat(rx.requests("/ignored")).isEmpty();
        var request = rx.requests("/from-secret").getFirst();
        assertThat(request.header("authorization")).contains("Bearer xoxb-2");
        assertThat(request.bodyText()).startsWith("{\"channel\":\"on-call-alerts\",\"username\":\"bot\",");
    }

    @Test
    void missingProvidersSecretsAndAddressesAreToldNotThrown() {
        secrets = Map.of("flagstep/test/no-address", Map.of("token", "t"));
        CanaryDocument doc = AlertCanaries.document("""
                - name: a
                  providerRef: {name: absent}
                - name: b
                  providerRef: {name: no-secret}
                - name: c
                  providerRef: {name: no-address}
                """,
                AlertCanaries.provider("no-secret", "type: msteams\nsecretRef: {name: missing}\n"),
                AlertCanaries.provider("no-address", "type: msteams\nsecretRef: {name: no-address}\n"));
        assertThat(send(notifier(), doc, INFO)).containsExactly(
                "alert provider absent.test error: alertprovider \"absent\" not found",
                "alert provider no-secret.test secretRef error: secret flagstep/test/missing not found",
                "alert provider no-address.test secret does not contain an address");
    }

    @Test
    void aReceiverThatKeepsFailingIsNamed() {
        rx.script("/down", Reply.status(500).body("boom"));
        CanaryDocument doc = AlertCanaries.document("- name: a\n  providerRef: {name: flaky}\n", slack("flaky", "/down"));
        assertThat(send(notifier(), doc, INFO)).containsExactly(
                "alert provider flaky.test send error: postMessage failed: sending notification bad response 500: boom (after 3 attempts)");
    }

    @Test
    void theGlobalNotifierGetsEverythingOfCanariesWithoutAlerts() {
        var global = NotifierSettings.fromLocalEnvironment(Map.of("FLAGSTEP_SLACK_URL", rx.url("/global").toString(),
                "FLAGSTEP_SLACK_CHANNEL", "deploys", "FLAGSTEP_CLUSTER_NAME", "prod-eu"));
        Notifier n = notifier(global, GateActions.none());
        assertThat(send(n, AlertCanaries.document(""), INFO, ERROR)).isEmpty();
        assertThat(rx.requests("/global")).hasSize(2);
        assertThat(rx.requests("/global").getFirst().bodyText()).isEqualTo(
                "{\"channel\":\"deploys\",\"username\":\"flagger\",\"icon_url\":\"\",\"icon_emoji\":\":rocket:\","
                        + "\"attachments\":[{\"color\":\"good\",\"author_name\":\"podinfo.test\","
                        + "\"text\":\"Canary analysis completed successfully, promotion finished.\",\"mrkdwn_in\":[\"text\"],"
                        + "\"fields\":[{\"title\":\"Cluster\",\"value\":\"prod-eu\",\"short\":false}]}]}");
        // a canary with alerts of its own overrides it, as in Flagger
        CanaryDocument own = AlertCanaries.document("- name: a\n  providerRef: {name: own}\n", slack("own", "/own"));
        assertThat(send(n, own, INFO)).isEmpty();
        assertThat(rx.requests("/global")).hasSize(2);
        assertThat(rx.requests("/own")).hasSize(1);
    }

    @Test
    void teamsWinsAsTheGlobalNotifierAndSlackNeedsAChannel() {
        var teams = NotifierSettings.fromLocalEnvironment(Map.of("FLAGSTEP_SLACK_URL", rx.url("/slack").toString(),
                "FLAGSTEP_MSTEAMS_URL", rx.url("/teams").toString()));
        assertThat(send(notifier(teams, GateActions.none()), AlertCanaries.document(""), INFO)).isEmpty();
        assertThat(rx.requests("/slack")).isEmpty();
        assertThat(rx.requests("/teams").getFirst().bodyText()).startsWith("{\"@type\":\"MessageCard\"");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NotifierSettings.fromLocalEnvironment(
                        Map.of("FLAGSTEP_SLACK_URL", "https://hooks.slack.com/x")))
                .hasMessageContaining("SlackChannel");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NotifierSettings.fromStackEnvironment(
                        Map.of("MSTEAMS_URL_SECRET_ARN", "arn:x", "MSTEAMS_PROXY_URL", "proxy:3128 x"), arn -> Map.of()))
                .hasMessage("MSTEAMS_PROXY_URL: not a proxy URL: proxy:3128 x");
    }

    @Test
    void theStackReadsTheGlobalUrlSecretOnceOnFirstUse() {
        List<String> reads = new ArrayList<>();
        var settings = NotifierSettings.fromStackEnvironment(Map.of("SLACK_URL_SECRET_ARN", "arn:slack", "SLACK_CHANNEL", "c"),
                arn -> {
                    reads.add(arn);
                    return Map.of("url", rx.url("/stack").toString());
                });
        assertThat(reads).isEmpty();
        Notifier n = notifier(settings, GateActions.none());
        send(n, AlertCanaries.document(""), INFO, INFO);
        assertThat(reads).containsExactly("arn:slack");
        assertThat(rx.requests("/stack")).hasSize(2);
    }

    @Test
    void approvalAlertsCarryTheGateLinks() {
        List<String> asked = new ArrayList<>();
        GateActions gates = (canary, runId, gate) -> {
            asked.add(canary.id() + " " + runId + " " + gate);
            return Optional.of(new GateActionLinks(URI.create("https://api/approve"), URI.create("https://api/rollback")));
        };
        CanaryDocument doc = AlertCanaries.document("- name: a\n  providerRef: {name: teams}\n",
                AlertCanaries.provider("teams", "type: msteams\naddress: " + rx.url("/teams") + "\n"));
        send(notifier(NotifierSettings.none(), gates), doc, INFO, WARN,
                new Alert(Alert.Severity.WARN, FlaggerMessages.Alerts.WAITING_FOR_PROMOTION));
        assertThat(asked).containsExactly(new CanaryId("test", "podinfo") + " run-1 confirm-rollout",
                new CanaryId("test", "podinfo") + " run-1 confirm-promotion");
        var bodies = rx.requests("/teams").stream().map(WebhookReceiver.Request::bodyText).toList();
        assertThat(bodies.get(0)).doesNotContain("potentialAction");
        assertThat(bodies.get(1)).contains("\"potentialAction\":[{\"@type\":\"OpenUri\",\"name\":\"Approve\"");
        assertThat(bodies.get(2)).contains("https://api/rollback");
    }

    @Test
    void noLinksAreAskedForWhenNobodyGetsTheAlert() {
        List<String> asked = new ArrayList<>();
        GateActions gates = (canary, runId, gate) -> {
            asked.add(gate);
            return Optional.empty();
        };
        CanaryDocument errorsOnly = AlertCanaries.document("- name: a\n  severity: error\n  providerRef: {name: s}\n",
                slack("s", "/s"));
        assertThat(send(notifier(NotifierSettings.none(), gates), errorsOnly, WARN)).isEmpty();
        assertThat(send(notifier(NotifierSettings.none(), gates), AlertCanaries.document(""), WARN)).isEmpty();
        assertThat(asked).isEmpty();
        assertThat(rx.requests()).isEmpty();
    }
}
