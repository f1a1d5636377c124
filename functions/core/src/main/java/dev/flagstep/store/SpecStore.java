package dev.flagstep.store;

import dev.flagstep.spec.CanaryId;
import java.util.Optional;

/** The canary documents as submitted, and the list of canaries. */
public interface SpecStore {

    /** Stores the document text as submitted and returns its new version (1 for a new canary). */
    long putSpec(CanaryId id, String source, SpecOrigin origin);

    /** {@link #putSpec(CanaryId, String, SpecOrigin)} from the API. */
    default long putSpec(CanaryId id, String source) {
        return putSpec(id, source, SpecOrigin.API);
    }

    Optional<SpecRecord> spec(CanaryId id);

    /**
     * Records why the canary's object in the cluster is not its stored document (its spec is invalid), or
     * clears that; the document stays as it is. A canary without a document is left alone. A new document
     * ({@link #putSpec}) clears it too.
     */
    void recordProblem(CanaryId id, Optional<String> problem);

    /**
     * Removes the canary and everything kept about it (status, gates, runs, events).
     *
     * @return false if there was no such canary
     * @throws CanaryBusyException while a rollout holds the canary
     */
    boolean deleteCanary(CanaryId id);

    /**
     * Lists canaries in namespace/name order, optionally of one namespace.
     *
     * @param cursor the {@code next} of the previous page
     */
    Page<CanarySummary> list(Optional<String> namespace, int limit, Optional<String> cursor);
}
