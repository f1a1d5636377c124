package dev.flagstep.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.local.PhaseFaults;
import dev.flagstep.local.asl.Execution;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.Run.WeightPoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Helpers for the strategy and gate end-to-end tests: a {@link PhaseTap} that photographs the
 * router object and the stored status right before each phase runs (so a test can see the run in
 * flight without racing it), Kubernetes-provider canaries, the run's weight timeline, and polling.
 */
final class GateScenarios {

    private GateScenarios() {}

    /**
     * What the cluster and the table held just before one phase invocation: the phase function
     * (Analysis, ConfirmPromotion, ...), whether it was the parked (waitForTaskToken) call, the
     * stored HTTPRoute (empty for providers without one) and the status.
     */
    record Snapshot(String function, boolean parked, Optional<ObjectNode> httpRoute, Optional<CanaryStatus> status) {

        /** rules[0]'s primary/canary weights, as Flagger reads them ({@code "primary/canary"}). */
        String weights(String name) {
            return GateScenarios.weights(httpRoute.orElseThrow(), name);
        }
    }

    /** An HTTPRoute's rules[0] weights of {@code {name}-primary} and {@code {name}-canary}, as {@code "primary/canary"}. */
    static String weights(JsonNode httpRoute, String name) {
        JsonNode rule = httpRoute.path("spec").path("rules").path(0);
        int primary = -1;
        int canary = -1;
        for (JsonNode b : rule.path("backendRefs")) {
            if ((name + "-primary").equals(b.path("name").asText())) {
                primary = b.path("weight").asInt();
            }
            if ((name + "-canary").equals(b.path("name").asText())) {
                canary = b.path("weight").asInt();
            }
        }
        return primary + "/" + canary;
    }

    /**
     * A {@link PhaseFaults} that never fails anything: it records a {@link Snapshot} before every
     * phase invocation of a watched canary. Runs on the interpreter's thread, so a snapshot is exactly
     * the state the phase is about to read.
     */
    static final class PhaseTap implements PhaseFaults {

        private volatile RolloutHarness harness;
        private final Map<String, List<Snapshot>> byCanary = new ConcurrentHashMap<>();

        void attach(RolloutHarness h) {
            this.harness = h;
        }

        /** Starts recording snapshots for this canary (by name; the e2e namespace is shared). */
        void watch(CanaryDocument doc) {
            byCanary.put(doc.canary().id().name(), java.util.Collections.synchronizedList(new ArrayList<>()));
        }

        List<Snapshot> snapshots(CanaryDocument doc) {
            List<Snapshot> s = byCanary.get(doc.canary().id().name());
            synchronized (s) {
                return List.copyOf(s);
            }
        }

        /** Snapshots taken before the given phase function, in order. */
        List<Snapshot> before(CanaryDocument doc, String function) {
            return snapshots(doc).stream().filter(s -> s.function().equals(function)).toList();
        }

        @Override
        public void beforeInvoke(String function, JsonNode payload) {
            RolloutHarness h = harness;
            JsonNode canary = payload.path("canary");
            List<Snapshot> target = byCanary.get(canary.path("name").asText());
            if (h == null || target == null) {
                return;
            }
            CanaryId id = new CanaryId(canary.path("namespace").asText(), canary.path("name").asText());
            Optional<ObjectNode> route = h.sim.object(ResourceKind.HTTP_ROUTE, id.namespace(), id.name());
            Optional<CanaryStatus> status = h.runtime.store().statusRecord(id).map(r -> r.status());
            target.add(new Snapshot(function, payload.hasNonNull("taskToken"), route.map(ObjectNode::deepCopy), status));
        }
    }

    /** A canary on the {@code kubernetes} provider (no router object: blue/green on the services). */
    static String kubernetes(String name, String analysis) {
        return """
                apiVersion: flagger.app/v1beta1
                kind: Canary
                metadata:
                  name: %1$s
                  namespace: e2e
                spec:
                  provider: kubernetes
                  targetRef:
                    apiVersion: apps/v1
                    kind: Deployment
                    name: %1$s
                  service:
                    port: 9898
                  analysis:
                %2$s
                """.formatted(name, analysis.stripTrailing());
    }

    /** The canary weights the run set on the router, in order (every traffic change, promotion included). */
    static List<Integer> runWeights(RolloutHarness h, CanaryDocument doc, Execution rollout) {
        return h.runtime.store().run(doc.canary().id(), rollout.input().path("runId").asText()).orElseThrow()
                .weights().stream().map(WeightPoint::weight).toList();
    }

    /** Polls every 10 ms until {@code condition} holds; fails with {@code what} after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** How many of the canary's events carry exactly this text. */
    static long count(RolloutHarness h, CanaryDocument doc, String message) {
        return h.messages(doc.canary().id()).stream().filter(message::equals).count();
    }
}
