package dev.flagstep.store;

import static dev.flagstep.store.DynamoDbTable.call;
import static dev.flagstep.store.Items.n;
import static dev.flagstep.store.Items.s;
import static dev.flagstep.store.Items.time;

import dev.flagstep.aws.AwsException;
import dev.flagstep.aws.dynamodb.AttributeValue;
import dev.flagstep.aws.dynamodb.ConditionalCheckFailedException;
import dev.flagstep.aws.dynamodb.DynamoDb;
import dev.flagstep.spec.CanaryId;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@link SpecStore} on the SPEC items of {@link CanaryTable}. A document is written in one
 * transaction with the STATUS item's index entry, so a canary is listed from its first document; a
 * delete is a transaction that refuses while a run holds the canary, then purges the partition.
 */
public final class DynamoDbSpecStore implements SpecStore {

    private final DynamoDbTable table;
    private final Clock clock;

    public DynamoDbSpecStore(DynamoDb client, String tableName, Clock clock) {
        this.table = new DynamoDbTable(client, tableName);
        this.clock = clock;
    }

    @Override
    public long putSpec(CanaryId id, String source, SpecOrigin origin) {
        return DynamoDbTable.retrying("putSpec", id, () -> {
            long current = Items.num(table.get(id, Items.SPEC), "version");
            long next = current + 1;
            Map<String, AttributeValue> item = new HashMap<>(Items.key(id, Items.SPEC));
            item.put("namespace", s(id.namespace()));
            item.put("name", s(id.name()));
            item.put("source", s(source));
            item.put("version", n(next));
            item.put("origin", s(origin.name()));
            item.put("updatedAt", time(clock.instant()));
            Expr cond = new Expr();
            cond.condition(current == 0
                    ? "attribute_not_exists(" + cond.n(CanaryTable.PK) + ")"
                    : cond.n("version") + " = " + cond.v(n(current)));
            // the STATUS item is the canary's entry in the status index: it appears with the document
            Expr entry = DynamoDbTable.indexEntry(new Expr(), id).set("specVersion", n(next));
            // cancelled: another put won this version: read and try the next one
            return table.tryTransact(table.put(item, cond), table.update(id, Items.STATUS, entry)).isEmpty()
                    ? Optional.of(next)
                    : Optional.empty();
        });
    }

    @Override
    public Optional<SpecRecord> spec(CanaryId id) {
        return call("spec", id, () -> {
            Map<String, AttributeValue> item = table.get(id, Items.SPEC);
            if (item.isEmpty()) {
                return Optional.empty();
            }
            // documents written before origins existed came from the API
            SpecOrigin origin = Items.str(item, "origin").map(SpecOrigin::valueOf).orElse(SpecOrigin.API);
            return Optional.of(new SpecRecord(id, Items.str(item, "source").orElse(""), Items.num(item, "version"),
                    Items.instant(item, "updatedAt").orElse(Instant.EPOCH), origin, Items.str(item, "problem")));
        });
    }

    @Override
    public void recordProblem(CanaryId id, Optional<String> problem) {
        call("recordProblem", id, () -> {
            Expr e = problem.map(p -> new Expr().set("problem", s(p))).orElseGet(() -> new Expr().remove("problem"));
            e.condition("attribute_exists(" + e.n(CanaryTable.PK) + ")");
            try {
                table.updateItem(id, Items.SPEC, e, DynamoDb.ReturnValue.NONE);
            } catch (ConditionalCheckFailedException gone) {
                // no document: nothing to say it about
            }
            return null;
        });
    }

    @Override
    public boolean deleteCanary(CanaryId id) {
        return DynamoDbTable.retrying("deleteCanary", id, () -> {
            Expr specCond = new Expr();
            specCond.condition("attribute_exists(" + specCond.n(CanaryTable.PK) + ")");
            Expr idle = new Expr();
            idle.condition("attribute_not_exists(" + idle.n("activeRunId") + ")");
            if (table.tryTransact(table.delete(id, Items.SPEC, specCond), table.delete(id, Items.STATUS, idle)).isEmpty()) {
                purge(id);
                return Optional.of(true);
            }
            Optional<ActiveRun> active = table.activeRun(id);
            if (active.isPresent()) {
                throw new CanaryBusyException("deleteCanary", id, active.get());
            }
            return table.hasSpec(id) ? Optional.empty() : Optional.of(false);
        });
    }

