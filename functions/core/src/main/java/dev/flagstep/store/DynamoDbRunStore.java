package dev.flagstep.store;

import static dev.flagstep.store.DynamoDbTable.call;
import static dev.flagstep.store.Items.s;
import static dev.flagstep.store.Items.time;

import dev.flagstep.aws.dynamodb.AttributeValue;
import dev.flagstep.aws.dynamodb.ConditionalCheckFailedException;
import dev.flagstep.aws.dynamodb.DynamoDb;
import dev.flagstep.operation.Approval;
import dev.flagstep.operation.RunControl;
import dev.flagstep.operation.RunOperation;
import dev.flagstep.spec.CanaryId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link RunStore} on the RUN items of {@link CanaryTable}. The claim is an {@code activeRunId} on
 * the STATUS item, set only where absent, in one transaction with the RUN item and a check that the
 * document exists (so a delete and a claim cannot both win). After a transaction is cancelled the
 * store re-reads to tell the caller why, and retries when the cause was only contention.
 */
public final class DynamoDbRunStore implements RunStore {

    private final DynamoDbTable table;

    public DynamoDbRunStore(DynamoDb client, String tableName) {
        this.table = new DynamoDbTable(client, tableName);
    }

    @Override
    public ClaimResult claimRun(CanaryId id, String runId, String revision, Instant now) {
        checkRun(runId, revision);
        return DynamoDbTable.retrying("claimRun " + runId, id, () -> {
            Expr claim = claimExpr(id, runId, revision, now);
            claim.condition("attribute_not_exists(" + claim.n("activeRunId") + ")");
            if (table.tryTransact(table.specExists(id), table.update(id, Items.STATUS, claim),
                    putRun(id, runId, revision, now)).isEmpty()) {
                return Optional.of(new ClaimResult.Claimed(newRun(id, runId, revision, now), Optional.empty()));
            }
            // empty: contention, or the holder finished in between: try again
            return whyNotClaimed("claimRun", id, runId, revision);
        });
    }

    @Override
    public ClaimResult supersede(CanaryId id, String runId, String revision, Instant now) {
        checkRun(runId, revision);
        return DynamoDbTable.retrying("supersede " + runId, id, () -> {
            Optional<ActiveRun> active = table.activeRun(id);
            if (active.isEmpty()) {
                ClaimResult claimed = claimRun(id, runId, revision, now);
                // Superseding: another revision claimed in between: supersede that one
                return claimed instanceof ClaimResult.Superseding ? Optional.empty() : Optional.of(claimed);
            }
            ActiveRun old = active.get();
            if (old.revision().equals(revision)) {
                return Optional.of(new ClaimResult.AlreadyActive(runOrActive(id, old)));
            }
            Expr claim = claimExpr(id, runId, revision, now);
            claim.condition(claim.n("activeRunId") + " = " + claim.v(s(old.runId())));
            Expr ended = new Expr()
                    .set("runId", s(old.runId())).set("revision", s(old.revision()))
                    .set("result", s(RunResult.SUPERSEDED.name())).set("endedAt", time(now))
                    .set("supersededBy", s(runId));
            if (table.tryTransact(table.specExists(id), table.update(id, Items.STATUS, claim),
                    table.update(id, Items.RUN + old.runId(), identity(ended, id)),
                    putRun(id, runId, revision, now)).isEmpty()) {
                return Optional.of(new ClaimResult.Claimed(newRun(id, runId, revision, now), Optional.of(old.runId())));
            }
            return whyNotClaimed("supersede", id, runId, revision).filter(r -> !(r instanceof ClaimResult.Superseding));
        });
    }

    /**
     * After a cancelled claim: the answer for the caller if the state explains it, empty if it was
     * only contention and the claim should be tried again.
     */
    private Optional<ClaimResult> whyNotClaimed(String operation, CanaryId id, String runId, String revision) {
        if (!table.hasSpec(id)) {
            throw new NoSuchCanaryException(operation, id);
        }
        Optional<ActiveRun> active = table.activeRun(id);
        if (active.isPresent()) {
            ActiveRun holder = active.get();
            return Optional.of(holder.revision().equals(revision)
                    ? new ClaimResult.AlreadyActive(runOrActive(id, holder))
                    : new ClaimResult.Superseding(holder));
        }
        if (!table.get(id, Items.RUN + runId).isEmpty()) {
            throw new StoreException(operation + " " + runId, id, "run id already used by a finished run");
        }
        return Optional.empty();
    }

