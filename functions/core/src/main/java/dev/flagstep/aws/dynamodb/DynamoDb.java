package dev.flagstep.aws.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.aws.AwsException;
import dev.flagstep.aws.AwsJsonClient;
import dev.flagstep.aws.AwsService;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The DynamoDB operations flagstep's store calls, on {@link AwsJsonClient} (the SDK's DynamoDB client was
 * the largest jar of every zip): items, queries, conditional writes, transactions, batch deletes, and the
 * control-plane calls that create the table locally and in tests. Condition failures and cancelled
 * transactions come out as {@link ConditionalCheckFailedException} and {@link TransactionCanceledException};
 * every other failure as an {@link AwsException}.
 */
public final class DynamoDb {

    /** Placeholders of an expression: {@code #name} to attribute names, {@code :value} to values; both may be empty. */
    public record Placeholders(Map<String, String> names, Map<String, AttributeValue> values) {
        public static final Placeholders NONE = new Placeholders(Map.of(), Map.of());

        public Placeholders {
            names = Map.copyOf(names);
            values = Map.copyOf(values);
        }
    }

    /** One write of a transaction. */
    public sealed interface TransactItem {}

    public record Put(String table, Map<String, AttributeValue> item, Optional<String> condition, Placeholders placeholders)
            implements TransactItem {}

    public record Update(String table, Map<String, AttributeValue> key, String update, Optional<String> condition,
            Placeholders placeholders) implements TransactItem {}

    public record Delete(String table, Map<String, AttributeValue> key, Optional<String> condition, Placeholders placeholders)
            implements TransactItem {}

    public record ConditionCheck(String table, Map<String, AttributeValue> key, String condition, Placeholders placeholders)
            implements TransactItem {}

    /** What UpdateItem answers: nothing, or the item as it was before. */
    public enum ReturnValue { NONE, ALL_OLD }

    /** A Query; always strongly consistent on the table (indexes are read eventually consistent, the only way). */
    public record Query(String table, Optional<String> index, String keyCondition, Placeholders placeholders,
            Optional<String> projection, boolean forward, Map<String, AttributeValue> exclusiveStartKey, OptionalInt limit) {}

    /** One page of a query; the last evaluated key is empty on the last page. */
    public record Page(List<Map<String, AttributeValue>> items, Map<String, AttributeValue> lastEvaluatedKey) {}

    private final AwsJsonClient client;

    public DynamoDb(AwsJsonClient client) {
        if (!client.service().equals(AwsService.DYNAMODB)) {
            throw new IllegalArgumentException("not a DynamoDB client: " + client);
        }
        this.client = client;
    }

    /** The item under {@code key}, read strongly consistent; empty when there is none. */
    public Map<String, AttributeValue> getItem(String table, Map<String, AttributeValue> key) {
        ObjectNode in = client.object().put("TableName", table).put("ConsistentRead", true);
        in.set("Key", AttributeValues.json(key));
        return AttributeValues.item(call("GetItem", in).path("Item"));
    }

    public void putItem(Put put) {
        call("PutItem", put(put));
    }

    /**
     * @param oldItemOnConditionFailure the item as it was comes with a {@link ConditionalCheckFailedException}
     * @return the item before the update with {@link ReturnValue#ALL_OLD}, else empty
     */
    public Map<String, AttributeValue> updateItem(Update update, ReturnValue returnValue, boolean oldItemOnConditionFailure) {
        ObjectNode in = update(update);
        in.put("ReturnValues", returnValue.name());
        if (oldItemOnConditionFailure) {
            in.put("ReturnValuesOnConditionCheckFailure", "ALL_OLD");
        }
        return AttributeValues.item(call("UpdateItem", in).path("Attributes"));
    }

