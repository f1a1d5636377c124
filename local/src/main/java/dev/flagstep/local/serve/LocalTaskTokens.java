package dev.flagstep.local.serve;

import dev.flagstep.api.TaskTokens;
import dev.flagstep.asl.TaskTokenException;

/**
 * The API's {@link TaskTokens} on the local interpreter: SendTaskSuccess to a rollout parked on a
 * gate. A token nobody waits on any more (timed out, completed by another gate, run stopped) is not
 * an error, as for {@code SfnTaskTokens}: the next tick reads the gate anyway.
 */
public final class LocalTaskTokens implements TaskTokens {

    private final dev.flagstep.asl.TaskTokens tokens;

    public LocalTaskTokens(dev.flagstep.asl.TaskTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public boolean resume(String taskToken, String outputJson) {
        try {
            tokens.sendTaskSuccess(taskToken, outputJson);
            return true;
        } catch (TaskTokenException e) {
            return false;
        }
    }
}
