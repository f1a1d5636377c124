package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeException;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.knative.KnativeService;
import dev.flagstep.spec.CanarySpec;

/**
 * Flagger's Knative router ({@code pkg/router/knative.go}): the split lives in the Knative Service's own
 * {@code spec.traffic}, between the latest revision (canary) and the revision the {@code flagger.app/primary-revision}
 * annotation names (primary). Weights are read back from {@code status.traffic}, what Knative applied. No A/B match,
 * no mirroring.
 */
public final class KnativeRouter implements TrafficRouter {

    private final KubeClient kube;
    private final KubeRef service;
    private final String name;

    public KnativeRouter(KubeClient kube, CanarySpec canary) {
        this.kube = kube;
        this.service = KnativeService.ref(canary);
        this.name = canary.targetRef().name() + "." + canary.id().namespace();
    }

    /** Names the latest created revision primary when no revision is named yet. */
    @Override
    public void reconcile() {
        kube.edit(service, s -> {
            String latest = KnativeService.latestCreated(s);
            if (KnativeService.primaryRevision(s).isEmpty() && !latest.isEmpty()) KnativeService.setPrimaryRevision(s, latest);
        });
    }

    @Override
    public Routes getRoutes() {
        ObjectNode s = kube.require(service);
        String primary = KnativeService.primaryRevision(s)
                .orElseThrow(() -> new RouterException("Knative Service " + name + " annotation not found"));
        JsonNode canaryEntry = null;
        JsonNode primaryEntry = null;
        JsonNode pinnedPrimary = null;
        for (JsonNode t : s.path("status").path("traffic")) {
            boolean latest = t.path("latestRevision").asBoolean(false);
            if (canaryEntry == null && latest) canaryEntry = t;
            if (primaryEntry == null && primary.equals(t.path("revisionName").asText())) primaryEntry = t;
            if (pinnedPrimary == null && !latest && primary.equals(t.path("revisionName").asText())) pinnedPrimary = t;
        }
        // Knative names the latest entry's revision too: while the latest revision is the primary (after Initialize),
        // the entry pinned to it is the primary's, where Flagger's first-name match reads the latest entry's 0%. Right
        // after Promote the annotation names the latest revision before any entry is pinned to it: as Flagger, the
        // latest entry is then the primary's.
        if (pinnedPrimary != null) primaryEntry = pinnedPrimary;
        if (canaryEntry == null || primaryEntry == null) {
            throw new RouterException("Knative Service " + name + " traffic spec invalid");
        }
        if (!primaryEntry.path("percent").isNumber()) {
            throw new RouterException("Knative Service " + name + " primary revision traffic percent does not exist");
        }
        if (!canaryEntry.path("percent").isNumber()) {
            throw new RouterException("Knative Service " + name + " canary revision traffic percent does not exist");
        }
        return new Routes(primaryEntry.path("percent").asInt(), canaryEntry.path("percent").asInt(), false);
    }

    @Override
    public void setRoutes(Routes routes) {
        kube.edit(service, s -> {
            String primary = KnativeService.primaryRevision(s)
                    .orElseThrow(() -> new RouterException("Knative Service " + name + " annotation not found"));
            KnativeService.setTraffic(s, primary, routes.primary(), routes.canary());
        });
    }

    /** Flagger's {@code Finalize}: the primary revision's annotation is removed. */
    @Override
    public void revert() {
        try {
            kube.edit(service, KnativeService::removePrimaryRevision);
        } catch (KubeException.NotFound absent) {
            // the Service is gone: nothing names a primary revision
        }
    }
}
