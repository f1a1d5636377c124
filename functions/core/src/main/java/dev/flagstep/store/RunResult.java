package dev.flagstep.store;

/** How a rollout ended, or that it has not yet. */
public enum RunResult {
    RUNNING,
    SUCCEEDED,
    FAILED,
    /** A new revision arrived while it ran; Flagger restarts the analysis for the new one. */
    SUPERSEDED;

    public boolean isFinal() {
        return this != RUNNING;
    }
}
