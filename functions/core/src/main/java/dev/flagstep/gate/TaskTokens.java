package dev.flagstep.gate;

/**
 * Wakes a rollout parked on a closed gate ({@code .waitForTaskToken}): the one way flagstep calls
 * SendTaskSuccess. On AWS: {@link SfnTaskTokens}; the local runtime completes its own interpreter's
 * tokens. Whoever opens a gate (the API) or finds it open while parking (a gate phase) calls this.
 */
public interface TaskTokens {

    /**
     * Completes the waiting task with {@code outputJson}. Returns false when nothing waits on the
     * token any more (the wait timed out, the run ended): the next tick reads the gate anyway.
     */
    boolean resume(String taskToken, String outputJson);
}
