package dev.flagstep.workload.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * Flagger's {@code ApplyPrimaryConfigs}: in the primary's pod spec, every reference to a tracked config names its
 * {@code -primary} copy instead; keys, items and {@code optional} stay, and untracked references (opted out,
 * optional and missing, unsupported Secret types) keep naming the original object. Pure.
 */
public final class PrimaryPodSpec {

    private PrimaryPodSpec() {}

    /** Rewrites {@code podSpec} in place. */
    public static void rewrite(ObjectNode podSpec, Set<ConfigRef> tracked) {
        ConfigRefs.visit(podSpec, (ref, holder) -> {
            if (!tracked.contains(ref)) return;
            String field = holder.has("secretName") ? "secretName" : "name";
            holder.put(field, ref.primaryName());
        });
    }
}
