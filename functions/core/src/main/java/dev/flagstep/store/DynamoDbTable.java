package dev.flagstep.store;

import static dev.flagstep.store.Items.s;

import dev.flagstep.aws.AwsException;
import dev.flagstep.aws.dynamodb.AttributeValue;
import dev.flagstep.aws.dynamodb.DynamoDb.TransactItem;
import dev.flagstep.aws.dynamodb.DynamoDb;
import dev.flagstep.aws.dynamodb.TransactionCanceledException;
import dev.flagstep.spec.CanaryId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The table calls every DynamoDB store shares, on the single table of {@link CanaryTable}, with the
 * project's own {@link DynamoDb} (no SDK client: fewer jars and classes to load at a Lambda cold start):
 * consistent reads, paged queries, conditional writes and transactions, the retry loop for cancelled
 * transactions, and the mapping of AWS failures to {@link StoreException}s naming the operation.
 */
final class DynamoDbTable {

    static final int MAX_ATTEMPTS = 8;
    static final int MAX_PAGE = 1000;

    final DynamoDb client;
    final String name;

    DynamoDbTable(DynamoDb client, String name) {
        this.client = client;
        this.name = name;
    }

    /** Runs one operation; anything DynamoDB (or the way to it) throws comes out naming the operation and canary. */
    static <T> T call(String operation, CanaryId id, Supplier<T> action) {
        try {
            return action.get();
        } catch (StoreException e) {
            throw e;
        } catch (AwsException e) {
            throw new StoreException(operation, id, "DynamoDB call failed: " + e.getMessage(), e);
        }
    }

    /**
     * {@link #call} that tries {@code attempt} up to {@link #MAX_ATTEMPTS} times, pausing between
     * tries; an empty answer means "lost to contention, try again".
     *
     * @throws StoreContentionException when every attempt lost
     */
    static <T> T retrying(String operation, CanaryId id, Supplier<Optional<T>> attempt) {
        return call(operation, id, () -> {
            for (int i = 0; i < MAX_ATTEMPTS; i++) {
                Optional<T> answer = attempt.get();
                if (answer.isPresent()) {
                    return answer.get();
                }
                pause(i);
            }
            throw new StoreContentionException(operation, id);
        });
    }

    Map<String, AttributeValue> get(CanaryId id, String sk) {
        return client.getItem(name, Items.key(id, sk));
    }

    /** Whether the canary has a document (its SPEC item). */
    boolean hasSpec(CanaryId id) {
        return !get(id, Items.SPEC).isEmpty();
    }

    Optional<ActiveRun> activeRun(CanaryId id) {
        return Items.activeRun(get(id, Items.STATUS));
    }

    DynamoDb.Query partitionQuery(CanaryId id, String prefix, boolean forward, Map<String, AttributeValue> from, int max) {
        return new DynamoDb.Query(name, Optional.empty(), "#pk = :pk AND begins_with(#sk, :prefix)",
                new DynamoDb.Placeholders(Map.of("#pk", CanaryTable.PK, "#sk", CanaryTable.SK),
                        Map.of(":pk", s(Items.pk(id)), ":prefix", s(prefix))),
                Optional.empty(), forward, from, OptionalInt.of(max));
    }

    record Slice(List<Map<String, AttributeValue>> items, boolean more) {}

    /**
     * Up to {@code limit} items from {@code start}, following DynamoDB's own pages. One extra item is
     * asked for, so "more" is known for certain and a cursor never leads to an empty page.
     */
    Slice query(Map<String, AttributeValue> start, int limit,
            BiFunction<Map<String, AttributeValue>, Integer, DynamoDb.Query> request) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> from = start;
        do {
            DynamoDb.Page page = client.query(request.apply(from, limit + 1 - items.size()));
            items.addAll(page.items());
            from = page.lastEvaluatedKey();
        } while (!from.isEmpty() && items.size() <= limit);
        boolean more = items.size() > limit;
        return new Slice(more ? List.copyOf(items.subList(0, limit)) : items, more);
    }

    /** An UpdateItem of the item {@code sk} of the canary. */
    DynamoDb.Update update(CanaryId id, String sk, Expr e) {
        return new DynamoDb.Update(name, Items.key(id, sk), e.update(), e.conditionExpression(), e.placeholders());
    }

    /** {@link #update}, answering the item as it was with {@link DynamoDb.ReturnValue#ALL_OLD}. */
    Map<String, AttributeValue> updateItem(CanaryId id, String sk, Expr e, DynamoDb.ReturnValue returnValue) {
        return client.updateItem(update(id, sk, e), returnValue, false);
    }

    DynamoDb.Put put(Map<String, AttributeValue> item, Expr cond) {
        return new DynamoDb.Put(name, item, cond.conditionExpression(), cond.placeholders());
    }

    DynamoDb.Delete delete(CanaryId id, String sk, Expr cond) {
        return new DynamoDb.Delete(name, Items.key(id, sk), cond.conditionExpression(), cond.placeholders());
    }

    /** A transaction condition that the canary has a document. */
    DynamoDb.ConditionCheck specExists(CanaryId id) {
        return new DynamoDb.ConditionCheck(name, Items.key(id, Items.SPEC), "attribute_exists(#pk)",
                new DynamoDb.Placeholders(Map.of("#pk", CanaryTable.PK), Map.of()));
    }

    void transact(TransactItem... items) {
        client.transactWriteItems(List.of(items));
    }

    /** {@link #transact}, answering the cancellation instead of throwing it. */
    Optional<TransactionCanceledException> tryTransact(TransactItem... items) {
        try {
            transact(items);
            return Optional.empty();
        } catch (TransactionCanceledException e) {
            return Optional.of(e);
        }
    }

    /** True if a cancelled transaction failed only because another transaction touched the same items. */
    static boolean onlyContention(TransactionCanceledException e) {
        if (e.reasonCodes().isEmpty()) {
            return false;
        }
        boolean conflict = false;
        for (String code : e.reasonCodes()) {
            if (code.equals("TransactionConflict")) {
                conflict = true;
            } else if (!code.equals("None")) {
                return false;
            }
        }
        return conflict;
    }

    static void pause(int attempt) {
        long millis = (5L << Math.min(attempt, 6)) + ThreadLocalRandom.current().nextLong(5);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AwsException("", 0, "", "interrupted while retrying", e);
        }
    }

    static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("page limit must be 1.." + MAX_PAGE + ": " + limit);
        }
    }

    /** The attributes that make the STATUS item the canary's entry in the status index. */
    static Expr indexEntry(Expr e, CanaryId id) {
        return e.set(CanaryTable.GSI_PK, s(CanaryTable.GSI_PK_VALUE)).set(CanaryTable.GSI_SK, s(Items.listKey(id)))
                .set("namespace", s(id.namespace())).set("name", s(id.name()));
    }
}
