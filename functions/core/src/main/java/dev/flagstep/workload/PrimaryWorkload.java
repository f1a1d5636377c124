package dev.flagstep.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.LastApplied;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.workload.config.ConfigRef;
import dev.flagstep.workload.config.PrimaryPodSpec;
import java.util.List;
import java.util.Set;

/**
 * What a {@code {name}-primary} workload takes from its target, whatever the kind: its metadata and its pod template
 * with the selector label rewritten and the tracked configs' {@code -primary} copies named. Pure.
 */
final class PrimaryWorkload {

    /** Annotations the API server or a controller writes on the target: not the primary's. */
    private static final List<String> NOT_COPIED = List.of(LastApplied.ANNOTATION,
            "deployment.kubernetes.io/revision", "deprecated.daemonset.template.generation");

    private PrimaryWorkload() {}

    /**
     * A new primary of {@code kind} named {@code primaryName}: the target's labels (the selector label naming the
     * primary) and annotations, plus the Flux annotations that keep a GitOps tool from pruning or reverting it.
     * The caller adds the spec.
     */
    static ObjectNode object(ResourceKind kind, JsonNode target, String label, String primaryName, String namespace) {
        ObjectNode p = JsonNodeFactory.instance.objectNode().put("apiVersion", kind.apiVersion()).put("kind", kind.kind());
        ObjectNode md = p.putObject("metadata").put("name", primaryName).put("namespace", namespace);
        ObjectNode labels = copyObject(target.path("metadata").path("labels"));
        labels.put(label, primaryName);
        md.set("labels", labels);
        ObjectNode ann = copyObject(target.path("metadata").path("annotations"));
        NOT_COPIED.forEach(ann::remove);
        ann.put("kustomize.toolkit.fluxcd.io/reconcile", "disabled").put("helm.toolkit.fluxcd.io/driftDetection", "disabled");
        md.set("annotations", ann);
        return p;
    }

    /** The target's pod template for the primary: selector label {@code primaryName}, tracked configs' copies named. */
    static ObjectNode template(JsonNode target, String label, String primaryName, Set<ConfigRef> tracked) {
        ObjectNode template = copyObject(target.path("spec").path("template"));
        template.withObjectProperty("metadata").withObjectProperty("labels").put(label, primaryName);
        PrimaryPodSpec.rewrite(template.withObjectProperty("spec"), tracked);
        return template;
    }

    /** Copies the {@code fields} of the target's spec that it sets onto {@code spec}. */
    static void copySpecFields(JsonNode target, ObjectNode spec, List<String> fields) {
        for (String f : fields) {
            JsonNode v = target.path("spec").get(f);
            if (v != null) spec.set(f, v.deepCopy());
        }
    }

    private static ObjectNode copyObject(JsonNode n) {
        return n.isObject() ? ((ObjectNode) n).deepCopy() : JsonNodeFactory.instance.objectNode();
    }
}
