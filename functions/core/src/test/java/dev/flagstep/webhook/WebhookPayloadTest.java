package dev.flagstep.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookPayloadTest {

    private static String json(WebhookPayload p) {
        return new String(p.toJson(), StandardCharsets.UTF_8);
    }

    private static Webhook hook(HookType type, Map<String, String> metadata) {
        return new Webhook("h", type, URI.create("http://127.0.0.1/"), Duration.ofSeconds(10), 0, false, false, metadata);
    }

    @Test
    void flaggersOwnTestCaseIsByteExact() {
        // pkg/controller/webhook_test.go: the receiver decodes exactly these fields
        var payload = new WebhookPayload("podinfo", "default", CanaryPhase.PROGRESSING, "85d557f47b", Map.of("key1", "val1"));
        assertThat(payload.toJson()).isEqualTo(
                "{\"name\":\"podinfo\",\"namespace\":\"default\",\"phase\":\"Progressing\",\"checksum\":\"85d557f47b\",\"metadata\":{\"key1\":\"val1\"}}"
                        .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void contractExampleWithLoadtesterCommandIsByteExact() {
        var payload = new WebhookPayload("podinfo", "test", CanaryPhase.PROGRESSING, "85d557f47b",
                Map.of("type", "cmd", "cmd", "hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/"));
        assertThat(json(payload)).isEqualTo(
                "{\"name\":\"podinfo\",\"namespace\":\"test\",\"phase\":\"Progressing\",\"checksum\":\"85d557f47b\","
                        + "\"metadata\":{\"cmd\":\"hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/\",\"type\":\"cmd\"}}");
    }

    @Test
    void htmlCharactersInCommandsAreEscapedAsGoDoes() {
        var payload = new WebhookPayload("podinfo", "test", CanaryPhase.PROGRESSING, "c",
                Map.of("cmd", "curl -s http://x/ && echo ok > /tmp/out 2>&1 < /dev/null"));
        assertThat(json(payload)).isEqualTo(
                "{\"name\":\"podinfo\",\"namespace\":\"test\",\"phase\":\"Progressing\",\"checksum\":\"c\",\"metadata\":"
                        + "{\"cmd\":\"curl -s http://x/ \\u0026\\u0026 echo ok \\u003e /tmp/out 2\\u003e\\u00261 \\u003c /dev/null\"}}");
    }

    @Test
    void otherEscapesFollowGoEncoder() {
        String tricky = "q\"b\\s/\n\r\t\b\f\u0000\u001f\u007f é 😀 \u2028\u2029 \ud800x";
        var payload = new WebhookPayload("n", "ns", CanaryPhase.FAILED, "", Map.of("k", tricky));
        // Go 1.22+: \b and \f short forms; other controls as lower-case hex escapes; DEL, é and emoji raw;
        // U+2028/2029 escaped; a lone surrogate (invalid UTF-8) becomes the escaped replacement char.
        assertThat(json(payload)).isEqualTo(
                "{\"name\":\"n\",\"namespace\":\"ns\",\"phase\":\"Failed\",\"checksum\":\"\",\"metadata\":{\"k\":"
                        + "\"q\\\"b\\\\s/\\n\\r\\t\\b\\f\\u0000\\u001f\u007f é 😀 \\u2028\\u2029 \\ufffdx\"}}");
    }

    @Test
    void emptyMetadataIsOmittedAndChecksumAlwaysPresent() {
        var payload = new WebhookPayload("podinfo", "test", CanaryPhase.SUCCEEDED, "", Map.of());
        assertThat(json(payload))
                .isEqualTo("{\"name\":\"podinfo\",\"namespace\":\"test\",\"phase\":\"Succeeded\",\"checksum\":\"\"}");
        assertThat(json(payload)).doesNotEndWith("\n");
    }

    @Test
    void metadataKeysAreSortedByUtf8BytesLikeGoMaps() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("b", "2");
        m.put("B", "1");
        m.put("a", "3");
        m.put("\uffff", "bmp-last");  // UTF-8 EF BF BF
        m.put("😀", "astral");         // UTF-8 F0 9F 98 80: after U+FFFF in Go, before it in UTF-16 order
        m.put("a b", "4");
        var payload = new WebhookPayload("n", "ns", CanaryPhase.PROGRESSING, "c", m);
        assertThat(json(payload)).endsWith(
                "\"metadata\":{\"B\":\"1\",\"a\":\"3\",\"a b\":\"4\",\"b\":\"2\",\"\uffff\":\"bmp-last\",\"😀\":\"astral\"}}");
    }

    @Test
    void forHookSendsTheHardCodedPhase() {
        var canary = new CanaryId("test", "podinfo");
        var rollout = WebhookPayload.forHook(canary, hook(HookType.ROLLOUT, Map.of()), CanaryPhase.WAITING_PROMOTION, "x");
        assertThat(rollout.phase()).isEqualTo(CanaryPhase.PROGRESSING);
        assertThat(rollout.name()).isEqualTo("podinfo");
        assertThat(rollout.namespace()).isEqualTo("test");
        var confirm = WebhookPayload.forHook(canary, hook(HookType.CONFIRM_ROLLOUT, Map.of()), CanaryPhase.INITIALIZED, "x");
        assertThat(confirm.phase()).isEqualTo(CanaryPhase.INITIALIZED);
    }

    @Test
    void eventPayloadAlwaysCarriesMessageTypeAndMillisTimestampWhichMetadataCannotOverride() {
        var event = new CanaryEvent(new CanaryId("test", "podinfo"), Message.Severity.WARNING,
                "Halt podinfo.test advancement pre-rollout check smoke failed <nope>", CanaryPhase.PROGRESSING,
                Instant.ofEpochMilli(1_700_000_000_123L), 10, 1, "run-1", "85d557f47b");
        var hook = hook(HookType.EVENT, Map.of("cluster", "prod", "eventType", "Spoofed", "timestamp", "0",
                "eventMessage", "spoofed"));
        assertThat(json(WebhookPayload.forEvent(event, hook))).isEqualTo(
                "{\"name\":\"podinfo\",\"namespace\":\"test\",\"phase\":\"Progressing\",\"checksum\":\"85d557f47b\",\"metadata\":"
                        + "{\"cluster\":\"prod\",\"eventMessage\":\"Halt podinfo.test advancement pre-rollout check smoke failed \\u003cnope\\u003e\","
                        + "\"eventType\":\"Warning\",\"timestamp\":\"1700000000123\"}}");
    }

    @Test
    void normalEventWithoutHookMetadata() {
        var event = new CanaryEvent(new CanaryId("test", "podinfo"), Message.Severity.NORMAL,
                "Advance podinfo.test canary weight 10", CanaryPhase.PROGRESSING, Instant.ofEpochMilli(1_700_000_000_000L),
                10, 0, "run-1", "c");
        var payload = WebhookPayload.forEvent(event, hook(HookType.EVENT, Map.of()));
        assertThat(payload.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "eventMessage", "Advance podinfo.test canary weight 10",
                "eventType", "Normal",
                "timestamp", "1700000000000"));
    }
}
