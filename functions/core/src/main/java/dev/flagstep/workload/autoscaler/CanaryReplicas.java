package dev.flagstep.workload.autoscaler;

import java.util.OptionalInt;

/** How many replicas a canary at zero is scaled up to (Flagger's {@code ScaleFromZero}). Pure. */
public final class CanaryReplicas {

    private CanaryReplicas() {}

    /**
     * The first that applies: the target's own replicas when it has some; with no autoscaler, the primary's when it
     * has some; with one, its minimum ({@code minReplicas}, {@code minReplicaCount}) when above 1; else 1.
     *
     * @param target          the target's {@code spec.replicas}
     * @param hasAutoscaler   whether the canary has an {@code autoscalerRef}
     * @param primary         the primary's {@code spec.replicas} (empty when it has none or does not exist)
     * @param autoscalerMin   the user autoscaler's minimum (empty when unset or the autoscaler cannot be read)
     */
    public static int scaleUp(int target, boolean hasAutoscaler, OptionalInt primary, OptionalInt autoscalerMin) {
        if (target > 0) return target;
        if (!hasAutoscaler) return primary.isPresent() && primary.getAsInt() > 0 ? primary.getAsInt() : 1;
        return autoscalerMin.isPresent() && autoscalerMin.getAsInt() > 1 ? autoscalerMin.getAsInt() : 1;
    }
}
