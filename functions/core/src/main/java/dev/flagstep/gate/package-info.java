/**
 * Gates, in one place: confirm-* and rollback webhooks, flagstep's durable gates and the rollouts
 * parked on them.
 *
 * <ul>
 *   <li>{@link dev.flagstep.gate.GateHooks}: what a gate's webhooks mean (Flagger's reading: in spec
 *       order, stop at the first that decides), giving a {@link dev.flagstep.gate.GateOutcome} or a
 *       {@link dev.flagstep.gate.RollbackCheck}. What a closed gate does to the rollout is decided in
 *       {@code analysis}.
 *   <li>{@link dev.flagstep.gate.GateType}: the durable gates a canary has (the store keeps them as
 *       {@code GATE#{type}} items) and which of them wake a parked rollout.
 *   <li>{@link dev.flagstep.gate.LoadtesterPath}, {@link dev.flagstep.gate.LoadtesterAnswer},
 *       {@link dev.flagstep.gate.LoadtesterGateKey}: flagger-loadtester's gate API, answered from the
 *       durable gates, over HTTP by the API and in-process by the phases.
 *   <li>{@link dev.flagstep.gate.TaskTokens}: the port that wakes a rollout parked on a gate
 *       (SendTaskSuccess): {@link dev.flagstep.gate.SfnTaskTokens} on AWS, the local runtime's own on
 *       its interpreter.
 * </ul>
 *
 * <p>Everything here but {@code SfnTaskTokens} is pure; the phases and the API do the I/O.
 */
package dev.flagstep.gate;
