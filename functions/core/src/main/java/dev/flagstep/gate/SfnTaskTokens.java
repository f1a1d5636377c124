package dev.flagstep.gate;

import dev.flagstep.aws.AwsException;
import dev.flagstep.aws.StepFunctions;
import java.util.function.Supplier;

/** {@link TaskTokens} on Step Functions: SendTaskSuccess; a token nobody waits on is not an error. */
public final class SfnTaskTokens implements TaskTokens {

    private final Supplier<StepFunctions> sfn;

    public SfnTaskTokens(Supplier<StepFunctions> sfn) {
        this.sfn = sfn;
    }

    @Override
    public boolean resume(String taskToken, String outputJson) {
        try {
            sfn.get().sendTaskSuccess(taskToken, outputJson);
            return true;
        } catch (AwsException e) {
            if (StepFunctions.TOKEN_ENDED.contains(e.errorCode())) {
                return false;
            }
            throw e;
        }
    }
}
