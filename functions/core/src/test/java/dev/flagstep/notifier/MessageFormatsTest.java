package dev.flagstep.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.Alert;
import dev.flagstep.analysis.FlaggerMessages;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The exact bytes each provider type posts, written out from Flagger's {@code pkg/notifier} structs (their field
 * order, Go's HTML-safe escaping, empty {@code icon_url}, {@code short: false}) and {@code alertMetadata} for
 * podinfo.test (Deployment, threshold 5, stepWeight 10, maxWeight 50) with {@code -cluster-name=prod-eu}.
 */
class MessageFormatsTest {

    static final List<Field> FIELDS = AlertFields.of(FlaggerMessages.Alerts.NEW_REVISION,
            AlertCanaries.document("").canary(), "istio", Optional.of("prod-eu"));

    static final Notification NEW_REVISION = new Notification("podinfo", "test", FlaggerMessages.Alerts.NEW_REVISION,
            FIELDS, Alert.Severity.INFO, Optional.empty());

    static final Notification FAILED = new Notification("podinfo", "test", FlaggerMessages.Alerts.thresholdReached(5),
            AlertFields.of(FlaggerMessages.Alerts.thresholdReached(5), AlertCanaries.document("").canary(), "istio",
                    Optional.empty()), Alert.Severity.ERROR, Optional.empty());

    static final String SLACK_FIELDS = "[{\"title\":\"Cluster\",\"value\":\"prod-eu\",\"short\":false},"
            + "{\"title\":\"Target\",\"value\":\"Deployment/podinfo.test\",\"short\":false},"
            + "{\"title\":\"Failed checks threshold\",\"value\":\"5\",\"short\":false},"
            + "{\"title\":\"Progress deadline\",\"value\":\"600s\",\"short\":false},"
            + "{\"title\":\"Traffic routing\",\"value\":\"Weight step: 10 max: 50\",\"short\":false}]";

    static String body(ProviderType type, Notification n, String channel, String username) {
        return new String(GoJsonBody.of(type.format().body(n, channel, username)), StandardCharsets.UTF_8);
    }

    @Test
    void alertMetadataIsFlaggers() {
        assertThat(FIELDS).containsExactly(
                new Field("Cluster", "prod-eu"),
                new Field("Target", "Deployment/podinfo.test"),
                new Field("Failed checks threshold", "5"),
                new Field("Progress deadline", "600s"),
                new Field("Traffic routing", "Weight step: 10 max: 50"));
        // only the two alerts Flagger raises with metadata=true carry it
        assertThat(AlertFields.of("New Deployment detected, initialization completed.", AlertCanaries.document("").canary(),
                "istio", Optional.empty())).hasSize(4);
        assertThat(AlertFields.of(FlaggerMessages.Alerts.SUCCEEDED, AlertCanaries.document("").canary(), "istio",
                Optional.empty())).isEmpty();
    }

    @Test
    void slack() {
        assertThat(body(ProviderType.SLACK, NEW_REVISION, "on-call", "flagger")).isEqualTo(
                "{\"channel\":\"on-call\",\"username\":\"flagger\",\"icon_url\":\"\",\"icon_emoji\":\":rocket:\","
                        + "\"attachments\":[{\"color\":\"good\",\"author_name\":\"podinfo.test\","
                        + "\"text\":\"New revision detected, progressing canary analysis.\",\"mrkdwn_in\":[\"text\"],"
                        + "\"fields\":" + SLACK_FIELDS + "}]}");
        assertThat(body(ProviderType.SLACK, FAILED, "general", "bot")).isEqualTo(
                "{\"channel\":\"general\",\"username\":\"bot\",\"icon_url\":\"\",\"icon_emoji\":\":rocket:\","
                        + "\"attachments\":[{\"color\":\"danger\",\"author_name\":\"podinfo.test\","
                        + "\"text\":\"Failed checks threshold reached 5\",\"mrkdwn_in\":[\"text\"],\"fields\":[]}]}");
        assertThat(ProviderType.SLACK.format().sendsToken()).isTrue();
    }

    @Test
    void discordIsSlacksPayloadOnTheSlackEndpoint() {
        assertThat(body(ProviderType.DISCORD, NEW_REVISION, "on-call", "flagger"))
                .isEqualTo(body(ProviderType.SLACK, NEW_REVISION, "on-call", "flagger"));
        MessageFormat discord = ProviderType.DISCORD.format();
        assertThat(discord.address(URI.create("https://discord.com/api/webhooks/1/abc")))
                .isEqualTo(URI.create("https://discord.com/api/webhooks/1/abc/slack"));
        assertThat(discord.address(URI.create("https://discord.com/api/webhooks/1/abc/slack")))
                .isEqualTo(URI.create("https://discord.com/api/webhooks/1/abc/slack"));
        assertThat(discord.address(URI.create("https://discord.com/api/webhooks/1/abc/?wait=true")))
                .isEqualTo(URI.create("https://discord.com/api/webhooks/1/abc/slack?wait=true"));
        assertThat(discord.sendsToken()).isFalse();
    }

    @Test
    void rocketHasItsOwnColours() {
        assertThat(body(ProviderType.ROCKET, NEW_REVISION, "on-call", "flagger"))
                .isEqualTo(body(ProviderType.SLACK, NEW_REVISION, "on-call", "flagger").replace("\"good\"", "\"#0076D7\""));
        assertThat(body(ProviderType.ROCKET, FAILED, "on-call", "flagger")).contains("\"color\":\"#FF0000\"");
    }

