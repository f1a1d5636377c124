package dev.flagstep.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.LastApplied;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.ServiceTarget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Flagger's {@code ServiceController} ({@code pkg/canary/service_controller.go}) for a plain Kubernetes Service target
 * ({@code apiVersion: v1}, {@code kind: Service}). The target Service is the apex and the user's: nothing here changes
 * it. Initialize makes {@code {name}-canary}, kept a copy of the target, and {@code {name}-primary}, a copy of the
 * target as it was when created; the traffic router splits between the two; Promote copies the target's spec onto
 * {@code {name}-primary}. There are no pods of flagstep's to wait for or scale (always ready, scaling is a no-op),
 * no tracked configs, and the revision is the hash of the target's spec (Flagger's {@code hasSpecChanged}).
 *
 * <p>What the API server assigns to the target is never copied onto a copy: its {@code clusterIP(s)} (a headless
 * {@code None} stays), {@code nodePort}s and {@code healthCheckNodePort} (Flagger copies the node ports, which the
 * API server refuses as already allocated); an existing copy keeps its own.
 */
public final class ServiceController implements WithoutWorkload {

    private final KubeClient kube;
    private final CanarySpec canary;

    public ServiceController(KubeClient kube, CanarySpec canary) {
        if (!ServiceTarget.is(canary.targetRef())) {
            throw new IllegalArgumentException("targetRef " + canary.targetRef().apiVersion() + "/" + canary.targetRef().kind()
                    + " is not a Kubernetes Service");
        }
        this.kube = kube;
        this.canary = canary;
    }

    @Override
    public KubeRef target() {
        return ref(canary.targetRef().name());
    }

    @Override
    public KubeRef primary() {
        return ref(canary.targetRef().name() + "-primary");
    }

    private KubeRef canaryService() {
        return ref(canary.targetRef().name() + "-canary");
    }

    /** The target Service itself: Flagger's routers send its host's traffic to its two copies. */
    @Override
    public String apexName() {
        return canary.targetRef().name();
    }

    /**
     * Flagger's {@code Initialize}: {@code {name}-canary} is created as a copy of the target, or brought in line with
     * it; {@code {name}-primary} is created as a copy if absent and otherwise left alone (only Promote changes it).
     */
    @Override
    public Bootstrap initialize() {
        ObjectNode target = kube.require(target());
        List<String> created = new ArrayList<>();
        KubeRef canaryRef = canaryService();
        if (kube.createIfAbsent(ResourceKind.SERVICE, copy(target, canaryRef.name())).isPresent()) {
            created.add(canaryRef.name());
        } else {
            kube.edit(canaryRef, s -> {
                ObjectNode md = s.withObjectProperty("metadata");
                md.set("labels", labels(target));
                md.set("annotations", annotations(target));
                s.set("spec", spec(target, s.path("spec")));
            });
        }
        boolean primaryCreated = kube.createIfAbsent(ResourceKind.SERVICE, copy(target, primary().name())).isPresent();
        if (primaryCreated) created.add(primary().name());
        return new Bootstrap(primaryCreated, created);
    }

    /**
     * Flagger's {@code Promote}: the target's spec onto {@code {name}-primary}, which keeps what the API server
     * assigned it (cluster IPs, node ports) and its own labels and annotations.
     */
    @Override
    public void promote() {
        ObjectNode target = kube.require(target());
        kube.edit(primary(), p -> p.set("spec", spec(target, p.path("spec"))));
    }

    /** The whole spec: a change of selector, ports or anything else in it is a new revision. */
    @Override
    public JsonNode revisionTemplate(JsonNode target) {
        return target.path("spec");
    }

    @Override
    public void revertApex() {
    }

    /** Flagger's {@code IsCanaryReady}: always, there is no workload of the canary's own to wait for. */
    @Override
    public Readiness canaryReadiness(Instant lastTransitionTime) {
        return new Readiness.Ready();
    }

    @Override
    public Readiness primaryReadiness(Instant lastTransitionTime) {
        return new Readiness.Ready();
    }

    @Override
    public Readiness primaryReadyToServe(Instant lastTransitionTime) {
        return new Readiness.Ready();
    }

    // --- internals ---------------------------------------------------------------------------------------

    private KubeRef ref(String name) {
        return ResourceKind.SERVICE.ref(canary.id().namespace(), name);
    }

    /** Flagger's {@code buildService}: a new Service {@code name} with the target's metadata and spec. */
    private ObjectNode copy(ObjectNode target, String name) {
        ObjectNode svc = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "Service");
        svc.putObject("metadata").put("name", name).put("namespace", canary.id().namespace())
                .<ObjectNode>set("labels", labels(target)).set("annotations", annotations(target));
        svc.set("spec", spec(target, JsonNodeFactory.instance.objectNode()));
        return svc;
    }

    private static ObjectNode labels(JsonNode target) {
        JsonNode l = target.path("metadata").path("labels");
        return l.isObject() ? ((ObjectNode) l).deepCopy() : JsonNodeFactory.instance.objectNode();
    }

    /** The target's annotations without kubectl's last-applied configuration (it describes the target). */
    private static ObjectNode annotations(JsonNode target) {
        JsonNode a = target.path("metadata").path("annotations");
        ObjectNode out = a.isObject() ? ((ObjectNode) a).deepCopy() : JsonNodeFactory.instance.objectNode();
        out.remove(LastApplied.ANNOTATION);
        return out;
    }

    /**
     * The target's spec for a copy whose current spec is {@code existing} (empty for a new one): the addresses and
     * ports the API server assigned are the copy's own, never the target's, and {@code service.trafficDistribution}
     * applies as on every Service flagstep writes.
     */
    private ObjectNode spec(JsonNode target, JsonNode existing) {
        JsonNode source = target.path("spec");
        ObjectNode spec = source.isObject() ? ((ObjectNode) source).deepCopy() : JsonNodeFactory.instance.objectNode();
        spec.remove(List.of("clusterIP", "clusterIPs", "healthCheckNodePort"));
        if (existing.has("clusterIP")) {
            spec.set("clusterIP", existing.get("clusterIP").deepCopy());
            if (existing.has("clusterIPs")) spec.set("clusterIPs", existing.get("clusterIPs").deepCopy());
        } else if ("None".equals(source.path("clusterIP").asText())) {
            spec.put("clusterIP", "None");
        }
        if (existing.has("healthCheckNodePort")) spec.set("healthCheckNodePort", existing.get("healthCheckNodePort").deepCopy());
        if (spec.path("ports") instanceof ArrayNode ports) {
            for (JsonNode p : ports) if (p instanceof ObjectNode o) o.remove("nodePort");
            spec.set("ports", ServicePorts.keepingNodePorts(ports, existing.path("ports")));
        }
        canary.service().trafficDistribution().ifPresent(t -> spec.put("trafficDistribution", t));
        return spec;
    }
}
