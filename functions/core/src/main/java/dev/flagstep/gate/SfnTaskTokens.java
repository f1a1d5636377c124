package dev.flagstep.gate;

import java.util.function.Supplier;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/** {@link TaskTokens} on Step Functions: SendTaskSuccess; a token nobody waits on is not an error. */
public final class SfnTaskTokens implements TaskTokens {

    private final Supplier<SfnClient> sfn;

    public SfnTaskTokens(Supplier<SfnClient> sfn) {
        this.sfn = sfn;
    }

    @Override
    public boolean resume(String taskToken, String outputJson) {
        try {
            sfn.get().sendTaskSuccess(b -> b.taskToken(taskToken).output(outputJson));
            return true;
        } catch (TaskTimedOutException | TaskDoesNotExistException | InvalidTokenException e) {
            return false;
        }
    }
}