    @Test
    void msTeamsMessageCard() {
        assertThat(body(ProviderType.MSTEAMS, NEW_REVISION, "ignored", "ignored")).isEqualTo(
                "{\"@type\":\"MessageCard\",\"@context\":\"http://schema.org/extensions\",\"themeColor\":\"0076D7\","
                        + "\"summary\":\"podinfo.test\",\"sections\":[{"
                        + "\"activityTitle\":\"New revision detected, progressing canary analysis.\","
                        + "\"activitySubtitle\":\"podinfo.test\",\"facts\":["
                        + "{\"name\":\"Cluster\",\"value\":\"prod-eu\"},"
                        + "{\"name\":\"Target\",\"value\":\"Deployment/podinfo.test\"},"
                        + "{\"name\":\"Failed checks threshold\",\"value\":\"5\"},"
                        + "{\"name\":\"Progress deadline\",\"value\":\"600s\"},"
                        + "{\"name\":\"Traffic routing\",\"value\":\"Weight step: 10 max: 50\"}]}]}");
        assertThat(body(ProviderType.MSTEAMS, FAILED, "", "")).contains("\"themeColor\":\"FF0000\"");
    }

    @Test
    void googleChatCardWithGosHtmlEscaping() {
        assertThat(body(ProviderType.GCHAT, FAILED, "", "")).isEqualTo(
                "{\"cards\":[{\"header\":{\"title\":\"Flagger\",\"subtitle\":\"podinfo.test\","
                        + "\"imageUrl\":\"https://flagger.app/favicon.png\"},\"sections\":["
                        + "{\"widgets\":[{\"textParagraph\":{\"text\":"
                        + "\"\\u003cfont color=#848484\\u003e\\u003cstrong\\u003eFailed checks threshold reached 5"
                        + "\\u003c/strong\\u003e\\u003c/font\\u003e\"}}]}]}]}");
        assertThat(body(ProviderType.GCHAT, NEW_REVISION, "", "")).contains(
                "{\"widgets\":[{\"textParagraph\":{\"text\":\"Cluster\\u003cbr\\u003e\\u003cfont color=#848484\\u003e"
                        + "\\u003cstrong\\u003eprod-eu\\u003c/strong\\u003e\\u003c/font\\u003e\"}}]}");
    }

    @Test
    void trafficRoutingPerStrategy() {
        var stepWeights = AlertCanaries.document("").canary();
        String text = AlertCanaries.CANARY.replace("stepWeight: 10", "stepWeights: [1, 20, 80]");
        var doc = ((dev.flagstep.spec.SpecResult.Valid) new dev.flagstep.spec.SpecParser().parse(text)).document();
        assertThat(AlertFields.metadata(doc.canary(), "istio")).contains(new Field("Traffic routing", "Weight steps: 1,20,80 max: 50"));
        var bg = ((dev.flagstep.spec.SpecResult.Valid) new dev.flagstep.spec.SpecParser().parse(
                AlertCanaries.CANARY.replace("stepWeight: 10", "iterations: 5"))).document();
        assertThat(AlertFields.metadata(bg.canary(), "istio")).contains(new Field("Traffic routing", "Blue/Green"));
        // the kubernetes provider is always blue/green in Flagger
        assertThat(AlertFields.metadata(stepWeights, "kubernetes")).contains(new Field("Traffic routing", "Blue/Green"));
    }

    @Test
    void gateLinksAsSlackButtonsAndTeamsActions() {
        var links = new GateActionLinks(URI.create("https://api.example/a?t=1"), URI.create("https://api.example/r?t=2"));
        var waiting = new Notification("podinfo", "test", FlaggerMessages.Alerts.WAITING_FOR_APPROVAL, List.of(),
                Alert.Severity.WARN, Optional.of(links));
        assertThat(body(ProviderType.SLACK, waiting, "c", "u")).endsWith(
                "\"fields\":[],\"actions\":[{\"type\":\"button\",\"text\":\"Approve\",\"url\":\"https://api.example/a?t=1\","
                        + "\"style\":\"primary\"},{\"type\":\"button\",\"text\":\"Roll back\","
                        + "\"url\":\"https://api.example/r?t=2\",\"style\":\"danger\"}]}]}");
        assertThat(body(ProviderType.MSTEAMS, waiting, "", "")).endsWith(
                "\"facts\":[]}],\"potentialAction\":[{\"@type\":\"OpenUri\",\"name\":\"Approve\",\"targets\":[{\"os\":"
                        + "\"default\",\"uri\":\"https://api.example/a?t=1\"}]},{\"@type\":\"OpenUri\",\"name\":\"Roll back\","
                        + "\"targets\":[{\"os\":\"default\",\"uri\":\"https://api.example/r?t=2\"}]}]}");
    }

    @Test
    void severityFilterIsFlaggers() {
        assertThat(Severities.sends("info", Alert.Severity.INFO)).isTrue();
        assertThat(Severities.sends("info", Alert.Severity.WARN)).isTrue();
        assertThat(Severities.sends("info", Alert.Severity.ERROR)).isTrue();
        assertThat(Severities.sends("warn", Alert.Severity.INFO)).isFalse();
        assertThat(Severities.sends("warn", Alert.Severity.WARN)).isTrue();
        assertThat(Severities.sends("warn", Alert.Severity.ERROR)).isTrue();
        assertThat(Severities.sends("error", Alert.Severity.INFO)).isFalse();
        assertThat(Severities.sends("error", Alert.Severity.WARN)).isFalse();
        assertThat(Severities.sends("error", Alert.Severity.ERROR)).isTrue();
    }
}
