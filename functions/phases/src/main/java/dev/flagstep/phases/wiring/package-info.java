/**
 * What the phases act through and how it is built, once per Lambda container or once by the local runtime.
 *
 * <ul>
 *   <li>{@link dev.flagstep.phases.wiring.Services}: the store's ports, clock, hooks, metrics, events, task
 *       tokens and the cluster seam, handed to every handler.
 *   <li>{@link dev.flagstep.phases.wiring.PhaseWiring}: the one wiring of {@code Services} from adapters and
 *       settings; {@link dev.flagstep.phases.wiring.LambdaWiring} passes the AWS adapters, the local runtime its own.
 *   <li>{@link dev.flagstep.phases.wiring.HistoryBudget}, {@link dev.flagstep.phases.wiring.SigningSecrets},
 *       {@link dev.flagstep.phases.wiring.EmfMetrics}: the handover setting, the webhook signing keys and the
 *       CloudWatch metric lines wired with them.
 * </ul>
 *
 * <p>Nothing here uses {@code dev.flagstep.phases}: the handlers depend on the wiring, never the other way.
 */
package dev.flagstep.phases.wiring;
