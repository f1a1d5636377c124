package dev.flagstep.api;

/**
 * Wakes a rollout parked on a closed gate ({@code .waitForTaskToken}). On AWS: {@link SfnTaskTokens}
 * (SendTaskSuccess); the local runtime completes its own interpreter's tokens.
 */
public interface TaskTokens {

    /**
     * Completes the waiting task with {@code outputJson}. Returns false when nothing waits on the
     * token any more (the wait timed out, the run ended): the next tick reads the gate anyway.
     */
    boolean resume(String taskToken, String outputJson);
}
