package dev.flagstep.store;

import dev.flagstep.spec.CanaryId;

/**
 * Somebody saved the status after this writer read it (or, for version 0, created it first). The
 * writer's decision was based on old data: re-read and decide again, or give up the tick.
 */
public class StaleStatusException extends StoreException {

    private final long expectedVersion;

    public StaleStatusException(CanaryId canary, long expectedVersion) {
        super("saveStatus", canary, expectedVersion == 0
                ? "status already exists (expected none)"
                : "status changed since version " + expectedVersion + " was read");
        this.expectedVersion = expectedVersion;
    }

    public long expectedVersion() {
        return expectedVersion;
    }
}
