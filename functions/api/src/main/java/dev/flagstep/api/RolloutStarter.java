package dev.flagstep.api;

/**
 * Starts the canary state machine for one revision. On AWS: {@link SfnRolloutStarter} (Step
 * Functions StartExecution, execution name from canary + revision). The local runtime supplies its
 * own implementation that runs the same definition in-process.
 *
 * <p>Contract, whatever the implementation: starting a revision that was already started is a
 * success that changes nothing; starting a new revision while another runs stops that run first
 * (or answers {@link RolloutStart.Conflict} when {@code supersede} is false). The execution's input
 * is {@code {canary:{namespace,name}, runId, revision, intervalSeconds}}.
 */
public interface RolloutStarter {

    RolloutStart start(RolloutRequest request);
}
