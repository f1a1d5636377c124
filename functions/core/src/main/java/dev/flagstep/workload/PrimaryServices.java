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
import dev.flagstep.spec.CustomMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * Flagger's {@code KubernetesDefaultRouter} for any target kind: the ClusterIP services {@code {apex}},
 * {@code {apex}-primary} and {@code {apex}-canary}, selecting pods by the target's selector label. Every write is a
 * guarded patch of the difference, so running any of them twice changes nothing.
 */
final class PrimaryServices {

    private static final String FLUX_KUSTOMIZE = "kustomize.toolkit.fluxcd.io/reconcile";
    private static final String FLUX_HELM = "helm.toolkit.fluxcd.io/driftDetection";

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
        service(apex + "-primary", label, primaryName(), "primary", target, created);
        service(apex + "-canary", label, canary.targetRef().name(), "canary", target, created);
        return created;
    }

    /** The apex selects the primary, created if absent (an existing one is reconciled as below). True when created. */
    boolean reconcileApex(String label, JsonNode target) {
        List<String> created = new ArrayList<>();
        service(canary.apexName(), label, primaryName(), "apex", target, created);
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

    /**
     * Creates or re-points one Service. Its labels and annotations are Flagger's: {@code service.{block}}'s, the
     * selector label naming the Service and the Flux markers; set on a Service flagstep creates and kept in step
     * (added or overwritten, other keys left alone) on one it created before. A Service of the user's (an existing
     * apex without flagstep's markers) keeps its metadata, as Flagger touches only the Services it created.
     */
    private void service(String name, String label, String selects, String block, JsonNode target,
                         List<String> created) {
        String ns = canary.id().namespace();
        ArrayNode ports = ServicePorts.of(canary.service(), target.path("spec").path("template").path("spec"));
        ObjectNode svc = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "Service");
        svc.putObject("metadata").put("name", name).put("namespace", ns);
        CustomMetadata metadata = CustomMetadata.of(canary.service(), block);
        setMetadata(svc, metadata, label, name, JsonNodeFactory.instance.objectNode());
        ObjectNode spec = svc.putObject("spec").put("type", "ClusterIP");
        // Flagger's service.headless; a Service's clusterIP cannot change, so only one created here is headless
        if (canary.service().extra().path("headless").asBoolean(false)) spec.put("clusterIP", "None");
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
            if (!block.equals("apex") || generated(s, label, name)) {
                setMetadata(s, metadata, label, name, canary.service().extra().path("unmanagedMetadata"));
            }
        });
    }

    /**
     * @param unmanaged {@code service.unmanagedMetadata}: label and annotation keys another controller owns; a value
     *                  the Service already has for one of them is kept, as in Flagger
     */
    private static void setMetadata(ObjectNode svc, CustomMetadata metadata, String label, String name, JsonNode unmanaged) {
        ObjectNode md = svc.withObjectProperty("metadata");
        ObjectNode labels = md.withObjectProperty("labels");
        metadata.labels().forEach((k, v) -> putUnlessKept(labels, k, v, unmanaged.path("labels")));
        labels.put(label, name); // Flagger sets the selector label last: it wins over service.*.labels
        ObjectNode annotations = md.withObjectProperty("annotations");
        metadata.annotations().forEach((k, v) -> putUnlessKept(annotations, k, v, unmanaged.path("annotations")));
        annotations.put(FLUX_KUSTOMIZE, "disabled").put(FLUX_HELM, "disabled");
    }

    private static void putUnlessKept(ObjectNode map, String key, String value, JsonNode unmanagedKeys) {
        for (JsonNode k : unmanagedKeys) {
            if (k.asText().equals(key) && map.has(key)) return;
        }
        map.put(key, value);
    }

    /** A Service flagstep created: its selector label names it and it carries both Flux markers. */
    private static boolean generated(ObjectNode svc, String label, String name) {
        JsonNode md = svc.path("metadata");
        return name.equals(md.path("labels").path(label).asText(null))
                && "disabled".equals(md.path("annotations").path(FLUX_KUSTOMIZE).asText(null))
                && "disabled".equals(md.path("annotations").path(FLUX_HELM).asText(null));
    }
}
