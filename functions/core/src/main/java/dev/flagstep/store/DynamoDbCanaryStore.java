package dev.flagstep.store;

import static dev.flagstep.store.Items.bool;
import static dev.flagstep.store.Items.n;
import static dev.flagstep.store.Items.s;
import static dev.flagstep.store.Items.time;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.spec.CanaryId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * {@link CanaryStore} on the single table of {@link CanaryTable}, with the low-level client (no
 * enhanced client: fewer classes to load at a Lambda cold start).
 *
 * <p>Races are settled by DynamoDB, never by a read-then-write here: status writes carry a condition
 * on the version read; the run claim is an {@code activeRunId} on the STATUS item, set only where
 * absent, in one transaction with the RUN item and a check that the document exists (so a delete and
 * a claim cannot both win); gates are single conditional updates. After a transaction is cancelled
 * the store re-reads to tell the caller why, and retries when the cause was only contention.
 */
public final class DynamoDbCanaryStore implements CanaryStore {

    public static final Duration DEFAULT_EVENT_RETENTION = Duration.ofDays(30);
    /** Events of one canary within one millisecond; beyond that something is looping. */
    private static final int MAX_EVENTS_PER_MILLI = 1000;
    private static final int MAX_ATTEMPTS = 8;
    private static final int MAX_PAGE = 1000;
    private static final String SYSTEM = "flagstep";

    private final DynamoDbClient client;
    private final String table;
    private final Clock clock;
    private final Duration eventRetention;

    public DynamoDbCanaryStore(DynamoDbClient client, String tableName, Clock clock, Duration eventRetention) {
        if (eventRetention.isNegative() || eventRetention.isZero()) {
            throw new IllegalArgumentException("event retention must be positive: " + eventRetention);
        }
        this.client = client;
        this.table = tableName;
        this.clock = clock;
        this.eventRetention = eventRetention;
    }

    public DynamoDbCanaryStore(DynamoDbClient client, String tableName, Clock clock) {
        this(client, tableName, clock, DEFAULT_EVENT_RETENTION);
    }

    // ------------------------------------------------------------------ spec

