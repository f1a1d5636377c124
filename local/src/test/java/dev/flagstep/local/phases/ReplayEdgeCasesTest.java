package dev.flagstep.local.phases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.local.e2e.CanaryYaml;
import dev.flagstep.local.phases.PhaseRig.Rollout;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.store.RunResult;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replays at the edges of the tick memo: answers that depend on more than the decision, the paths
 * that answer without saving a memo, a delivery that died between its two writes, and the events a
 * failed delivery already posted.
 */
class ReplayEdgeCasesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static PhaseRig rig;

    @BeforeAll
    static void start() {
        rig = PhaseRig.start();
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    static String gated(String name, String interval, String extra) {
        return """
                    interval: %1$s
                    threshold: 5
                    stepWeight: 10
                    maxWeight: 50
                %2$s
                """.formatted(interval, extra.stripTrailing())
                + CanaryYaml.webhooks(rig.hooks.url("/" + name).toString(), "confirm-rollout", "post-rollout");
    }

    /**
     * A closed gate with {@code analysis.gateTimeout} answers how long the waiting state may park:
     * the time left to the timeout when that is shorter than the interval. The replay must answer
     * the same, or the rollout parks past its gate timeout.
     */
    @Test
    void aReplayedClosedGateAnswersTheSameWaitAsTheFirstDelivery() {
        CanaryDocument doc = rig.canary("gate-timeout", gated("gate-timeout", "1m", """
                    gateTimeout: 30s
                """));
        rig.hooks.script("/gate-timeout/confirm-rollout", Reply.status(403));
        Rollout r = rig.initialized(doc);
        ObjectNode input = PhaseRig.input(rig.confirmRollout, r, PhaseRig.freshTick(rig.confirmRollout));

        JsonNode first = rig.confirmRollout.handle(input.deepCopy());
        JsonNode second = rig.confirmRollout.handle(input.deepCopy());

        assertThat(first.path("decision").asText()).isEqualTo("closed");
        assertThat(first.path("waitSeconds").asInt()).isEqualTo(30);
        assertThat(second).isEqualTo(first);
        assertThat(rig.calls("/gate-timeout/confirm-rollout")).isEqualTo(1);
    }

    /** Without a gate timeout the closed gate parks one interval, first delivery and replay alike. */
    @Test
    void aReplayedClosedGateWithoutTimeoutAnswersTheSameWait() {
        CanaryDocument doc = rig.canary("gate-plain", gated("gate-plain", "1m", ""));
        rig.hooks.script("/gate-plain/confirm-rollout", Reply.status(403));
        Rollout r = rig.initialized(doc);
        ObjectNode input = PhaseRig.input(rig.confirmRollout, r, PhaseRig.freshTick(rig.confirmRollout));

        JsonNode first = rig.confirmRollout.handle(input.deepCopy());
        JsonNode second = rig.confirmRollout.handle(input.deepCopy());

        assertThat(first.path("waitSeconds").asInt()).isEqualTo(60);
        assertThat(second).isEqualTo(first);
        assertThat(rig.calls("/gate-plain/confirm-rollout")).isEqualTo(1);
    }

    /** A suspended canary: Initialize claims the tick and answers {@code done} like any tick; the replay answers from the memo and must not record its event again. */
    @Test
    void initializeOfASuspendedCanaryDeliveredTwiceRecordsOneEvent() {
        CanaryDocument doc = rig.canary(CanaryYaml.named("suspended").metricsServer(rig.hooks.url("").toString())
                .spec("suspend: true"), gated("suspended", "10s", ""));
        Rollout r = new Rollout(doc, UUID.randomUUID().toString(), rig.cluster(doc).targetRevision());
        ObjectNode input = PhaseRig.input(rig.initialize, r, PhaseRig.freshTick(rig.initialize));

        JsonNode first = rig.initialize.handle(input.deepCopy());
        JsonNode second = rig.initialize.handle(input.deepCopy());

        assertThat(first.path("decision").asText()).isEqualTo("done");
        assertThat(second).isEqualTo(first);
        assertThat(rig.events(r.id())).containsExactly("skipping canary run as object is suspended");
        assertThat(rig.published(r.id())).containsExactly("skipping canary run as object is suspended");
    }

    /**
     * PostRollout saves the status (with its memo), then releases the run: two writes. If the
     * delivery dies between them, the next delivery of the same tick is answered from the memo and
     * must still release the run, or the canary stays claimed by a run that will never end.
     */
    @Test
    void aPostRolloutThatDiedBeforeReleasingTheRunReleasesItWhenDeliveredAgain() {
        CanaryDocument doc = rig.canary("post-crash", gated("post-crash", "10s", ""));
        Rollout r = rig.started(doc);
        rig.expect(rig.rollback, r, "rolledBack");
        ObjectNode input = PhaseRig.input(rig.postRollout, r, PhaseRig.freshTick(rig.postRollout));
        rig.failNextFinishRun();
        assertThatThrownBy(() -> rig.postRollout.handle(input.deepCopy())).hasMessageContaining("before the run was released");
        assertThat(rig.status(r).status().phase()).isEqualTo(CanaryPhase.FAILED);

        JsonNode again = rig.postRollout.handle(input.deepCopy());

        assertThat(again.path("decision").asText()).isEqualTo("failed");
        assertThat(rig.run(r).result()).isEqualTo(RunResult.FAILED);
        assertThat(rig.realStore.activeRun(r.id())).isEmpty();
    }

    /**
     * Event webhooks are posted by the phase as it records each event. A PreRollout delivery that fails after
     * it posted "Starting canary analysis" and the pre-rollout check, and after it moved traffic, is run again:
     * the retry skips the events the failed delivery recorded (each event is marked with its place in the tick),
     * so the receiver gets each once, in order, and then the retry's own "Advance".
     */
    @Test
    void aRedeliveredTickDoesNotPostTheEventsItsFailedDeliveryAlreadyPosted() {
        String base = rig.hooks.url("/events").toString();
        CanaryDocument doc = rig.canary("events", """
                    interval: 10s
                    threshold: 5
                    stepWeight: 10
                    maxWeight: 50
                """ + CanaryYaml.webhooks(base, "pre-rollout", "event"));
        Rollout r = rig.started(doc);
        int before = rig.hooks.requests("/events/event").size();
        ObjectNode input = PhaseRig.input(rig.preRollout, r, PhaseRig.freshTick(rig.preRollout));
        rig.failNextAppendWeight();
        assertThatThrownBy(() -> rig.preRollout.handle(input.deepCopy())).hasMessageContaining("after the weight changed");
        rig.settle();

        JsonNode again = rig.preRollout.handle(input.deepCopy());

        assertThat(again.path("decision").asText()).isEqualTo("advanced");
        var posted = rig.hooks.requests("/events/event").stream().skip(before)
                .map(c -> readTree(c.bodyText()).at("/metadata/eventMessage").asText()).toList();
        assertThat(posted).containsExactly(
                "Starting canary analysis for events.idem",
                "Pre-rollout check pre passed",
                "Advance events.idem canary weight 10");
        assertThat(rig.calls("/events/pre-rollout")).as("the hook itself is called again, as Flagger would").isEqualTo(2);
    }

    private static JsonNode readTree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
