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
}
