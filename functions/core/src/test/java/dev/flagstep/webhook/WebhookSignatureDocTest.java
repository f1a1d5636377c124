package dev.flagstep.webhook;

import static dev.flagstep.testing.WebhookFixtures.hook;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.net.AddressGuard;
import dev.flagstep.spec.HookType;
import dev.flagstep.testing.WebhookFixtures.RecordingSleeper;
import dev.flagstep.testing.WebhookReceiver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worked example of docs/security.md, byte for byte: the values are read from the document, so
 * the document cannot drift from what flagstep sends.
 */
class WebhookSignatureDocTest {

    static Map<String, String> example;

    @BeforeAll
    static void readTheDocument() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("docs/security.md"))) {
            root = root.getParent();
        }
        String doc = Files.readString(root.resolve("docs/security.md"));
        String table = doc.substring(doc.indexOf("<!-- signature-example:"));
        example = new LinkedHashMap<>();
        Matcher row = Pattern.compile("\\| (secret|timestamp|body|header) \\| `([^`]*)` \\|").matcher(table);
        while (row.find() && example.size() < 4) {
            example.put(row.group(1), row.group(2));
        }
        assertThat(example).containsOnlyKeys("secret", "timestamp", "body", "header");
    }

    private static String headerValue() {
        return example.get("header").substring((SigningSecret.HEADER + ": ").length());
    }

    @Test
    void theDocumentedHeaderIsWhatSigningGives() {
        assertThat(example.get("header")).startsWith(SigningSecret.HEADER + ": ");
        assertThat(SigningSecret.of(example.get("secret")).sign(Long.parseLong(example.get("timestamp")),
                example.get("body").getBytes(StandardCharsets.UTF_8))).isEqualTo(headerValue());
    }

    @Test
    void theDocumentedRequestIsWhatAReceiverGets() {
        WebhookPayload payload = new WebhookPayload("podinfo", "test", CanaryPhase.PROGRESSING, "85d557f47b", Map.of());
        Instant at = Instant.ofEpochSecond(Long.parseLong(example.get("timestamp")));
        WebhookClient client = new WebhookClient(AddressGuard.local(), new RecordingSleeper(), Clock.fixed(at, ZoneOffset.UTC));
        try (WebhookReceiver rx = WebhookReceiver.start()) {
            client.call(hook("h", HookType.ROLLOUT, rx.url("/hook"), Duration.ofSeconds(5), 0), payload,
                    Optional.of(SigningSecret.of(example.get("secret"))));

            var request = rx.requests().getFirst();
            assertThat(request.body()).isEqualTo(example.get("body").getBytes(StandardCharsets.UTF_8));
            assertThat(request.header(SigningSecret.HEADER)).contains(headerValue());
            assertThat(ReceiverVerification.verifies(headerValue(), example.get("secret").getBytes(StandardCharsets.UTF_8),
                    request.body(), at.plusSeconds(60))).isTrue();
        }
    }
}
