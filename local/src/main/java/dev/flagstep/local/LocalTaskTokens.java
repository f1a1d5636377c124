package dev.flagstep.local;

import dev.flagstep.asl.TaskTokenException;
import dev.flagstep.gate.TaskTokens;
import java.util.function.Supplier;

/**
 * {@link TaskTokens} on the local interpreter: SendTaskSuccess to a rollout parked on a gate, for the
 * phases and the served API alike. A token nobody waits on any more (timed out, completed by another
 * gate, run stopped) is not an error, as for {@code SfnTaskTokens}: the next tick reads the gate anyway.
 */
public final class LocalTaskTokens implements TaskTokens {

    private final Supplier<dev.flagstep.asl.TaskTokens> tokens;

    /** {@code tokens} is asked on each call: the interpreter is built after the phases that use this. */
    public LocalTaskTokens(Supplier<dev.flagstep.asl.TaskTokens> tokens) {
        this.tokens = tokens;
    }

    @Override
    public boolean resume(String taskToken, String outputJson) {
        try {
            tokens.get().sendTaskSuccess(taskToken, outputJson);
            return true;
        } catch (TaskTokenException e) {
            return false;
        }
    }

    /**
     * These tokens, and those of another interpreter for the tokens this one does not know: the same phases
     * answering another Step Functions' Lambda tasks (a test's emulator) park and resume that interpreter's tasks.
     */
    public TaskTokens orElse(TaskTokens elsewhere) {
        return (taskToken, outputJson) -> resume(taskToken, outputJson) || elsewhere.resume(taskToken, outputJson);
    }
}
