package dev.flagstep.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an event receiver sees, end to end: every event of a rollout posted by the phase that records it,
 * in the order Flagger records it and in the same place relative to the hook calls, each with the phase
 * Flagger's payload carries. Each expected story is read off Flagger's scheduler ({@code advanceCanary},
 * {@code scheduler_hooks.go}, {@code rollback}, {@code shouldSkipAnalysis}): a tick's events carry the phase
 * the tick started with, except those Flagger records on a copy ("New revision detected! Scaling up":
 * Progressing, "Canary failed!": Failed, "Promotion completed!" and the post-rollout checks after a
 * promotion: Succeeded, "Initialization done!": Initialized).
 */
class EventOrderE2ETest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

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

    /**
     * The receiver's story under {@code /name}: {@code "hook <type> <phase>"} for a hook call,
     * {@code "<phase> <message>"} for an event, in arrival order.
     */
    static List<String> story(String name) {
        String prefix = "/" + name + "/";
        return h.hooks.requests().stream().filter(r -> r.path().startsWith(prefix)).map(r -> {
            JsonNode body;
            try {
                body = MAPPER.readTree(r.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String type = r.path().substring(prefix.length());
            return type.equals("event")
                    ? body.path("phase").asText() + " " + body.at("/metadata/eventMessage").asText()
                    : "hook " + type + " " + body.path("phase").asText();
        }).toList();
    }

    @Test
    void promotion() throws Exception {
        String hooks = h.hooksUrl();
        CanaryDocument doc = h.canary(CanaryYaml.named("promo").metricsServer(hooks).analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 20
                    maxWeight: 40
                """ + CanaryYaml.SUCCESS_RATE + CanaryYaml.webhooks(hooks + "/promo",
                "confirm-rollout", "pre-rollout", "rollout", "confirm-promotion", "post-rollout", "event")));

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        System.out.println("STORY promo\n" + String.join("\n", story("promo")));
    }
}
