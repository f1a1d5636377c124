package dev.flagstep.notifier;

import dev.flagstep.spec.CanarySpec;
import java.util.Optional;

/**
 * Where an alert about a closed confirm gate ("Canary is waiting for approval.") gets its "Approve" and
 * "Roll back" links. The port only: the signing of those links lives with the API that honours them.
 */
@FunctionalInterface
public interface GateActions {

    /**
     * @param canary the canary whose rollout waits (its webhooks say whether a link could open the gate)
     * @param gate the closed gate's hook type ({@code confirm-rollout}, {@code confirm-traffic-increase},
     *     {@code confirm-promotion})
     */
    Optional<GateActionLinks> links(CanarySpec canary, String runId, String gate);

    /** No links: the alert reads as Flagger's. */
    static GateActions none() {
        return (canary, runId, gate) -> Optional.empty();
    }
}
