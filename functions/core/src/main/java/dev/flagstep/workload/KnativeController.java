package dev.flagstep.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.knative.KnativeService;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.spec.CanarySpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Flagger's {@code KnativeController} ({@code pkg/canary/knative_controller.go}) for a {@code serving.knative.dev/v1}
 * Service target: Knative keeps every revision, so there is no primary workload and no generated Service. The primary
 * is the revision the {@code flagger.app/primary-revision} annotation names, the canary the latest created revision;
 * promoting moves the annotation. Scaling is Knative's own (no-ops here), and the revision id is the latest created
 * revision's name.
 */
public final class KnativeController implements WithoutWorkload {

    private final KubeClient kube;
    private final CanarySpec canary;
    private final KubeRef service;

    public KnativeController(KubeClient kube, CanarySpec canary) {
        this.kube = kube;
        this.canary = canary;
        this.service = KnativeService.ref(canary);
    }

    @Override
    public KubeRef target() {
        return service;
    }

    /** The Knative Service itself: the primary revision lives in it. */
    @Override
    public KubeRef primary() {
        return service;
    }

    @Override
    public String apexName() {
        return canary.targetRef().name();
    }

    /**
     * Flagger's {@code Initialize}: the latest created revision becomes the primary with all the traffic. Flagger does
     * it in phase Initializing; here whenever no primary revision is named yet, so a retried bootstrap changes nothing.
     * True when it named one (the primary "was created").
     */
    @Override
    public Bootstrap initialize() {
        ObjectNode current = kube.require(service);
        if (KnativeService.primaryRevision(current).isPresent()) return new Bootstrap(false, List.of());
        String latest = KnativeService.latestCreated(current);
        if (latest.isEmpty()) {
            throw new TargetRefused("Knative Service " + name() + " has no status.latestCreatedRevisionName yet");
        }
        kube.edit(service, s -> {
            if (KnativeService.primaryRevision(s).isPresent()) return;
            KnativeService.setPrimaryRevision(s, latest);
            KnativeService.setTraffic(s, latest, 100, 0);
        });
        return new Bootstrap(true, List.of());
    }

    /** Flagger's {@code Promote}: the latest created revision becomes the primary. */
    @Override
    public void promote() {
        kube.edit(service, s -> KnativeService.setPrimaryRevision(s, KnativeService.latestCreated(s)));
    }

    @Override
    public JsonNode revisionTemplate(JsonNode target) {
        return JsonNodeFactory.instance.textNode(KnativeService.latestCreated(target));
    }

    /** Flagger's {@code HasTargetChanged}/{@code SyncStatus}: the latest created revision's name. */
    @Override
    public String revision(JsonNode target, Map<String, String> trackedConfigs) {
        return KnativeService.latestCreated(target);
    }

    /**
     * Once the latest revision is ready, it gets all the traffic, as a Knative Service without Flagger would route
     * (Flagger leaves the last split in {@code spec.traffic}; the router's revert then removes the annotation).
     */
    @Override
    public void revertApex() {
        kube.edit(service, s -> {
            ObjectNode entry = JsonNodeFactory.instance.objectNode().put("latestRevision", true).put("percent", 100);
            s.with("spec").putArray("traffic").add(entry);
        });
    }

    @Override
    public Readiness canaryReadiness(Instant lastTransitionTime) {
        return revisionReadiness(KnativeService.latestCreated(kube.require(service)));
    }

    @Override
    public Readiness primaryReadiness(Instant lastTransitionTime) {
        Optional<String> primary = KnativeService.primaryRevision(kube.require(service));
        if (primary.isEmpty()) return new Readiness.NotYet("Knative Service " + name() + " primary revision annotation not found");
        return revisionReadiness(primary.get());
    }

    @Override
    public Readiness primaryReadyToServe(Instant lastTransitionTime) {
        return primaryReadiness(lastTransitionTime);
    }

    /** Flagger retries a revision that is missing or not ready (its readiness errors never roll back). */
    private Readiness revisionReadiness(String revision) {
        String ns = canary.id().namespace();
        if (revision.isEmpty()) return new Readiness.NotYet("Knative Service " + name() + " has no latest created revision yet");
        return kube.get(KnativeService.REVISION.ref(ns, revision))
                .<Readiness>map(r -> KnativeService.ready(r) ? new Readiness.Ready()
                        : new Readiness.NotYet("Knative Revision " + revision + "." + ns + " is not ready"))
                .orElseGet(() -> new Readiness.NotYet("Knative Revision " + revision + "." + ns + " not found"));
    }

    private String name() {
        return canary.targetRef().name() + "." + canary.id().namespace();
    }
}
