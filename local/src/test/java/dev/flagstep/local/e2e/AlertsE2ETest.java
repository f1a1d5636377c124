package dev.flagstep.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Flagger's alerts end to end on the local runtime: a Slack AlertProvider whose address is a cluster Service (reached
 * through the same service proxy as webhooks) receives Flagger's messages in Flagger's order; a provider asking for
 * errors only gets none from a good release; a provider that is down costs a Warning event, not the release.
 */
class AlertsE2ETest {

    static RolloutHarness h;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start();
        h.hooks.script(Prometheus.QUERY, Reply.status(200).body(Prometheus.vector(99.9)));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static String provider(String name, String spec) {
        return """
                ---
                apiVersion: flagger.app/v1beta1
                kind: AlertProvider
                metadata:
                  name: %s
                  namespace: e2e
                spec:
                %s""".formatted(name, spec.indent(2));
    }

    @Test
    void aSlackProviderReceivesFlaggersMessagesInOrder() throws Exception {
        String hooks = h.hooksUrl();
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CanaryDocument doc = h.canary(CanaryYaml.named("alerted").metricsServer(hooks).analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 25
                    maxWeight: 50
                    alerts:
                      - name: team
                        severity: info
                        providerRef: {name: team-slack}
                      - name: on-call
                        severity: error
                        providerRef: {name: on-call}
                      - name: dead
                        providerRef: {name: dead}
                """ + CanaryYaml.SUCCESS_RATE)
                + provider("team-slack", "type: slack\nchannel: deploys\naddress: " + hooks + "/alerts/slack\n")
                + provider("on-call", "type: msteams\naddress: " + hooks + "/alerts/on-call\n")
                + provider("dead", "type: discord\naddress: http://127.0.0.1:" + closed + "/api/webhooks/1/x\n"));

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);

        List<JsonNode> slack = h.calls("/alerts/slack");
        assertThat(slack).extracting(m -> m.path("attachments").path(0).path("text").asText()).containsExactly(
                "New Deployment detected, initialization completed.",
                "New revision detected, progressing canary analysis.",
                "Canary analysis completed successfully, promotion finished.");
        JsonNode first = slack.getFirst();
        assertThat(first.path("channel").asText()).isEqualTo("deploys");
        assertThat(first.path("username").asText()).isEqualTo("flagger");
        JsonNode attachment = first.path("attachments").path(0);
        assertThat(attachment.path("author_name").asText()).isEqualTo("alerted.e2e");
        assertThat(attachment.path("color").asText()).isEqualTo("good");
        assertThat(attachment.path("fields").toString()).isEqualTo(
                "[{\"title\":\"Target\",\"value\":\"Deployment/alerted.e2e\",\"short\":false},"
                        + "{\"title\":\"Failed checks threshold\",\"value\":\"2\",\"short\":false},"
                        + "{\"title\":\"Progress deadline\",\"value\":\"600s\",\"short\":false},"
                        + "{\"title\":\"Traffic routing\",\"value\":\"Weight step: 25 max: 50\",\"short\":false}]");
        assertThat(slack.getLast().path("attachments").path(0).path("fields").size()).isZero();

        // a good release raises no error
        assertThat(h.hooks.requests("/alerts/on-call")).isEmpty();

        // the dead provider: one Warning per alert, naming it; the release went on
        List<String> warnings = h.events(doc.canary().id()).stream()
                .filter(e -> e.message().startsWith("alert provider dead.e2e"))
                .map(CanaryEvent::message).toList();
        assertThat(warnings).hasSize(3).allSatisfy(w -> assertThat(w)
                .startsWith("alert provider dead.e2e send error: postMessage failed: sending notification failed to send: "));
        assertThat(h.messages(doc.canary().id())).containsSubsequence(
                "Initialization done! alerted.e2e",
                "New revision detected! Scaling up alerted.e2e",
                "Promotion completed! Scaling down alerted.e2e");
    }

    @Test
    void aFailedReleaseAlertsTheErrorProviderWithATeamsCard() throws Exception {
        String hooks = h.hooksUrl();
        FailureKit.successRate(h, "alerted-bad", 50);
        CanaryDocument doc = h.canary(FailureKit.canary(h, "alerted-bad").analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 20
                    maxWeight: 50
                    alerts:
                      - name: on-call
                        severity: error
                        providerRef: {name: on-call-bad}
                      - name: approvals
                        severity: warn
                        providerRef: {name: approvals-bad}
                """ + CanaryYaml.SUCCESS_RATE)
                + provider("on-call-bad", "type: msteams\naddress: " + hooks + "/alerts/on-call-bad\n")
                + provider("approvals-bad", "type: gchat\naddress: " + hooks + "/alerts/approvals-bad\n"));

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        // error >= warn: both get the one error alert, and nothing else (no info)
        List<JsonNode> teams = h.calls("/alerts/on-call-bad");
        assertThat(teams).hasSize(1);
        assertThat(teams.getFirst().toString()).isEqualTo(
                "{\"@type\":\"MessageCard\",\"@context\":\"http://schema.org/extensions\",\"themeColor\":\"FF0000\","
                        + "\"summary\":\"alerted-bad.e2e\",\"sections\":[{\"activityTitle\":\"Failed checks threshold reached 2\","
                        + "\"activitySubtitle\":\"alerted-bad.e2e\",\"facts\":[]}]}");
        List<JsonNode> chat = h.calls("/alerts/approvals-bad");
        assertThat(chat).hasSize(1);
        assertThat(chat.getFirst().at("/cards/0/sections/0/widgets/0/textParagraph/text").asText())
                .isEqualTo("<font color=#848484><strong>Failed checks threshold reached 2</strong></font>");
        assertThat(h.hooks.requests("/alerts/approvals-bad").getFirst().bodyText())
                .contains("\\u003cfont color=#848484\\u003e");
    }
}
