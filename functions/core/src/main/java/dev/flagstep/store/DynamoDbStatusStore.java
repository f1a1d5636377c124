package dev.flagstep.store;

import static dev.flagstep.store.DynamoDbTable.call;
import static dev.flagstep.store.Items.n;
import static dev.flagstep.store.Items.time;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.aws.dynamodb.AttributeValue;
import dev.flagstep.aws.dynamodb.ConditionalCheckFailedException;
import dev.flagstep.aws.dynamodb.DynamoDb;
import dev.flagstep.spec.CanaryId;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * {@link StatusStore} on the STATUS item of {@link CanaryTable}. A save updates only the status
 * attributes (and the tick memo), with a condition on the version read: it never touches the run
 * claim kept on the same item.
 */
public final class DynamoDbStatusStore implements StatusStore {

    private final DynamoDbTable table;
    private final Clock clock;

    public DynamoDbStatusStore(DynamoDb client, String tableName, Clock clock) {
        this.table = new DynamoDbTable(client, tableName);
        this.clock = clock;
    }

    @Override
    public Optional<Versioned<CanaryStatus>> status(CanaryId id) {
        return call("status", id, () -> Items.status(table.get(id, Items.STATUS)));
    }

    @Override
    public Optional<StatusRecord> statusRecord(CanaryId id) {
        return call("status", id, () -> {
            Map<String, AttributeValue> item = table.get(id, Items.STATUS);
            return Items.status(item).map(v -> new StatusRecord(v.value(), v.version(), Items.memo(item)));
        });
    }

    @Override
    public long saveStatus(CanaryId id, CanaryStatus status, long expectedVersion) {
        return saveStatus(id, status, expectedVersion, Optional.empty());
    }

    @Override
    public long saveStatus(CanaryId id, CanaryStatus status, long expectedVersion, TickMemo memo) {
        return saveStatus(id, status, expectedVersion, Optional.of(memo));
    }

    private long saveStatus(CanaryId id, CanaryStatus status, long expectedVersion, Optional<TickMemo> memo) {
        if (expectedVersion < 0) {
            throw new IllegalArgumentException("expectedVersion must be >= 0: " + expectedVersion);
        }
        return call("saveStatus", id, () -> {
            long next = expectedVersion + 1;
            Expr e = DynamoDbTable.indexEntry(new Expr(), id);
            Items.statusFields(status).forEach(e::set);
            if (status.lastTransitionTime() == null) {
                e.remove("lastTransitionTime");
            }
            e.set("version", n(next)).set("statusUpdatedAt", time(clock.instant()));
            memo.ifPresent(m -> {
                e.set("lastTick", Items.s(m.tick())).set("lastDecision", Items.s(m.decision()));
                m.gateClosedSince().ifPresentOrElse(t -> e.set("gateClosedSince", time(t)), () -> e.remove("gateClosedSince"));
                e.set("lastWaitSeconds", n(m.waitSeconds()));
                m.leaseUntil().ifPresentOrElse(t -> e.set("tickLeaseUntil", time(t)), () -> e.remove("tickLeaseUntil"));
                e.remove("tickStartedAt");
            });
            e.condition(expectedVersion == 0
                    ? "attribute_not_exists(" + e.n("version") + ")"
                    : e.n("version") + " = " + e.v(n(expectedVersion)));
            try {
                table.updateItem(id, Items.STATUS, e, DynamoDb.ReturnValue.NONE);
                return next;
            } catch (ConditionalCheckFailedException stale) {
                throw new StaleStatusException(id, expectedVersion);
            }
        });
    }
}
