package dev.flagstep.api;

/**
 * Starts the canary state machine for one revision: {@link ExecutionRolloutStarter}, over Step
 * Functions on AWS ({@link SfnRolloutExecutions}) and over the in-process interpreter locally (the
 * execution named from canary + revision, which is also the run id). Tests of the API fake it.
 *
 * <p>Contract, whatever the implementation: starting a revision that was already started is a
 * success that changes nothing; starting a new revision while another runs stops that run first
 * (or answers {@link RolloutStart.Conflict} when {@code supersede} is false). The execution's input
 * is {@code {canary:{namespace,name}, runId, revision, intervalSeconds}}.
 */
public interface RolloutStarter {

    RolloutStart start(RolloutRequest request);

    /**
     * Starts an execution of {@code request}'s revision under the given run id (a retry's name, already claimed in
     * the run store), with no supersede logic: nothing runs.
     */
    default RolloutStart startRetry(RolloutRequest request, String runId) {
        throw new UnsupportedOperationException("this starter does not retry");
    }

    /** The execution ARN of a run's first execution (its name is the run id). */
    default java.util.Optional<String> executionArn(String runId) {
        return java.util.Optional.empty();
    }
}
