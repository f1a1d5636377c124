package dev.flagstep.store;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.spec.CanaryId;
import java.util.Optional;

/** The canary's status, as the phases advance it, with optimistic locking. */
public interface StatusStore {

    Optional<Versioned<CanaryStatus>> status(CanaryId id);

    /**
     * Saves the status if it is still at {@code expectedVersion} (0: no status saved yet).
     *
     * @return the new version
     * @throws StaleStatusException if another writer saved in between
     */
    long saveStatus(CanaryId id, CanaryStatus status, long expectedVersion);

    /** The status with its version and the memo of the tick that saved it. */
    Optional<StatusRecord> statusRecord(CanaryId id);

    /**
     * {@link #saveStatus(CanaryId, CanaryStatus, long)} that also records the tick's decision, in the
     * same conditional write.
     */
    long saveStatus(CanaryId id, CanaryStatus status, long expectedVersion, TickMemo memo);
}