    public Page query(Query q) {
        ObjectNode in = client.object().put("TableName", q.table()).put("KeyConditionExpression", q.keyCondition())
                .put("ScanIndexForward", q.forward());
        q.index().ifPresentOrElse(i -> in.put("IndexName", i), () -> in.put("ConsistentRead", true));
        placeholders(in, q.placeholders());
        q.projection().ifPresent(p -> in.put("ProjectionExpression", p));
        if (!q.exclusiveStartKey().isEmpty()) {
            in.set("ExclusiveStartKey", AttributeValues.json(q.exclusiveStartKey()));
        }
        q.limit().ifPresent(l -> in.put("Limit", l));
        JsonNode out = call("Query", in);
        return new Page(AttributeValues.items(out.path("Items")), AttributeValues.item(out.path("LastEvaluatedKey")));
    }

    /** @throws TransactionCanceledException with a reason per item */
    public void transactWriteItems(List<TransactItem> items) {
        ObjectNode in = client.object();
        ArrayNode array = in.putArray("TransactItems");
        for (TransactItem item : items) {
            ObjectNode entry = array.addObject();
            switch (item) {
                case Put p -> entry.set("Put", put(p));
                case Update u -> entry.set("Update", update(u));
                case Delete d -> entry.set("Delete", delete(d));
                case ConditionCheck c -> entry.set("ConditionCheck", conditionCheck(c));
            }
        }
        call("TransactWriteItems", in);
    }

    /** Deletes up to 25 items in one BatchWriteItem; answers the keys left unprocessed (to send again). */
    public List<Map<String, AttributeValue>> batchDelete(String table, List<Map<String, AttributeValue>> keys) {
        ObjectNode in = client.object();
        ArrayNode requests = in.putObject("RequestItems").putArray(table);
        for (Map<String, AttributeValue> key : keys) {
            requests.addObject().putObject("DeleteRequest").set("Key", AttributeValues.json(key));
        }
        JsonNode unprocessed = call("BatchWriteItem", in).path("UnprocessedItems").path(table);
        return unprocessed.valueStream().map(r -> AttributeValues.item(r.path("DeleteRequest").path("Key"))).toList();
    }

    /** A control-plane call (CreateTable, DescribeTable, UpdateTimeToLive, ListTables, DeleteTable...) as JSON. */
    public JsonNode control(String operation, ObjectNode input) {
        return call(operation, input);
    }

    public ObjectNode object() {
        return client.object();
    }

    private JsonNode call(String operation, ObjectNode in) {
        try {
            return client.call(operation, in);
        } catch (AwsException e) {
            throw switch (e.errorCode()) {
                case ConditionalCheckFailedException.CODE -> new ConditionalCheckFailedException(e);
                case TransactionCanceledException.CODE -> new TransactionCanceledException(e);
                default -> e;
            };
        }
    }

    private ObjectNode put(Put p) {
        return write(p.table(), "Item", p.item(), p.condition(), p.placeholders());
    }

    private ObjectNode update(Update u) {
        return write(u.table(), "Key", u.key(), u.condition(), u.placeholders()).put("UpdateExpression", u.update());
    }

    private ObjectNode delete(Delete d) {
        return write(d.table(), "Key", d.key(), d.condition(), d.placeholders());
    }

    private ObjectNode conditionCheck(ConditionCheck c) {
        return write(c.table(), "Key", c.key(), Optional.of(c.condition()), c.placeholders());
    }

    /** One write's input: the table, its item or key, its condition and the placeholders of both expressions. */
    private ObjectNode write(String table, String field, Map<String, AttributeValue> itemOrKey, Optional<String> condition,
            Placeholders p) {
        ObjectNode o = client.object().put("TableName", table);
        o.set(field, AttributeValues.json(itemOrKey));
        condition.ifPresent(c -> o.put("ConditionExpression", c));
        placeholders(o, p);
        return o;
    }

    /** DynamoDB rejects empty placeholder maps: an unused one is left out. */
    private static void placeholders(ObjectNode o, Placeholders p) {
        if (!p.names().isEmpty()) {
            ObjectNode names = o.putObject("ExpressionAttributeNames");
            p.names().forEach(names::put);
        }
        if (!p.values().isEmpty()) {
            o.set("ExpressionAttributeValues", AttributeValues.json(p.values()));
        }
    }
}