    @Override
    public boolean finishRun(CanaryId id, String runId, RunResult result, Instant now) {
        if (!result.isFinal()) {
            throw new IllegalArgumentException("a run finishes with a final result, not " + result);
        }
        return DynamoDbTable.retrying("finishRun " + runId, id, () -> {
            Expr release = new Expr().remove("activeRunId").remove("activeRevision").remove("activeSince");
            release.condition(release.n("activeRunId") + " = " + release.v(s(runId)));
            Expr end = new Expr().set("result", s(result.name())).set("endedAt", time(now));
            end.condition(end.n("result") + " = " + end.v(s(RunResult.RUNNING.name())));
            return table.tryTransact(table.update(id, Items.STATUS, release), table.update(id, Items.RUN + runId, end))
                    .map(cancelled -> DynamoDbTable.onlyContention(cancelled)
                            ? Optional.<Boolean>empty()
                            : Optional.of(false)) // not (or no longer) this run's claim
                    .orElse(Optional.of(true));
        });
    }

    @Override
    public Optional<Run> run(CanaryId id, String runId) {
        return call("run " + runId, id, () -> {
            Map<String, AttributeValue> item = table.get(id, Items.RUN + runId);
            return item.isEmpty() ? Optional.empty() : Optional.of(Items.run(id, item));
        });
    }

    @Override
    public Optional<ActiveRun> activeRun(CanaryId id) {
        return call("activeRun", id, () -> table.activeRun(id));
    }

    @Override
    public void appendWeight(CanaryId id, String runId, int weight, Instant now) {
        call("appendWeight " + runId, id, () -> {
            Expr e = new Expr();
            String weights = e.n("weights");
            e.setRaw(weights + " = list_append(if_not_exists(" + weights + ", " + e.v(AttributeValue.fromL(List.of()))
                    + "), " + e.v(AttributeValue.fromL(List.of(Items.weightPoint(weight, now)))) + ")");
            e.condition("attribute_exists(" + e.n(CanaryTable.PK) + ")");
            try {
                return table.updateItem(id, Items.RUN + runId, e, DynamoDb.ReturnValue.NONE);
            } catch (ConditionalCheckFailedException missing) {
                throw new StoreException("appendWeight " + runId, id, "no such run");
            }
        });
    }

    @Override
    public Page<Run> runs(CanaryId id, int limit, Optional<String> cursor) {
        DynamoDbTable.checkLimit(limit);
        Optional<String> after = cursor.map(c -> Cursors.decode(c, Items.RUN).substring(Items.RUN.length()));
        return call("runs", id, () -> {
            // runs are keyed by id, not time: read them all (one per revision) and order by start
            List<Run> all = new ArrayList<>();
            Map<String, AttributeValue> from = Map.of();
            do {
                DynamoDb.Page page = table.client.query(table.partitionQuery(id, Items.RUN, true, from, DynamoDbTable.MAX_PAGE));
                page.items().forEach(item -> all.add(Items.run(id, item)));
                from = page.lastEvaluatedKey();
            } while (!from.isEmpty());
            all.sort(Comparator.comparing(Run::startedAt).thenComparing(Run::runId).reversed());
            int start = after.map(key -> {
                for (int i = 0; i < all.size(); i++) {
                    if (runKey(all.get(i)).equals(key)) {
                        return i + 1;
                    }
                }
                return all.size();
            }).orElse(0);
            List<Run> page = all.subList(Math.min(start, all.size()), Math.min(start + limit, all.size()));
            Optional<String> next = start + limit < all.size()
                    ? Optional.of(Cursors.encode(Items.RUN + runKey(page.getLast())))
                    : Optional.empty();
            return new Page<>(List.copyOf(page), next);
        });
    }

    private static String runKey(Run r) {
        return r.startedAt() + "|" + r.runId();
    }

    @Override
    public boolean claimRetry(CanaryId id, String runId, String revision, String retryOf, RunOperation retry, Instant now) {
        checkRun(runId, revision);
        return DynamoDbTable.retrying("claimRetry " + runId, id, () -> {
            Expr claim = claimExpr(id, runId, revision, now);
            claim.condition("attribute_not_exists(" + claim.n("activeRunId") + ")");
            Expr failed = new Expr();
            failed.condition(failed.n("result") + " = " + failed.v(s(RunResult.FAILED.name())));
            DynamoDb.ConditionCheck wasFailed = new DynamoDb.ConditionCheck(table.name, Items.key(id, Items.RUN + retryOf),
                    failed.conditionExpression().orElseThrow(), failed.placeholders());
            Map<String, AttributeValue> item = runItem(id, runId, revision, now);
            item.put("retryOf", s(retryOf));
            item.put("operations", AttributeValue.fromL(List.of(Items.operation(retry))));
            Expr fresh = new Expr();
            fresh.condition("attribute_not_exists(" + fresh.n(CanaryTable.PK) + ")");
            return table.tryTransact(table.specExists(id), table.update(id, Items.STATUS, claim), wasFailed,
                            table.put(item, fresh))
                    .map(cancelled -> DynamoDbTable.onlyContention(cancelled) ? Optional.<Boolean>empty() : Optional.of(false))
                    .orElse(Optional.of(true));
        });
    }

