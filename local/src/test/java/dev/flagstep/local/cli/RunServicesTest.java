package dev.flagstep.local.cli;

import dev.flagstep.local.FlaggerDocsWebhooks;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.testing.WebhookReceiver;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code flagstep run --simulate --service ...}: the webhook block every Flagger user copies from Flagger's docs,
 * unchanged (cluster addresses), runs end to end with each Service backed by a local receiver on 127.0.0.1, reached
 * through the simulated API server's service proxy; an unbacked cluster address fails naming {@code --service}.
 */
class RunServicesTest {

    /** Flagger's docs' webhook block, as written there, in the canary's analysis. */
    private static final String FLAGGER_WEBHOOKS = FlaggerDocsWebhooks.indented(4);

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<WebhookReceiver> receivers = new ArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        receivers.forEach(WebhookReceiver::close);
    }

    @Test
    void flaggersWebhookBlockRunsUnchangedWithEachServiceBackedLocally() throws IOException {
        WebhookReceiver loadtester = receiver();
        // flagger-loadtester's rollback gate is closed until someone opens it: no rollback
        loadtester.script("/rollback/check", Reply.status(403).body("Forbidden"));
        loadtester.script("/gate/approve", Reply.status(200).body("Approved"));
        WebhookReceiver helmtester = receiver();
        WebhookReceiver telegram = receiver();
        WebhookReceiver slack = receiver();
        slack.script("/slack", Reply.status(202));

        int exit = run(canary("podinfo", FLAGGER_WEBHOOKS), "--speed", "10",
                "--service", "flagger-loadtester.test=" + loadtester.url(""),
                "--service", "flagger-helmtester.flagger=" + helmtester.url(""),
                "--service", "telegram.bot:8080=" + telegram.url(""),
                "--service", "event-recevier.notifications=" + slack.url(""));

        assertThat(exit).as(out() + err()).isZero();
        assertThat(out()).contains("podinfo.test: Succeeded").contains("Promotion completed! Scaling down podinfo.test");
        assertThat(loadtester.requests("/gate/approve")).isNotEmpty();
        assertThat(loadtester.requests("/rollback/check")).isNotEmpty();
        assertThat(loadtester.requests("/")).isNotEmpty()
                .allSatisfy(r -> assertThat(json(r).path("metadata").path("cmd").asText()).startsWith("hey -z 1m"));
        assertThat(helmtester.requests("/")).hasSize(1)
                .allSatisfy(r -> assertThat(json(r).path("metadata").path("type").asText()).isEqualTo("helmv3"));
        assertThat(telegram.requests("/")).hasSize(1)
                .allSatisfy(r -> assertThat(json(r).path("phase").asText()).isEqualTo("Succeeded"));
        assertThat(slack.requests("/slack")).isNotEmpty()
                .allSatisfy(r -> assertThat(json(r).path("name").asText()).isEqualTo("podinfo"));
        for (WebhookReceiver r : receivers) {
            // through the proxy: the API server's bearer token never reaches a receiver
            assertThat(r.requests()).allSatisfy(q -> assertThat(q.header("authorization")).isEmpty());
            assertThat(r.requests()).allSatisfy(q -> assertThat(q.method()).isEqualTo("POST"));
        }
    }

    @Test
    void aClusterAddressWithNoBackingFailsNamingTheOption() throws IOException {
        int exit = run(canary("podinfo", """
                    webhooks:
                      - name: "helm test"
                        type: pre-rollout
                        url: http://flagger-loadtester.test/
                """), "--speed", "10");

        assertThat(exit).as(out() + err()).isEqualTo(1);
        assertThat(out()).contains("podinfo.test: Failed")
                .contains("service flagger-loadtester.test not found (")
                .contains("back it with --service flagger-loadtester.test=http://127.0.0.1:PORT");
    }

    private WebhookReceiver receiver() {
        WebhookReceiver r = WebhookReceiver.start();
        receivers.add(r);
        return r;
    }

    private Path canary(String name, String webhooks) throws IOException {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, """
                apiVersion: flagger.app/v1beta1
                kind: Canary
                metadata:
                  name: %s
                  namespace: test
                spec:
                  provider: gatewayapi:v1
                  targetRef:
                    apiVersion: apps/v1
                    kind: Deployment
                    name: %1$s
                  service:
                    port: 9898
                    targetPort: 9898
                    hosts: [%1$s.example.com]
                    gatewayRefs:
                      - name: public
                        namespace: gateway
                  analysis:
                    interval: 10s
                    threshold: 1
                    maxWeight: 20
                    stepWeight: 10
                """.formatted(name) + webhooks);
        return file;
    }

    private int run(Path canary, String... options) {
        List<String> argv = new ArrayList<>(List.of("run", canary.toString(), "--simulate"));
        argv.addAll(List.of(options));
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static JsonNode json(WebhookReceiver.Request r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.bodyText(), e);
        }
    }
}
