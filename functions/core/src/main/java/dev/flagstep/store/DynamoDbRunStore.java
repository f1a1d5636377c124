package dev.flagstep.store;

import static dev.flagstep.store.DynamoDbTable.call;
import static dev.flagstep.store.Items.s;
import static dev.flagstep.store.Items.time;

import dev.flagstep.aws.dynamodb.AttributeValue;
import dev.flagstep.aws.dynamodb.ConditionalCheckFailedException;
import dev.flagstep.aws.dynamodb.DynamoDb;
import dev.flagstep.spec.CanaryId;
import java.time.Instant;
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

    private Expr claimExpr(CanaryId id, String runId, String revision, Instant now) {
        return DynamoDbTable.indexEntry(new Expr(), id)
                .set("activeRunId", s(runId)).set("activeRevision", s(revision)).set("activeSince", time(now));
    }

    private DynamoDb.Put putRun(CanaryId id, String runId, String revision, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(Items.key(id, Items.RUN + runId));
        item.put("namespace", s(id.namespace()));
        item.put("name", s(id.name()));
        item.put("runId", s(runId));
        item.put("revision", s(revision));
        item.put("startedAt", time(now));
        item.put("result", s(RunResult.RUNNING.name()));
        item.put("weights", AttributeValue.fromL(List.of()));
        Expr cond = new Expr();
        cond.condition("attribute_not_exists(" + cond.n(CanaryTable.PK) + ")");
        return table.put(item, cond);
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
