package dev.flagstep.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The part of a target's {@code spec.template} its revision ({@link Revisions}) is computed from. For a DaemonSet,
 * the node selector flagstep adds to scale it to zero ({@link DaemonSetController#SCALE_TO_ZERO}) is left out, and
 * a node selector left empty by removing it counts as none (Flagger's {@code HasTargetChanged} and {@code SyncStatus}
 * do the same before hashing): adding or removing it is never a new revision. Pure.
 */
public final class RevisionTemplate {

    private RevisionTemplate() {}

    /** @param kind the target's {@code targetRef.kind} */
    public static JsonNode of(String kind, JsonNode template) {
        if (!"DaemonSet".equals(kind) || !(template.path("spec").path("nodeSelector") instanceof ObjectNode selector)
                || !selector.has(DaemonSetController.SCALE_TO_ZERO) && !selector.isEmpty()) {
            return template;
        }
        ObjectNode copy = template.deepCopy();
        ObjectNode spec = (ObjectNode) copy.path("spec");
        ((ObjectNode) spec.path("nodeSelector")).remove(DaemonSetController.SCALE_TO_ZERO);
        if (spec.path("nodeSelector").isEmpty()) spec.remove("nodeSelector");
        return copy;
    }
}
