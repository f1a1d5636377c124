package dev.flagstep.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.local.PhaseFaults;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanaryId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Helpers for the strategy and gate end-to-end tests: a {@link PhaseTap} that photographs the
 * router object and the stored status right before each phase runs (so a test can see the run in
 * flight without racing it), and event counts.
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

    /** How many of the canary's events carry exactly this text. */
    static long count(RolloutHarness h, CanaryDocument doc, String message) {
        return h.messages(doc.canary().id()).stream().filter(message::equals).count();
    }
}
