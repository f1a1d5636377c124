package dev.flagstep.store;

import dev.flagstep.spec.CanaryId;

/** Refused because a rollout holds the canary (for example deleting it mid-rollout). */
public class CanaryBusyException extends StoreException {

    private final transient ActiveRun active;

    public CanaryBusyException(String operation, CanaryId canary, ActiveRun active) {
        super(operation, canary, "refused while rollout " + active.runId() + " of revision "
                + active.revision() + " is running");
        this.active = active;
    }

    public ActiveRun active() {
        return active;
    }
}
