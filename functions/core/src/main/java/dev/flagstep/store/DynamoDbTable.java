package dev.flagstep.store;

import static dev.flagstep.store.Items.s;

import dev.flagstep.spec.CanaryId;
import java.util.ArrayList;
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
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The table calls every DynamoDB store shares, on the single table of {@link CanaryTable}, with the
 * low-level client (no enhanced client: fewer classes to load at a Lambda cold start): consistent
 * reads, paged queries, conditional writes and transactions, the retry loop for cancelled
 * transactions, and the mapping of SDK failures to {@link StoreException}s naming the operation.
 */
final class DynamoDbTable {

    static final int MAX_ATTEMPTS = 8;
    static final int MAX_PAGE = 1000;

    final DynamoDbClient client;
    final String name;

    DynamoDbTable(DynamoDbClient client, String name) {
        this.client = client;
        this.name = name;
    }

    /** Runs one operation; anything DynamoDB or the SDK throws comes out naming the operation and canary. */
    static <T> T call(String operation, CanaryId id, Supplier<T> action) {
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
        var response = client.getItem(g -> g.tableName(name).key(Items.key(id, sk)).consistentRead(true));
        return response.hasItem() ? response.item() : Map.of();
    }

    /** Whether the canary has a document (its SPEC item). */
    boolean hasSpec(CanaryId id) {
        return !get(id, Items.SPEC).isEmpty();
    }

    Optional<ActiveRun> activeRun(CanaryId id) {
        return Items.activeRun(get(id, Items.STATUS));
    }

    QueryRequest partitionQuery(CanaryId id, String prefix, boolean forward, Map<String, AttributeValue> from, int max) {
        return QueryRequest.builder().tableName(name)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expressionAttributeNames(Map.of("#pk", CanaryTable.PK, "#sk", CanaryTable.SK))
                .expressionAttributeValues(Map.of(":pk", s(Items.pk(id)), ":prefix", s(prefix)))
                .scanIndexForward(forward).consistentRead(true)
                .exclusiveStartKey(from).limit(max).build();
    }

    record Slice(List<Map<String, AttributeValue>> items, boolean more) {}

    /**
     * Up to {@code limit} items from {@code start}, following DynamoDB's own pages. One extra item is
     * asked for, so "more" is known for certain and a cursor never leads to an empty page.
     */
    Slice query(Map<String, AttributeValue> start, int limit,
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

    UpdateItemRequest updateRequest(CanaryId id, String sk, Expr e, ReturnValue returnValue) {
        UpdateItemRequest.Builder b = UpdateItemRequest.builder().tableName(name).key(Items.key(id, sk))
                .updateExpression(e.update())
                .expressionAttributeNames(e.names()).expressionAttributeValues(e.values())
                .returnValues(returnValue);
        e.conditionExpression().ifPresent(b::conditionExpression);
        return b.build();
    }

    TransactWriteItem update(CanaryId id, String sk, Expr e) {
        Update.Builder b = Update.builder().tableName(name).key(Items.key(id, sk)).updateExpression(e.update())
                .expressionAttributeNames(e.names()).expressionAttributeValues(e.values());
        e.conditionExpression().ifPresent(b::conditionExpression);
        return TransactWriteItem.builder().update(b.build()).build();
    }

    TransactWriteItem put(Map<String, AttributeValue> item, Expr cond) {
        Put.Builder b = Put.builder().tableName(name).item(item)
                .expressionAttributeNames(cond.names()).expressionAttributeValues(cond.values());
        cond.conditionExpression().ifPresent(b::conditionExpression);
        return TransactWriteItem.builder().put(b.build()).build();
    }

    TransactWriteItem delete(CanaryId id, String sk, Expr cond) {
        Delete.Builder b = Delete.builder().tableName(name).key(Items.key(id, sk))
                .expressionAttributeNames(cond.names()).expressionAttributeValues(cond.values());
        cond.conditionExpression().ifPresent(b::conditionExpression);
        return TransactWriteItem.builder().delete(b.build()).build();
    }

    /** A transaction condition that the canary has a document. */
    TransactWriteItem specExists(CanaryId id) {
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(name)
                .key(Items.key(id, Items.SPEC))
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", CanaryTable.PK))
                .build()).build();
    }

    void transact(TransactWriteItem... items) {
        client.transactWriteItems(b -> b.transactItems(items));
    }

    /** {@link #transact}, answering the cancellation instead of throwing it. */
    Optional<TransactionCanceledException> tryTransact(TransactWriteItem... items) {
        try {
            transact(items);
            return Optional.empty();
        } catch (TransactionCanceledException e) {
            return Optional.of(e);
        }
    }

    /** True if a cancelled transaction failed only because another transaction touched the same items. */
    static boolean onlyContention(TransactionCanceledException e) {
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

    static void pause(int attempt) {
        long millis = (5L << Math.min(attempt, 6)) + ThreadLocalRandom.current().nextLong(5);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SdkException.builder().message("interrupted while retrying").cause(e).build();
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