    /** Deletes the rest of the canary's partition (gates, runs, events) once the canary is gone. */
    private void purge(CanaryId id) {
        Map<String, AttributeValue> start = Map.of();
        do {
            Map<String, AttributeValue> from = start;
            DynamoDb.Page page = table.client.query(new DynamoDb.Query(table.name, Optional.empty(), "#pk = :pk",
                    new DynamoDb.Placeholders(Map.of("#pk", CanaryTable.PK, "#sk", CanaryTable.SK), Map.of(":pk", s(Items.pk(id)))),
                    Optional.of("#pk, #sk"), true, from, OptionalInt.empty()));
            List<Map<String, AttributeValue>> keys = page.items();
            for (int i = 0; i < keys.size(); i += 25) {
                batchDelete(keys.subList(i, Math.min(i + 25, keys.size())));
            }
            start = page.lastEvaluatedKey();
        } while (!start.isEmpty());
    }

    private void batchDelete(List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> pending = keys;
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            if (attempt == DynamoDbTable.MAX_ATTEMPTS) {
                throw new AwsException("DynamoDB_20120810.BatchWriteItem", 0, "",
                        pending.size() + " items left unprocessed by BatchWriteItem", null);
            }
            pending = table.client.batchDelete(table.name, pending);
            if (!pending.isEmpty()) {
                DynamoDbTable.pause(attempt);
            }
        }
    }

    @Override
    public Page<CanarySummary> list(Optional<String> namespace, int limit, Optional<String> cursor) {
        DynamoDbTable.checkLimit(limit);
        CanaryId scope = new CanaryId(namespace.orElse("*"), "*");
        return call("list", scope, () -> {
            String prefix = namespace.map(ns -> ns + "/").orElse("");
            Map<String, AttributeValue> start = cursor.map(c -> Cursors.decode(c, prefix))
                    .map(key -> {
                        CanaryId after = Items.fromListKey(key);
                        Map<String, AttributeValue> k = new HashMap<>(Items.key(after, Items.STATUS));
                        k.put(CanaryTable.GSI_PK, s(CanaryTable.GSI_PK_VALUE));
                        k.put(CanaryTable.GSI_SK, s(key));
                        return k;
                    })
                    .orElse(Map.of());
            DynamoDbTable.Slice slice = table.query(start, limit, (from, max) -> {
                Map<String, String> names = Map.of("#gp", CanaryTable.GSI_PK, "#gs", CanaryTable.GSI_SK);
                Map<String, AttributeValue> values = new HashMap<>();
                values.put(":gp", s(CanaryTable.GSI_PK_VALUE));
                String condition = "#gp = :gp";
                if (!prefix.isEmpty()) {
                    values.put(":prefix", s(prefix));
                    condition += " AND begins_with(#gs, :prefix)";
                }
                return new DynamoDb.Query(table.name, Optional.of(CanaryTable.STATUS_INDEX), condition,
                        new DynamoDb.Placeholders(prefix.isEmpty() ? Map.of("#gp", CanaryTable.GSI_PK) : names, values),
                        Optional.empty(), true, from, OptionalInt.of(max));
            });
            List<CanarySummary> rows = slice.items().stream()
                    .map(item -> new CanarySummary(
                            Items.fromListKey(Items.str(item, CanaryTable.GSI_SK).orElseThrow()),
                            Items.num(item, "specVersion"),
                            Items.status(item),
                            Items.activeRun(item)))
                    .toList();
            Optional<String> next = slice.more()
                    ? Optional.of(Cursors.encode(Items.listKey(rows.getLast().canary())))
                    : Optional.empty();
            return new Page<>(rows, next);
        });
    }
}
