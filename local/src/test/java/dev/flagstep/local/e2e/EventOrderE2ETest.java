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
        // readiness settled by every write: how often a phase meets a Deployment not ready yet is the machine's
        // load, not Flagger's sequence
        h.sim.reconcileOnEveryWrite(true);
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

    /** The canary's analysis block: interval, threshold, {@code extra} lines, the builtin success rate, hooks at /name/{type}. */
    static String analysis(String name, String extra, String... hookTypes) {
        return """
                    interval: 10s
                    threshold: 2
                """ + extra + CanaryYaml.SUCCESS_RATE + CanaryYaml.webhooks(h.hooksUrl() + "/" + name, hookTypes);
    }

    static CanaryDocument canary(String name, String extra, String... hookTypes) {
        return h.canary(CanaryYaml.named(name).metricsServer(h.hooksUrl()).analysis(analysis(name, extra, hookTypes)));
    }

    /**
     * Rolls out a new revision of {@code doc}, expecting {@code end}, and returns the story of the rollout (after the
     * first pass). The first pass is checked here: each onboarding tick of a canary that does not skip its analysis
     * records "all the metrics providers are available!" (Initializing), a tick whose primary is not ready yet its
     * warning; the last records "Initialization done!" (Initialized). How many ticks the primary takes is the
     * simulated cluster's business, so that count is not asserted, nor the readiness warnings of later ticks.
     */
    static List<String> rollout(CanaryDocument doc, ExecutionStatus end) throws Exception {
        String name = doc.canary().id().name();
        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, end);
        List<String> story = story(name);
        int done = story.indexOf("Initialized Initialization done! " + name + ".e2e");
        assertThat(done).as("the first pass: " + story).isNotNegative();
        String available = "Initializing all the metrics providers are available!";
        List<String> firstPass = story.subList(0, done);
        if (doc.canary().skipsAnalysis()) {
            assertThat(firstPass).doesNotContain(available);
        } else {
            assertThat(firstPass).as("the first pass: " + story).isNotEmpty();
            assertThat(firstPass.getFirst()).isEqualTo(available);
            assertThat(firstPass.getLast()).isEqualTo(available);
        }
        assertThat(firstPass).allSatisfy(e -> assertThat(e).matches(
                java.util.regex.Pattern.quote(available) + "|Initializing " + name + "-primary\\.e2e not ready: .*"));
        // a tick that finds the canary, the primary or the router not ready yet ends with Flagger's warning and is
        // tried again: how often depends on the simulated controllers' timing, so those are left out
        return story.subList(done + 1, story.size()).stream().filter(e -> !e.contains(" not ready")).toList();
    }

    @Test
    void promotion() throws Exception {
        assertThat(rollout(canary("promo", """
                    stepWeight: 20
                    maxWeight: 40
                """, "confirm-rollout", "pre-rollout", "rollout", "confirm-promotion", "post-rollout", "event"),
                ExecutionStatus.SUCCEEDED)).containsExactly(
                "hook confirm-rollout Initialized",
                "Initialized Confirm-rollout check confirm passed",
                "Progressing New revision detected! Scaling up promo.e2e",
                "Progressing Starting canary analysis for promo.e2e",
                "hook pre-rollout Progressing",
                "Progressing Pre-rollout check pre passed",
                "Progressing Advance promo.e2e canary weight 20",
                "hook rollout Progressing",
                "Progressing Advance promo.e2e canary weight 40",
                "hook rollout Progressing",
                "hook confirm-promotion Progressing",
                "Progressing Confirm-promotion check promote passed",
                "Progressing Copying promo.e2e template spec to promo-primary.e2e",
                "Promoting Routing all traffic to primary",
                "hook post-rollout Succeeded",
                "Succeeded Post-rollout check post passed",
                "Succeeded Promotion completed! Scaling down promo.e2e");
    }

    /** Each failing tick counts a failed check; at the threshold the next tick rolls back. */
    @Test
    void preRolloutFailing() throws Exception {
        h.hooks.script("/prefail/pre-rollout", Reply.status(500).body("not today"));
        String failed = "Progressing Halt prefail.e2e advancement pre-rollout check pre failed "
                + "POST http://flagger-loadtester.e2e/prefail/pre-rollout giving up after 1 attempt(s)";
        assertThat(rollout(canary("prefail", """
                    stepWeight: 20
                    maxWeight: 40
                """, "pre-rollout", "post-rollout", "event"), ExecutionStatus.FAILED)).containsExactly(
                "Progressing New revision detected! Scaling up prefail.e2e",
                "Progressing Starting canary analysis for prefail.e2e",
                "hook pre-rollout Progressing",
                failed,
                "Progressing Starting canary analysis for prefail.e2e",
                "hook pre-rollout Progressing",
                failed,
                "Progressing Rolling back prefail.e2e failed checks threshold reached 2",
                "Failed Canary failed! Scaling down prefail.e2e",
                "hook post-rollout Failed",
                // recorded on the canary as the rolling-back tick read it
                "Progressing Post-rollout check post passed");
    }

    /** Closed twice (the second time silently, Flagger only rewinds the iterations), then opened. */
    @Test
    void confirmPromotionClosedThenOpened() throws Exception {
        h.hooks.script("/cpromo/confirm-promotion", Reply.status(403), Reply.status(403), Reply.status(200));
        assertThat(rollout(canary("cpromo", """
                    stepWeight: 50
                    maxWeight: 50
                """, "rollout", "confirm-promotion", "post-rollout", "event"), ExecutionStatus.SUCCEEDED)).containsExactly(
                "Progressing New revision detected! Scaling up cpromo.e2e",
                "Progressing Starting canary analysis for cpromo.e2e",
                "Progressing Advance cpromo.e2e canary weight 50",
                "hook rollout Progressing",
                "hook confirm-promotion Progressing",
                "Progressing Halt cpromo.e2e advancement waiting for promotion approval promote",
                "hook rollout Progressing",
                "hook confirm-promotion Progressing",
                "hook rollout Progressing",
                "hook confirm-promotion Progressing",
                "WaitingPromotion Confirm-promotion check promote passed",
                "WaitingPromotion Copying cpromo.e2e template spec to cpromo-primary.e2e",
                "Promoting Routing all traffic to primary",
                "hook post-rollout Succeeded",
                "Succeeded Post-rollout check post passed",
                "Succeeded Promotion completed! Scaling down cpromo.e2e");
    }

    /**
     * Closed on the first ask: the warning carries Initialized (the tick's phase; Waiting is set on a copy), the
     * next closed asks record nothing, the open one passes while Waiting.
     */
    @Test
    void confirmRolloutClosedThenOpened() throws Exception {
        h.hooks.script("/crollout/confirm-rollout", Reply.status(403), Reply.status(403), Reply.status(200));
        assertThat(rollout(canary("crollout", """
                    stepWeight: 50
                    maxWeight: 50
                """, "confirm-rollout", "event"), ExecutionStatus.SUCCEEDED)).containsExactly(
                "hook confirm-rollout Initialized",
                "Initialized Halt crollout.e2e advancement waiting for approval confirm",
                "hook confirm-rollout Waiting",
                "hook confirm-rollout Waiting",
                "Waiting Confirm-rollout check confirm passed",
                "Progressing New revision detected! Scaling up crollout.e2e",
                "Progressing Starting canary analysis for crollout.e2e",
                "Progressing Advance crollout.e2e canary weight 50",
                "Progressing Copying crollout.e2e template spec to crollout-primary.e2e",
                "Promoting Routing all traffic to primary",
                "Succeeded Promotion completed! Scaling down crollout.e2e");
    }

    /** No provider check, no pre-rollout or rollout hook: confirm-rollout, then the promotion in one tick. */
    @Test
    void skipAnalysis() throws Exception {
        CanaryDocument doc = h.canary(CanaryYaml.named("skip").metricsServer(h.hooksUrl()).spec("skipAnalysis: true")
                .analysis(analysis("skip", """
                    stepWeight: 20
                    maxWeight: 40
                """, "confirm-rollout", "pre-rollout", "rollout", "post-rollout", "event")));
        assertThat(rollout(doc, ExecutionStatus.SUCCEEDED)).containsExactly(
                "hook confirm-rollout Initialized",
                "Initialized Confirm-rollout check confirm passed",
                "Progressing New revision detected! Scaling up skip.e2e",
                "Progressing Copying skip.e2e template spec to skip-primary.e2e",
                "hook post-rollout Succeeded",
                "Succeeded Post-rollout check post passed",
                "Succeeded Promotion completed! Canary analysis was skipped for skip.e2e");
    }

    @Test
    void abTesting() throws Exception {
        assertThat(rollout(canary("ab", """
                    iterations: 2
                    match:
                      - headers:
                          x-canary:
                            exact: "insider"
                """, "pre-rollout", "rollout", "confirm-promotion", "post-rollout", "event"), ExecutionStatus.SUCCEEDED))
                .containsExactly(
                "Progressing New revision detected! Scaling up ab.e2e",
                "Progressing Starting canary analysis for ab.e2e",
                "hook pre-rollout Progressing",
                "Progressing Pre-rollout check pre passed",
                "Progressing Advance ab.e2e canary iteration 1/2",
                "hook rollout Progressing",
                "Progressing Advance ab.e2e canary iteration 2/2",
                "hook rollout Progressing",
                "hook confirm-promotion Progressing",
                "Progressing Confirm-promotion check promote passed",
                "Progressing Copying ab.e2e template spec to ab-primary.e2e",
                "Promoting Routing all traffic to primary",
                "hook post-rollout Succeeded",
                "Succeeded Post-rollout check post passed",
                "Succeeded Promotion completed! Scaling down ab.e2e");
    }

    /** Blue/green asks confirm-promotion twice: before switching the traffic to the canary, and before promoting. */
    @Test
    void blueGreenWithMirror() throws Exception {
        assertThat(rollout(canary("bgm", """
                    iterations: 2
                    mirror: true
                """, "pre-rollout", "rollout", "confirm-promotion", "post-rollout", "event"), ExecutionStatus.SUCCEEDED))
                .containsExactly(
                "Progressing New revision detected! Scaling up bgm.e2e",
                "Progressing Starting canary analysis for bgm.e2e",
                "hook pre-rollout Progressing",
                "Progressing Pre-rollout check pre passed",
                "Progressing Advance bgm.e2e canary iteration 1/2",
                "hook rollout Progressing",
                "Progressing Advance bgm.e2e canary iteration 2/2",
                "hook rollout Progressing",
                "hook confirm-promotion Progressing",
                "Progressing Confirm-promotion check promote passed",
                "Progressing Stop traffic mirroring and route all traffic to canary",
                "hook rollout Progressing",
                "hook confirm-promotion Progressing",
                "Progressing Confirm-promotion check promote passed",
                "Progressing Copying bgm.e2e template spec to bgm-primary.e2e",
                "Promoting Routing all traffic to primary",
                "hook post-rollout Succeeded",
                "Succeeded Post-rollout check post passed",
                "Succeeded Promotion completed! Scaling down bgm.e2e");
    }

    /** At the last step Flagger's next step is what is left to 100, so confirm-traffic-increase is asked before promoting. */
    @Test
    void stepWeightsAndStepWeightPromotion() throws Exception {
        assertThat(rollout(canary("steps", """
                    stepWeights: [10, 50]
                    stepWeightPromotion: 60
                    maxWeight: 50
                """, "rollout", "confirm-traffic-increase", "post-rollout", "event"), ExecutionStatus.SUCCEEDED))
                .containsExactly(
                "Progressing New revision detected! Scaling up steps.e2e",
                "Progressing Starting canary analysis for steps.e2e",
                "hook confirm-traffic-increase Progressing",
                "Progressing Confirm-traffic-increase check traffic passed",
                "Progressing Advance steps.e2e canary weight 10",
                "hook rollout Progressing",
                "hook confirm-traffic-increase Progressing",
                "Progressing Confirm-traffic-increase check traffic passed",
                "Progressing Advance steps.e2e canary weight 50",
                "hook rollout Progressing",
                "hook confirm-traffic-increase Progressing",
                "Progressing Confirm-traffic-increase check traffic passed",
                "Progressing Copying steps.e2e template spec to steps-primary.e2e",
                "Promoting Advance steps.e2e primary weight 100",
                "hook post-rollout Succeeded",
                "Succeeded Post-rollout check post passed",
                "Succeeded Promotion completed! Scaling down steps.e2e");
    }

    @Test
    void confirmTrafficIncreaseClosedThenOpened() throws Exception {
        h.hooks.script("/traffic/confirm-traffic-increase", Reply.status(200), Reply.status(403), Reply.status(200));
        assertThat(rollout(canary("traffic", """
                    stepWeight: 20
                    maxWeight: 40
                """, "rollout", "confirm-traffic-increase", "post-rollout", "event"), ExecutionStatus.SUCCEEDED))
                .containsExactly(
                "Progressing New revision detected! Scaling up traffic.e2e",
                "Progressing Starting canary analysis for traffic.e2e",
                "hook confirm-traffic-increase Progressing",
                "Progressing Confirm-traffic-increase check traffic passed",
                "Progressing Advance traffic.e2e canary weight 20",
                "hook rollout Progressing",
                "hook confirm-traffic-increase Progressing",
                "Progressing Halt traffic.e2e advancement waiting for traffic increase approval traffic",
                "hook rollout Progressing",
                "hook confirm-traffic-increase Progressing",
                "Progressing Confirm-traffic-increase check traffic passed",
                "Progressing Advance traffic.e2e canary weight 40",
                "hook rollout Progressing",
                "hook confirm-traffic-increase Progressing",
                "Progressing Confirm-traffic-increase check traffic passed",
                "Progressing Copying traffic.e2e template spec to traffic-primary.e2e",
                "Promoting Routing all traffic to primary",
                "hook post-rollout Succeeded",
                "Succeeded Post-rollout check post passed",
                "Succeeded Promotion completed! Scaling down traffic.e2e");
    }

    /** The rollback hook signals while the promotion waits for approval: the tick's events carry WaitingPromotion. */
    @Test
    void rollbackWhileWaitingPromotion() throws Exception {
        h.hooks.script("/rbwait/confirm-promotion", Reply.status(403));
        h.hooks.script("/rbwait/rollback", Reply.status(404), Reply.status(404), Reply.status(200));
        assertThat(rollout(canary("rbwait", """
                    stepWeight: 50
                    maxWeight: 50
                """, "rollback", "confirm-promotion", "post-rollout", "event"), ExecutionStatus.FAILED)).containsExactly(
                "Progressing New revision detected! Scaling up rbwait.e2e",
                "hook rollback Progressing",
                "Progressing Rollback hook rb not signaling a rollback",
                "Progressing Starting canary analysis for rbwait.e2e",
                "Progressing Advance rbwait.e2e canary weight 50",
                "hook rollback Progressing",
                "Progressing Rollback hook rb not signaling a rollback",
                "hook confirm-promotion Progressing",
                "Progressing Halt rbwait.e2e advancement waiting for promotion approval promote",
                "hook rollback WaitingPromotion",
                "WaitingPromotion Rollback check rb passed",
                "WaitingPromotion Rolling back rbwait.e2e manual webhook invoked",
                "Failed Canary failed! Scaling down rbwait.e2e",
                "hook post-rollout Failed",
                "WaitingPromotion Post-rollout check post passed");
    }

    /** A templateRef metric whose query answers NaN: Flagger's "no values found" text, exactly, each failing tick. */
    @Test
    void aMetricWithoutValues() throws Exception {
        h.hooks.script("/nanprom" + Prometheus.QUERY, Reply.status(200).body(Prometheus.vector(Double.NaN)));
        h.hooks.script("/nanprom" + Prometheus.ONLINE, Reply.status(200).body(Prometheus.vector(1)));
        String yaml = CanaryYaml.named("nan").metricsServer(h.hooksUrl()).analysis("""
                    interval: 10s
                    threshold: 1
                    stepWeight: 50
                    maxWeight: 50
                    metrics:
                      - name: error rate
                        templateRef:
                          name: errors
                        thresholdRange:
                          max: 1
                        interval: 1m
                """ + CanaryYaml.webhooks(h.hooksUrl() + "/nan", "event")) + """
                ---
                apiVersion: flagger.app/v1beta1
                kind: MetricTemplate
                metadata:
                  name: errors
                  namespace: e2e
                spec:
                  provider:
                    type: prometheus
                    address: %s/nanprom
                  query: sum(errors_total)
                """.formatted(h.hooksUrl());
        CanaryDocument doc = h.canary(yaml);
        assertThat(rollout(doc, ExecutionStatus.FAILED)).containsExactly(
                "Progressing New revision detected! Scaling up nan.e2e",
                "Progressing Starting canary analysis for nan.e2e",
                "Progressing Advance nan.e2e canary weight 50",
                "Progressing Halt advancement no values found for custom metric: error rate: no values found",
                "Progressing Rolling back nan.e2e failed checks threshold reached 1",
                "Failed Canary failed! Scaling down nan.e2e");
    }

    /** Flagger records its suspension on every tick and does nothing else. */
    @Test
    void suspended() throws Exception {
        CanaryDocument doc = h.canary(CanaryYaml.named("susp").metricsServer(h.hooksUrl()).spec("suspend: true")
                .analysis(analysis("susp", """
                    stepWeight: 20
                    maxWeight: 40
                """, "confirm-rollout", "event")));
        Execution run = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());
        h.awaitEnd(run);

        assertThat(story("susp")).containsExactly("Initializing skipping canary run as object is suspended");
    }

    /**
     * A receiver slower than its hook's timeout costs each event that timeout, and never the release: every event
     * is still posted, in order, and the rollout succeeds.
     */
    @Test
    void aSlowReceiverNeverFailsTheRelease() throws Exception {
        // the first pass posts two events (its one onboarding tick, the cluster settled by every write) and the
        // rollout's Initialize a third; the slow answer meets "Starting canary analysis", in a phase whose deadline
        // (900 s, 9 s at the harness's speed) has room for it: Initialize's 120 s is 1.2 s here, less than the hook's
        // real second, and an event past a delivery's deadline margin is logged, not posted
        h.hooks.script("/slow/event", Reply.status(200), Reply.status(200), Reply.status(200),
                Reply.status(200).after(java.time.Duration.ofSeconds(2)), Reply.status(200));
        String hooks = h.hooksUrl();
        CanaryDocument doc = h.canary(CanaryYaml.named("slow").metricsServer(hooks).analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 50
                    maxWeight: 50
                    webhooks:
                      - name: events
                        type: event
                        url: %s/slow/event
                        timeout: 1s
                """.formatted(hooks)));
        assertThat(rollout(doc, ExecutionStatus.SUCCEEDED)).containsExactly(
                "Progressing New revision detected! Scaling up slow.e2e",
                "Progressing Starting canary analysis for slow.e2e",
                "Progressing Advance slow.e2e canary weight 50",
                "Progressing Copying slow.e2e template spec to slow-primary.e2e",
                "Promoting Routing all traffic to primary",
                "Succeeded Promotion completed! Scaling down slow.e2e");
    }
}