    @Override
    public long putSpec(CanaryId id, String source) {
        return call("putSpec", id, () -> {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                long current = Items.num(get(id, Items.SPEC), "version");
                long next = current + 1;
                Map<String, AttributeValue> item = new HashMap<>(Items.key(id, Items.SPEC));
                item.put("namespace", s(id.namespace()));
                item.put("name", s(id.name()));
                item.put("source", s(source));
                item.put("version", n(next));
                item.put("updatedAt", time(clock.instant()));
                Expr cond = new Expr();
                cond.condition(current == 0
                        ? "attribute_not_exists(" + cond.n(CanaryTable.PK) + ")"
                        : cond.n("version") + " = " + cond.v(n(current)));
                // the STATUS item is the canary's entry in the status index: it appears with the document
                Expr entry = indexEntry(new Expr(), id).set("specVersion", n(next));
                try {
                    transact(put(item, cond), update(id, Items.STATUS, entry));
                    return next;
                } catch (TransactionCanceledException e) {
                    pause(attempt); // another put won this version: read and try the next one
                }
            }
            throw new StoreContentionException("putSpec", id);
        });
    }

    @Override
    public Optional<SpecRecord> spec(CanaryId id) {
        return call("spec", id, () -> {
            Map<String, AttributeValue> item = get(id, Items.SPEC);
            if (item.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new SpecRecord(id, Items.str(item, "source").orElse(""), Items.num(item, "version"),
                    Items.instant(item, "updatedAt").orElse(Instant.EPOCH)));
        });
    }

    @Override
    public boolean deleteCanary(CanaryId id) {
        return call("deleteCanary", id, () -> {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                Expr specCond = new Expr();
                specCond.condition("attribute_exists(" + specCond.n(CanaryTable.PK) + ")");
                Expr idle = new Expr();
                idle.condition("attribute_not_exists(" + idle.n("activeRunId") + ")");
                try {
                    transact(delete(id, Items.SPEC, specCond), delete(id, Items.STATUS, idle));
                    purge(id);
                    return true;
                } catch (TransactionCanceledException e) {
                    Optional<ActiveRun> active = activeRun(id);
                    if (active.isPresent()) {
                        throw new CanaryBusyException("deleteCanary", id, active.get());
                    }
                    if (get(id, Items.SPEC).isEmpty()) {
                        return false;
                    }
                    pause(attempt);
                }
            }
            throw new StoreContentionException("deleteCanary", id);
        });
    }

    /** Deletes the rest of the canary's partition (gates, runs, events) once the canary is gone. */
    private void purge(CanaryId id) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = client.query(q -> q.tableName(table)
                    .keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", CanaryTable.PK, "#sk", CanaryTable.SK))
                    .expressionAttributeValues(Map.of(":pk", s(Items.pk(id))))
                    .projectionExpression("#pk, #sk")
                    .exclusiveStartKey(from));
            List<WriteRequest> deletes = page.items().stream()
                    .map(key -> WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key).build()).build())
                    .toList();
            for (int i = 0; i < deletes.size(); i += 25) {
                batchWrite(deletes.subList(i, Math.min(i + 25, deletes.size())));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }

    private void batchWrite(List<WriteRequest> requests) {
        List<WriteRequest> pending = requests;
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            if (attempt == MAX_ATTEMPTS) {
                throw SdkException.builder().message(pending.size() + " items left unprocessed by BatchWriteItem").build();
            }
            List<WriteRequest> batch = pending;
            var unprocessed = client.batchWriteItem(b -> b.requestItems(Map.of(table, batch))).unprocessedItems();
            pending = unprocessed.getOrDefault(table, List.of());
            if (!pending.isEmpty()) {
                pause(attempt);
            }
        }
    }

    @Override
    public Page<CanarySummary> list(Optional<String> namespace, int limit, Optional<String> cursor) {
        checkLimit(limit);
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
                    .orElse(null);
            Slice slice = query(start, limit, (from, max) -> {
                Map<String, String> names = Map.of("#gp", CanaryTable.GSI_PK, "#gs", CanaryTable.GSI_SK);
                Map<String, AttributeValue> values = new HashMap<>();
                values.put(":gp", s(CanaryTable.GSI_PK_VALUE));
                String condition = "#gp = :gp";
                if (!prefix.isEmpty()) {
                    values.put(":prefix", s(prefix));
                    condition += " AND begins_with(#gs, :prefix)";
                }
                return QueryRequest.builder().tableName(table).indexName(CanaryTable.STATUS_INDEX)
                        .keyConditionExpression(condition)
                        .expressionAttributeNames(prefix.isEmpty() ? Map.of("#gp", CanaryTable.GSI_PK) : names)
                        .expressionAttributeValues(values)
                        .exclusiveStartKey(from).limit(max).build();
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

    // ------------------------------------------------------------------ status

    @Override
    public Optional<Versioned<CanaryStatus>> status(CanaryId id) {
        return call("status", id, () -> Items.status(get(id, Items.STATUS)));
    }

    @Override
    public Optional<StatusRecord> statusRecord(CanaryId id) {
        return call("status", id, () -> {
            Map<String, AttributeValue> item = get(id, Items.STATUS);
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
            Expr e = indexEntry(new Expr(), id);
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
                client.updateItem(updateRequest(id, Items.STATUS, e, ReturnValue.NONE));
                return next;
            } catch (ConditionalCheckFailedException stale) {
                throw new StaleStatusException(id, expectedVersion);
            }
        });
    }

    // ------------------------------------------------------------------ gates

    @Override
    public Gate gate(CanaryId id, GateType type) {
        return call("gate " + type, id, () -> Items.gate(get(id, gateSk(type))));
    }

    @Override
    public Map<GateType, Gate> gates(CanaryId id) {
        return call("gates", id, () -> {
            Map<GateType, Gate> gates = new EnumMap<>(GateType.class);
            for (GateType type : GateType.values()) {
                gates.put(type, Gate.closed());
            }
            Slice slice = query(null, MAX_PAGE, (from, max) -> partitionQuery(id, Items.GATE, true, from, max));
            for (Map<String, AttributeValue> item : slice.items()) {
                String sk = Items.str(item, CanaryTable.SK).orElseThrow();
                GateType.fromWire(sk.substring(Items.GATE.length()))
                        .ifPresent(type -> gates.put(type, Items.gate(item)));
            }
            return gates;
        });
    }

    @Override
    public Optional<String> openGate(CanaryId id, GateType type, String who, String why) {
        return call("openGate " + type, id, () -> {
            Expr e = gateIdentity(new Expr(), id, type)
                    .set("open", bool(true)).set("who", s(who)).set("why", s(why)).set("when", time(clock.instant()))
                    .remove("taskToken").remove("waitingSince");
            // ALL_OLD hands back the token this very update removed: exactly one opener gets it
            UpdateItemResponse r = client.updateItem(updateRequest(id, gateSk(type), e, ReturnValue.ALL_OLD));
            return Items.str(r.attributes(), "taskToken");
        });
    }

    @Override
    public void closeGate(CanaryId id, GateType type, String who, String why) {
        call("closeGate " + type, id, () -> {
            Expr e = gateIdentity(new Expr(), id, type)
                    .set("open", bool(false)).set("who", s(who)).set("why", s(why)).set("when", time(clock.instant()));
            return client.updateItem(updateRequest(id, gateSk(type), e, ReturnValue.NONE));
        });
    }

    @Override
    public ParkResult park(CanaryId id, GateType type, String taskToken, Instant now) {
        return call("park " + type, id, () -> {
            Expr e = gateIdentity(new Expr(), id, type)
                    .set("taskToken", s(taskToken)).set("waitingSince", time(now));
            e.condition("attribute_not_exists(" + e.n("open") + ") OR " + e.n("open") + " = " + e.v(bool(false)));
            UpdateItemRequest request = updateRequest(id, gateSk(type), e, ReturnValue.NONE).toBuilder()
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build();
            try {
                client.updateItem(request);
                return new ParkResult.Parked();
            } catch (ConditionalCheckFailedException open) {
                // the gate as it was when the park lost, not a later read that may already be closed again
                Gate gate = open.hasItem() ? Items.gate(open.item()) : Items.gate(get(id, gateSk(type)));
                return new ParkResult.AlreadyOpen(gate);
            }
        });
    }

    @Override
    public boolean clearToken(CanaryId id, GateType type, String taskToken) {
        return call("clearToken " + type, id, () -> {
            Expr e = new Expr().remove("taskToken").remove("waitingSince");
            e.condition(e.n("taskToken") + " = " + e.v(s(taskToken)));
            try {
                client.updateItem(updateRequest(id, gateSk(type), e, ReturnValue.NONE));
                return true;
            } catch (ConditionalCheckFailedException notOurs) {
                return false;
            }
        });
    }

    @Override
    public void closeAll(CanaryId id) {
        call("closeAll", id, () -> {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                Instant now = clock.instant();
                List<TransactWriteItem> updates = new ArrayList<>();
                for (GateType type : GateType.values()) {
                    Expr e = gateIdentity(new Expr(), id, type)
                            .set("open", bool(false)).set("who", s(SYSTEM)).set("why", s("rollout ended"))
                            .set("when", time(now)).remove("taskToken").remove("waitingSince");
                    updates.add(update(id, gateSk(type), e));
                }
                try {
                    transact(updates.toArray(TransactWriteItem[]::new));
                    return null;
                } catch (TransactionCanceledException contention) {
                    pause(attempt);
                }
            }
            throw new StoreContentionException("closeAll", id);
        });
    }

    // ------------------------------------------------------------------ events

    @Override
    public void append(CanaryEvent event) {
        CanaryId id = event.canary();
        call("append event", id, () -> {
            long millis = event.timestamp().toEpochMilli();
            long expiresAt = event.timestamp().plus(eventRetention).getEpochSecond();
            for (int seq = 0; seq < MAX_EVENTS_PER_MILLI; seq++) {
                Map<String, AttributeValue> whole = new HashMap<>(Items.key(id, Items.eventSk(millis, seq)));
                whole.putAll(Items.event(event));
                whole.put(CanaryTable.TTL_ATTRIBUTE, n(expiresAt));
                // a message too large for one item is cut, never the event refused
                Map<String, AttributeValue> item = ItemSize.fitted(whole, "message", ItemSize.MAX_BYTES);
                Expr cond = new Expr();
                cond.condition("attribute_not_exists(" + cond.n(CanaryTable.SK) + ")");
                try {
                    client.putItem(p -> p.tableName(table).item(item).conditionExpression(cond.conditionExpression().orElseThrow())
                            .expressionAttributeNames(cond.names()));
                    return null;
                } catch (ConditionalCheckFailedException taken) {
                    // another event of the same millisecond holds this sequence number: take the next
                }
            }
            throw new StoreException("append event", id, "more than " + MAX_EVENTS_PER_MILLI + " events in one millisecond");
        });
    }

    @Override
    public Page<CanaryEvent> events(CanaryId id, int limit, Optional<String> cursor) {
        checkLimit(limit);
        return call("events", id, () -> {
            Map<String, AttributeValue> start = cursor.map(c -> Cursors.decode(c, Items.EVENT))
                    .map(sk -> Items.key(id, sk))
                    .orElse(null);
            Slice slice = query(start, limit, (from, max) -> partitionQuery(id, Items.EVENT, false, from, max));
            List<CanaryEvent> events = slice.items().stream().map(item -> Items.event(id, item)).toList();
            Optional<String> next = slice.more()
                    ? Optional.of(Cursors.encode(Items.str(slice.items().getLast(), CanaryTable.SK).orElseThrow()))
                    : Optional.empty();
            return new Page<>(events, next);
        });
    }

    // ------------------------------------------------------------------ runs

    @Override
    public ClaimResult claimRun(CanaryId id, String runId, String revision, Instant now) {
        checkRun(runId, revision);
        return call("claimRun " + runId, id, () -> {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                Expr claim = claimExpr(id, runId, revision, now);
                claim.condition("attribute_not_exists(" + claim.n("activeRunId") + ")");
                try {
                    transact(specExists(id), update(id, Items.STATUS, claim), putRun(id, runId, revision, now));
                    return new ClaimResult.Claimed(newRun(id, runId, revision, now), Optional.empty());
                } catch (TransactionCanceledException e) {
                    Optional<ClaimResult> answer = whyNotClaimed("claimRun", id, runId, revision);
                    if (answer.isPresent()) {
                        return answer.get();
                    }
                    pause(attempt); // contention, or the holder finished in between: try again
                }
            }
            throw new StoreContentionException("claimRun " + runId, id);
        });
    }

    @Override
    public ClaimResult supersede(CanaryId id, String runId, String revision, Instant now) {
        checkRun(runId, revision);
        return call("supersede " + runId, id, () -> {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                Optional<ActiveRun> active = activeRun(id);
                if (active.isEmpty()) {
                    ClaimResult claimed = claimRun(id, runId, revision, now);
                    if (!(claimed instanceof ClaimResult.Superseding)) {
                        return claimed;
                    }
                    continue; // another revision claimed in between: supersede that one
                }
                ActiveRun old = active.get();
                if (old.revision().equals(revision)) {
                    return new ClaimResult.AlreadyActive(runOrActive(id, old));
                }
                Expr claim = claimExpr(id, runId, revision, now);
                claim.condition(claim.n("activeRunId") + " = " + claim.v(s(old.runId())));
                Expr ended = new Expr()
                        .set("runId", s(old.runId())).set("revision", s(old.revision()))
                        .set("result", s(RunResult.SUPERSEDED.name())).set("endedAt", time(now))
                        .set("supersededBy", s(runId));
                try {
                    transact(specExists(id), update(id, Items.STATUS, claim),
                            update(id, Items.RUN + old.runId(), runIdentity(ended, id)),
                            putRun(id, runId, revision, now));
                    return new ClaimResult.Claimed(newRun(id, runId, revision, now), Optional.of(old.runId()));
                } catch (TransactionCanceledException e) {
                    Optional<ClaimResult> answer = whyNotClaimed("supersede", id, runId, revision)
                            .filter(r -> !(r instanceof ClaimResult.Superseding));
                    if (answer.isPresent()) {
                        return answer.get();
                    }
                    pause(attempt);
                }
            }
            throw new StoreContentionException("supersede " + runId, id);
        });
    }

    /**
     * After a cancelled claim: the answer for the caller if the state explains it, empty if it was
     * only contention and the claim should be tried again.
     */
    private Optional<ClaimResult> whyNotClaimed(String operation, CanaryId id, String runId, String revision) {
        if (get(id, Items.SPEC).isEmpty()) {
            throw new NoSuchCanaryException(operation, id);
        }
        Optional<ActiveRun> active = activeRun(id);
        if (active.isPresent()) {
            ActiveRun holder = active.get();
            return Optional.of(holder.revision().equals(revision)
                    ? new ClaimResult.AlreadyActive(runOrActive(id, holder))
                    : new ClaimResult.Superseding(holder));
        }
        if (!get(id, Items.RUN + runId).isEmpty()) {
            throw new StoreException(operation + " " + runId, id, "run id already used by a finished run");
        }
        return Optional.empty();
    }

    @Override
    public boolean finishRun(CanaryId id, String runId, RunResult result, Instant now) {
        if (!result.isFinal()) {
            throw new IllegalArgumentException("a run finishes with a final result, not " + result);
        }
        return call("finishRun " + runId, id, () -> {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                Expr release = new Expr().remove("activeRunId").remove("activeRevision").remove("activeSince");
                release.condition(release.n("activeRunId") + " = " + release.v(s(runId)));
                Expr end = new Expr().set("result", s(result.name())).set("endedAt", time(now));
                end.condition(end.n("result") + " = " + end.v(s(RunResult.RUNNING.name())));
                try {
                    transact(update(id, Items.STATUS, release), update(id, Items.RUN + runId, end));
                    return true;
                } catch (TransactionCanceledException e) {
                    if (!onlyContention(e)) {
                        return false; // not (or no longer) this run's claim
                    }
                    pause(attempt);
                }
            }
            throw new StoreContentionException("finishRun " + runId, id);
        });
    }

    @Override
    public Optional<Run> run(CanaryId id, String runId) {
        return call("run " + runId, id, () -> {
            Map<String, AttributeValue> item = get(id, Items.RUN + runId);
            return item.isEmpty() ? Optional.empty() : Optional.of(Items.run(id, item));
        });
    }

    @Override
    public Optional<ActiveRun> activeRun(CanaryId id) {
        return call("activeRun", id, () -> Items.activeRun(get(id, Items.STATUS)));
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
                return client.updateItem(updateRequest(id, Items.RUN + runId, e, ReturnValue.NONE));
            } catch (ConditionalCheckFailedException missing) {
                throw new StoreException("appendWeight " + runId, id, "no such run");
            }
        });
    }

    // ------------------------------------------------------------------ helpers

    private Expr claimExpr(CanaryId id, String runId, String revision, Instant now) {
        return indexEntry(new Expr(), id)
                .set("activeRunId", s(runId)).set("activeRevision", s(revision)).set("activeSince", time(now));
    }

    private TransactWriteItem putRun(CanaryId id, String runId, String revision, Instant now) {
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
        return put(item, cond);
    }

    private static Run newRun(CanaryId id, String runId, String revision, Instant now) {
        return new Run(id, runId, revision, now, Optional.empty(), RunResult.RUNNING, List.of(), Optional.empty());
    }

    private Run runOrActive(CanaryId id, ActiveRun active) {
        return run(id, active.runId()).orElseGet(() -> newRun(id, active.runId(), active.revision(), active.since()));
    }

    private TransactWriteItem specExists(CanaryId id) {
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table)
                .key(Items.key(id, Items.SPEC))
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", CanaryTable.PK))
                .build()).build();
    }

    /** The attributes that make the STATUS item the canary's entry in the status index. */
    private static Expr indexEntry(Expr e, CanaryId id) {
        return e.set(CanaryTable.GSI_PK, s(CanaryTable.GSI_PK_VALUE)).set(CanaryTable.GSI_SK, s(Items.listKey(id)))
                .set("namespace", s(id.namespace())).set("name", s(id.name()));
    }

    private static Expr gateIdentity(Expr e, CanaryId id, GateType type) {
        return e.set("namespace", s(id.namespace())).set("name", s(id.name())).set("gateType", s(type.wireName()));
    }

    private static Expr runIdentity(Expr e, CanaryId id) {
        return e.set("namespace", s(id.namespace())).set("name", s(id.name()));
    }

    private static String gateSk(GateType type) {
        return Items.GATE + type.wireName();
    }

    private Map<String, AttributeValue> get(CanaryId id, String sk) {
        var response = client.getItem(g -> g.tableName(table).key(Items.key(id, sk)).consistentRead(true));
        return response.hasItem() ? response.item() : Map.of();
    }

    private QueryRequest partitionQuery(
            CanaryId id, String prefix, boolean forward, Map<String, AttributeValue> from, int max) {
        return QueryRequest.builder().tableName(table)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expressionAttributeNames(Map.of("#pk", CanaryTable.PK, "#sk", CanaryTable.SK))
                .expressionAttributeValues(Map.of(":pk", s(Items.pk(id)), ":prefix", s(prefix)))
                .scanIndexForward(forward).consistentRead(true)
                .exclusiveStartKey(from).limit(max).build();
    }

    private record Slice(List<Map<String, AttributeValue>> items, boolean more) {}

    /**
     * Up to {@code limit} items from {@code start}, following DynamoDB's own pages. One extra item is
     * asked for, so "more" is known for certain and a cursor never leads to an empty page.
     */
    private Slice query(Map<String, AttributeValue> start, int limit,
            BiFunction<Map<String, AttributeValue>, Integer, QueryRequest> request) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> from = start;
        do {
            QueryResponse page = client.query(request.apply(from, limit + 1 - items.size()));
            items.addAll(page.items());
            from = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (from != null && items.size() <= limit);
        boolean more = items.size() > limit;
        return new Slice(more ? List.copyOf(items.subList(0, limit)) : items, more);
    }

    private UpdateItemRequest updateRequest(CanaryId id, String sk, Expr e, ReturnValue returnValue) {
        UpdateItemRequest.Builder b = UpdateItemRequest.builder().tableName(table).key(Items.key(id, sk))
                .updateExpression(e.update())
                .expressionAttributeNames(e.names()).expressionAttributeValues(e.values())
                .returnValues(returnValue);
        e.conditionExpression().ifPresent(b::conditionExpression);
        return b.build();
    }

    private TransactWriteItem update(CanaryId id, String sk, Expr e) {
        Update.Builder b = Update.builder().tableName(table).key(Items.key(id, sk)).updateExpression(e.update())
                .expressionAttributeNames(e.names()).expressionAttributeValues(e.values());
        e.conditionExpression().ifPresent(b::conditionExpression);
        return TransactWriteItem.builder().update(b.build()).build();
    }

    private TransactWriteItem put(Map<String, AttributeValue> item, Expr cond) {
        Put.Builder b = Put.builder().tableName(table).item(item)
                .expressionAttributeNames(cond.names()).expressionAttributeValues(cond.values());
        cond.conditionExpression().ifPresent(b::conditionExpression);
        return TransactWriteItem.builder().put(b.build()).build();
    }

    private TransactWriteItem delete(CanaryId id, String sk, Expr cond) {
        Delete.Builder b = Delete.builder().tableName(table).key(Items.key(id, sk))
                .expressionAttributeNames(cond.names()).expressionAttributeValues(cond.values());
        cond.conditionExpression().ifPresent(b::conditionExpression);
        return TransactWriteItem.builder().delete(b.build()).build();
    }

    private void transact(TransactWriteItem... items) {
        client.transactWriteItems(b -> b.transactItems(items));
    }

    /** True if a cancelled transaction failed only because another transaction touched the same items. */
    private static boolean onlyContention(TransactionCanceledException e) {
        if (!e.hasCancellationReasons()) {
            return false;
        }
        boolean conflict = false;
        for (CancellationReason reason : e.cancellationReasons()) {
            String code = reason.code() == null ? "None" : reason.code();
            if (code.equals("TransactionConflict")) {
                conflict = true;
            } else if (!code.equals("None")) {
                return false;
            }
        }
        return conflict;
    }

    private static void pause(int attempt) {
        long millis = (5L << Math.min(attempt, 6)) + ThreadLocalRandom.current().nextLong(5);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SdkException.builder().message("interrupted while retrying").cause(e).build();
        }
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("page limit must be 1.." + MAX_PAGE + ": " + limit);
        }
    }

    private static void checkRun(String runId, String revision) {
        if (runId.isBlank() || revision.isBlank()) {
            throw new IllegalArgumentException("runId and revision must not be blank");
        }
    }

    /** Runs one operation; anything DynamoDB or the SDK throws comes out naming the operation and canary. */
    private static <T> T call(String operation, CanaryId id, Supplier<T> action) {
        try {
            return action.get();
        } catch (StoreException e) {
            throw e;
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode() + ": ";
            throw new StoreException(operation, id, "DynamoDB call failed: " + code + e.getMessage(), e);
        } catch (SdkException e) {
            throw new StoreException(operation, id, "DynamoDB call failed: " + e.getMessage(), e);
        }
    }
}
