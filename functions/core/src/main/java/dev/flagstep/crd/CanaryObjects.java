package dev.flagstep.crd;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.spec.CanaryId;
import java.util.List;
import java.util.Optional;

/**
 * The {@code flagger.app/v1beta1} {@code Canary} objects of canaries that come from the cluster, as
 * flagstep writes to them: Flagger's status fields on the status subresource, and core/v1 Events, so
 * {@code kubectl get canaries}, {@code kubectl describe canary}, {@code kubectl wait} and Argo CD read
 * them as they read Flagger's. Writes are best effort: a failure is logged and reported, never thrown,
 * because a status or an event that did not reach the cluster must not fail a release (the sync writes
 * the status again on its next pass).
 */
public interface CanaryObjects {

    /**
     * Writes {@code status} onto the canary's object, with a {@code Stalled} condition naming the problem
     * when the object's spec is invalid ({@code invalid}, e.g. {@code "analysis.threshold: must be ..."}).
     *
     * @return false when the object does not exist or the write failed (logged)
     */
    boolean writeStatus(CanaryId id, CanaryStatus status, Optional<String> invalid);

    /** Records the events on the canary's object as core/v1 Events (reason {@code Synced}, Flagger's types). */
    void record(CanaryId id, List<CanaryEvent> events);
}