    @Override
    public Optional<Optional<String>> control(CanaryId id, String runId, Optional<RunControl> expected,
            Optional<RunControl> next, RunOperation operation) {
        return call("control " + runId, id, () -> {
            Expr e = new Expr();
            next.ifPresentOrElse(c -> e.set("control", s(c.wire())), () -> e.remove("control"));
            String ops = e.n("operations");
            e.setRaw(ops + " = list_append(if_not_exists(" + ops + ", " + e.v(AttributeValue.fromL(List.of())) + "), "
                    + e.v(AttributeValue.fromL(List.of(Items.operation(operation)))) + ")");
            e.remove("pauseToken").remove("pausedSince");
            String control = e.n("control");
            e.condition(e.n("result") + " = " + e.v(s(RunResult.RUNNING.name())) + " AND "
                    + expected.map(c -> control + " = " + e.v(s(c.wire()))).orElse("attribute_not_exists(" + control + ")"));
            try {
                Map<String, AttributeValue> old = table.updateItem(id, Items.RUN + runId, e, DynamoDb.ReturnValue.ALL_OLD);
                return Optional.of(Items.str(old, "pauseToken"));
            } catch (ConditionalCheckFailedException changed) {
                return Optional.empty();
            }
        });
    }

    @Override
    public boolean parkPaused(CanaryId id, String runId, String taskToken, Instant now) {
        return call("parkPaused " + runId, id, () -> {
            Expr e = new Expr().set("pauseToken", s(taskToken)).set("pausedSince", time(now));
            e.condition(e.n("control") + " = " + e.v(s(RunControl.PAUSED.wire())));
            try {
                table.updateItem(id, Items.RUN + runId, e, DynamoDb.ReturnValue.NONE);
                return true;
            } catch (ConditionalCheckFailedException resumed) {
                return false;
            }
        });
    }

    @Override
    public void recordApproval(CanaryId id, String runId, Approval approval) {
        call("recordApproval " + runId, id, () -> {
            Expr e = new Expr();
            String approvals = e.n("approvals");
            e.setRaw(approvals + " = list_append(if_not_exists(" + approvals + ", " + e.v(AttributeValue.fromL(List.of()))
                    + "), " + e.v(AttributeValue.fromL(List.of(Items.approval(approval)))) + ")");
            e.condition("attribute_exists(" + e.n(CanaryTable.PK) + ")");
            try {
                return table.updateItem(id, Items.RUN + runId, e, DynamoDb.ReturnValue.NONE);
            } catch (ConditionalCheckFailedException gone) {
                return Map.of(); // the run is gone (the canary was deleted): nothing to record on
            }
        });
    }

    private Expr claimExpr(CanaryId id, String runId, String revision, Instant now) {
        return DynamoDbTable.indexEntry(new Expr(), id)
                .set("activeRunId", s(runId)).set("activeRevision", s(revision)).set("activeSince", time(now));
    }

    private DynamoDb.Put putRun(CanaryId id, String runId, String revision, Instant now) {
        Map<String, AttributeValue> item = runItem(id, runId, revision, now);
        Expr cond = new Expr();
        cond.condition("attribute_not_exists(" + cond.n(CanaryTable.PK) + ")");
        return table.put(item, cond);
    }

    private static Map<String, AttributeValue> runItem(CanaryId id, String runId, String revision, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(Items.key(id, Items.RUN + runId));
        item.put("namespace", s(id.namespace()));
        item.put("name", s(id.name()));
        item.put("runId", s(runId));
        item.put("revision", s(revision));
        item.put("startedAt", time(now));
        item.put("result", s(RunResult.RUNNING.name()));
        item.put("weights", AttributeValue.fromL(List.of()));
        return item;
    }

    private static Run newRun(CanaryId id, String runId, String revision, Instant now) {
        return new Run(id, runId, revision, now, Optional.empty(), RunResult.RUNNING, List.of(), Optional.empty());
    }

    private Run runOrActive(CanaryId id, ActiveRun active) {
        return run(id, active.runId()).orElseGet(() -> newRun(id, active.runId(), active.revision(), active.since()));
    }

    private static Expr identity(Expr e, CanaryId id) {
        return e.set("namespace", s(id.namespace())).set("name", s(id.name()));
    }

    private static void checkRun(String runId, String revision) {
        if (runId.isBlank() || revision.isBlank()) {
            throw new IllegalArgumentException("runId and revision must not be blank");
        }
    }
}
