/**
 * Where flagstep keeps its canaries, as five narrow ports: {@link dev.flagstep.store.SpecStore} (the
 * documents and the list), {@link dev.flagstep.store.StatusStore}, {@link dev.flagstep.store.GateStore},
 * {@link dev.flagstep.store.EventHistory} and {@link dev.flagstep.store.RunStore}. Each has one DynamoDB
 * implementation ({@code DynamoDb*}) on the single table of {@link dev.flagstep.store.CanaryTable} (its
 * javadoc has the item layout); they share the table calls of {@code DynamoDbTable} (conditional writes,
 * transactions, retries on contention, error mapping). {@link dev.flagstep.store.CanaryStore} is all five
 * at once, for the wirings and {@link dev.flagstep.store.DynamoDbCanaryStore} implements it.
 *
 * <p>Decisions worth knowing:
 * <ul>
 *   <li>The STATUS item is the canary's entry in the {@code status-index}. It is written together with
 *       the document, so a canary is listed before its first rollout (its status is then empty). It also
 *       holds the run claim ({@code activeRunId}, {@code activeRevision}, {@code activeSince}), so a
 *       delete and a claim are decided on the same item: one of them fails.
 *   <li>Status writes update only the status attributes, with a condition on the version read; they
 *       never touch the claim or the index entry.
 *   <li>flagger-loadtester's gate {@code name.namespace} is this canary's {@code GATE#loadtester} item,
 *       shared by every confirm-* webhook that points at {@code /gate/check} (one gate, as in the
 *       loadtester); {@code rollback.name.namespace} is the built-in {@code GATE#rollback} item. Opening
 *       the loadtester gate completes only a token parked on that item; an API that also wants to wake a
 *       rollout parked on a built-in confirm gate reads {@code gates(id)} and completes those tokens.
 *   <li>Gates default to closed and, unlike the loadtester's, are closed again by {@code closeAll} when
 *       a rollout ends.
 *   <li>Deleting a canary removes its whole partition (status, gates, runs, events), after a transaction
 *       that refuses while a run holds the canary.
 * </ul>
 */
package dev.flagstep.store;
