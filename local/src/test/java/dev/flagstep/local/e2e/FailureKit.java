package dev.flagstep.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.local.PhaseFaults;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.HistoryEvent;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shared pieces of the failure-path end-to-end tests: a fault injector whose faults are set per
 * canary (so one harness serves many tests), canaries with a per-canary metrics server and their
 * common analysis, and the assertions every rollback ends with.
 */
final class FailureKit {

    private FailureKit() {}

    /** A {@link PhaseFaults} that dispatches on the canary's name in the payload; no entry, no fault. */
    static final class FaultSwitch implements PhaseFaults {
        private final Map<String, PhaseFaults> byCanary = new ConcurrentHashMap<>();

        void on(String canary, PhaseFaults faults) {
            byCanary.put(canary, faults);
        }

        @Override
        public void beforeInvoke(String function, JsonNode payload) {
            PhaseFaults f = byCanary.get(payload.path("canary").path("name").asText());
            if (f != null) {
                f.beforeInvoke(function, payload);
            }
        }
    }

    /**
     * A canary whose Prometheus is the receiver under {@code /{name}} (so its queries arrive at
     * {@link #promQuery} and each test scripts its own metric with {@link #successRate}).
     */
    static CanaryYaml canary(RolloutHarness h, String name) {
        return canary(h.hooksUrl(), name);
    }

    /** As {@link #canary(RolloutHarness, String)}, with the receiver at {@code receiver} (its loopback address). */
    static CanaryYaml canary(String receiver, String name) {
        return CanaryYaml.named(name).metricsServer(receiver + "/" + name);
    }

    /** The receiver, as {@code name}'s Prometheus, answers every query with this success rate. */
    static void successRate(RolloutHarness h, String name, double percent) {
        h.hooks.script(promQuery(name), Reply.status(200).body(Prometheus.vector(percent)));
    }

    /**
     * The analysis the failure paths start from: a tick every 10s, threshold 2, the given weight steps,
     * the request-success-rate check (min 99) and one webhook per type at {@code {hooks}/{name}/{type}}.
     */
    static String analysis(String hooks, String name, int stepWeight, int maxWeight, String... webhookTypes) {
        return """
                    interval: 10s
                    threshold: 2
                    stepWeight: %d
                    maxWeight: %d
                """.formatted(stepWeight, maxWeight) + CanaryYaml.SUCCESS_RATE + CanaryYaml.webhooks(hooks + "/" + name, webhookTypes);
    }

    static String promQuery(String name) {
        return "/" + name + "/api/v1/query";
    }

    static String image(RolloutHarness h, String deployment) {
        return h.sim.object(ResourceKind.DEPLOYMENT, "e2e", deployment).orElseThrow()
                .at("/spec/template/spec/containers/0/image").asText();
    }

    static int replicas(RolloutHarness h, String deployment) {
        return h.sim.object(ResourceKind.DEPLOYMENT, "e2e", deployment).orElseThrow().at("/spec/replicas").asInt();
    }

    /**
     * What every rollback leaves behind (Flagger's rollback()): all traffic on the primary, which still
     * runs the old image, the canary scaled to zero, status Failed with every counter reset by the sync.
     */
    static void assertRolledBack(RolloutHarness h, CanaryDocument doc) {
        String name = doc.canary().id().name();
        // the route was just written: let the Gateway controller accept it, or the router refuses to read it
        h.sim.awaitReconciled(Duration.ofSeconds(10));
        assertThat(h.routes(doc)).as("routes").isEqualTo(Routes.allPrimary());
        var status = h.status(doc);
        assertThat(status.phase()).as("phase").isEqualTo(CanaryPhase.FAILED);
        assertThat(status.canaryWeight()).as("canaryWeight").isZero();
        assertThat(status.failedChecks()).as("failedChecks (reset by the rollback's sync)").isZero();
        assertThat(status.iterations()).as("iterations").isZero();
        assertThat(image(h, name + "-primary")).as("primary image").isEqualTo(RolloutHarness.IMAGE);
        assertThat(replicas(h, name)).as("canary replicas").isZero();
    }

    /** The names of the task states the execution entered, in order (Rollback, PostRollout, ...). */
    static List<String> statesEntered(Execution e) {
        return e.history().stream()
                .filter(ev -> ev.type() == HistoryEvent.Type.STATE_ENTERED)
                .map(ev -> ev.state().orElse(""))
                .toList();
    }
}
