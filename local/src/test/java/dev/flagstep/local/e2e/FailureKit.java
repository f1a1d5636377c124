package dev.flagstep.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.analysis.Phase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.local.PhaseFaults;
import dev.flagstep.local.asl.Execution;
import dev.flagstep.local.asl.HistoryEvent;
import dev.flagstep.spec.CanaryDocument;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Shared pieces of the failure-path end-to-end tests: a fault injector whose faults are set per
 * canary (so one harness serves many tests), Flagger documents with a per-canary metrics server,
 * and the assertions every rollback ends with.
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
     * A Gateway API canary in namespace {@code e2e} whose Prometheus is the receiver under
     * {@code /{name}} (so its queries arrive at {@code /{name}/api/v1/query} and each test scripts
     * its own metric); {@code specExtra} is added under {@code spec:} (two-space indent), {@code analysis}
     * under {@code analysis:} (four-space indent).
     */
    static String canary(String name, String hooks, String specExtra, String analysis) {
        return """
                apiVersion: flagger.app/v1beta1
                kind: Canary
                metadata:
                  name: %1$s
                  namespace: e2e
                spec:
                  provider: gatewayapi:v1
                  metricsServer: %2$s/%1$s
                  targetRef:
                    apiVersion: apps/v1
                    kind: Deployment
                    name: %1$s
                  service:
                    port: 9898
                    gatewayRefs:
                      - name: public
                        namespace: gateway
                %3$s
                  analysis:
                %4$s
                """.formatted(name, hooks, specExtra.stripTrailing(), analysis.stripTrailing());
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
        assertThat(status.phase()).as("phase").isEqualTo(Phase.FAILED);
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

    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
