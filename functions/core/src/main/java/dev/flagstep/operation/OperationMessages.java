package dev.flagstep.operation;

import dev.flagstep.analysis.Message;
import dev.flagstep.spec.CanaryId;

/**
 * The canary events of the operations, worded as Flagger words its own ("Promotion requested by ..."): Flagger has
 * no runtime operations, so these are flagstep's. Each names the caller's IAM ARN and the reason given.
 */
public final class OperationMessages {

    private OperationMessages() {}

    /** The API accepted an operation: "Promotion requested by arn:...: reason" (abort is a Warning). */
    public static Message requested(CanaryId canary, Operation op, String who, String reason) {
        String text = op.noun() + " of " + canary.dotted() + " requested by " + who + why(reason);
        return op == Operation.ABORT ? Message.warning(text) : Message.normal(text);
    }

    /** The analysis tick that acts on an abort. */
    public static Message rollingBackAborted(CanaryId canary, String who, String reason) {
        return Message.warning("Rolling back " + canary.dotted() + " abort requested by " + who + why(reason));
    }

    /** The analysis tick that acts on a promote: the rest of the analysis is skipped. */
    public static Message skippingAnalysis(CanaryId canary, String who) {
        return Message.normal("Skipping the rest of the analysis of " + canary.dotted() + ": promotion requested by " + who);
    }

    /** The first paused tick. */
    public static Message paused(CanaryId canary, int weight) {
        return Message.normal("Paused " + canary.dotted() + " at canary weight " + weight + ": no analysis until resumed");
    }

    private static String why(String reason) {
        return reason.isBlank() ? "" : ": " + reason;
    }
}
