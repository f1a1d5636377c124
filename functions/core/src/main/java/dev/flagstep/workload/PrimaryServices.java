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
import java.util.ArrayList;
import java.util.List;

/**
 * Flagger's {@code KubernetesDefaultRouter} for any target kind: the ClusterIP services {@code {apex}},
 * {@code {apex}-primary} and {@code {apex}-canary}, selecting pods by the target's selector label. Every write is a
 * guarded patch of the difference, so running any of them twice changes nothing.
 */
final class PrimaryServices {

    private final KubeClient kube;
    private final CanarySpec canary;

    PrimaryServices(KubeClient kube, CanarySpec canary) {
        this.kube = kube;
        this.canary = canary;
    }

    /**
     * {@code {apex}-primary} (selecting the primary) and {@code {apex}-canary} (the target); the names created.
     *
     * @param target the target workload, whose container ports {@code service.portDiscovery} adds
     */
    List<String> initialize(String label, JsonNode target) {
        List<String> created = new ArrayList<>();
        String apex = canary.apexName();
        service(apex + "-primary", label, primaryName(), target, created);
        service(apex + "-canary", label, canary.targetRef().name(), target, created);
        return created;
    }

    /** The apex selects the primary, created if absent (an existing one is reconciled as below). True when created. */
    boolean reconcileApex(String label, JsonNode target) {
        List<String> created = new ArrayList<>();
        service(canary.apexName(), label, primaryName(), target, created);
        return !created.isEmpty();
    }

    /** Deletes {@code primary} unless the apex service selects it; true when deleted. */
    boolean removeUnserved(KubeRef primary) {
        return !primaryServed() && kube.delete(primary);
    }

    /** Runs {@code promote} while the apex service does not select {@code primary} and it exists (it never served). */
    void refreshUnserved(KubeRef primary, Runnable promote) {
        if (!primaryServed() && kube.get(primary).isPresent()) promote.run();
    }

    /** True when the apex service exists and selects the primary's pods. */
    private boolean primaryServed() {
        String primaryName = primaryName();
        return kube.get(ResourceKind.SERVICE.ref(canary.id().namespace(), canary.apexName()))
                .map(s -> s.path("spec").path("selector").properties().stream()
                        .anyMatch(e -> primaryName.equals(e.getValue().asText())))
                .orElse(false);
    }

    /**
     * Flagger's {@code KubernetesDefaultRouter.Finalize}: the apex service selects the target's pods again, with
     * the selector its {@code kubectl.kubernetes.io/last-applied-configuration} holds when it has one (what the
     * user applied), else {@code {label}: {target's label value}}. The service is never deleted (Flagger's
     * garbage collector removes an apex Flagger created; flagstep sets no owner references).
     */
    void revertApex(KubeRef targetRef, JsonNode target) {
        String label = SelectorLabels.of(targetRef, target);
        String value = target.path("spec").path("selector").path("matchLabels").path(label).asText();
        KubeRef apex = ResourceKind.SERVICE.ref(canary.id().namespace(), canary.apexName());
        if (kube.get(apex).isEmpty()) return; // nothing routes through it
        kube.edit(apex, s -> {
            JsonNode applied = LastApplied.of(s).path("spec").path("selector");
            JsonNode selector = applied.isObject() && !applied.isEmpty()
                    ? applied.deepCopy() : JsonNodeFactory.instance.objectNode().put(label, value);
            s.withObjectProperty("spec").set("selector", selector);
        });
    }

    private String primaryName() {
        return canary.targetRef().name() + "-primary";
    }

    private void service(String name, String label, String selects, JsonNode target, List<String> created) {
        String ns = canary.id().namespace();
        ArrayNode ports = ServicePorts.of(canary.service(), target.path("spec").path("template").path("spec"));
        ObjectNode svc = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "Service");
        ObjectNode md = svc.putObject("metadata").put("name", name).put("namespace", ns);
        md.putObject("labels").put(label, name);
        md.putObject("annotations").put("kustomize.toolkit.fluxcd.io/reconcile", "disabled")
                .put("helm.toolkit.fluxcd.io/driftDetection", "disabled");
        ObjectNode spec = svc.putObject("spec").put("type", "ClusterIP");
        spec.putObject("selector").put(label, selects);
        spec.set("ports", ports);
        canary.service().trafficDistribution().ifPresent(t -> spec.put("trafficDistribution", t));
        if (kube.createIfAbsent(ResourceKind.SERVICE, svc).isPresent()) {
            created.add(name);
            return;
        }
        // an existing service (the user's apex, or ours from an earlier run): Flagger sets its selector and ports
        kube.edit(ResourceKind.SERVICE.ref(ns, name), s -> {
            ObjectNode existing = s.withObjectProperty("spec");
            existing.set("selector", JsonNodeFactory.instance.objectNode().put(label, selects));
            ArrayNode wanted = ServicePorts.keepingNodePorts(ports, existing.path("ports"));
            if (!ServicePorts.sameSet(wanted, existing.path("ports"))) existing.set("ports", wanted);
            canary.service().trafficDistribution().ifPresent(t -> existing.put("trafficDistribution", t));
        });
    }
}
