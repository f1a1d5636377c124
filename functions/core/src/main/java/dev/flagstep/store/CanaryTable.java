package dev.flagstep.store;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The one table of docs/architecture.md ("The table"). template.yaml declares the same keys, index and TTL
 * attribute; tests and the local runtime create it with {@link #create}.
 *
 * <pre>
 * pk                    sk                           item
 * CANARY#{ns}/{name}    SPEC                         source, version, updatedAt
 * CANARY#{ns}/{name}    STATUS                       status fields, version; specVersion; activeRunId/-Revision/-Since;
 *                                                    the tick memo: lastTick, lastDecision, lastWaitSeconds,
 *                                                    gateClosedSince, tickLeaseUntil (while a tick is claimed);
 *                                                    gsiPk = "CANARY", gsiSk = "{ns}/{name}" (the status-index entry)
 * CANARY#{ns}/{name}    GATE#{type}                  open, who, why, when, taskToken, waitingSince
 * CANARY#{ns}/{name}    EVENT#{epochMillis:13}#{seq:04}  one event, expiresAt (TTL, epoch seconds)
 * CANARY#{ns}/{name}    RUN#{runId}                  revision, startedAt, endedAt, result, weights, supersededBy
 * </pre>
 */
public final class CanaryTable {

    public static final String PK = "pk";
    public static final String SK = "sk";
    /** The status index lists every canary's STATUS item, sorted by "{ns}/{name}". */
    public static final String STATUS_INDEX = "status-index";
    public static final String GSI_PK = "gsiPk";
    public static final String GSI_SK = "gsiSk";
    /** The single partition of the status index: only STATUS items carry it (a sparse index). */
    public static final String GSI_PK_VALUE = "CANARY";
    public static final String TTL_ATTRIBUTE = "expiresAt";

    private CanaryTable() {}

    /** Creates the table (on demand), waits until it is active, and turns TTL on. */
    public static void create(DynamoDbClient client, String tableName) {
        client.createTable(b -> b.tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        attribute(PK), attribute(SK), attribute(GSI_PK), attribute(GSI_SK))
                .keySchema(key(PK, KeyType.HASH), key(SK, KeyType.RANGE))
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                        .indexName(STATUS_INDEX)
                        .keySchema(key(GSI_PK, KeyType.HASH), key(GSI_SK, KeyType.RANGE))
                        .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                        .build()));
        client.waiter().waitUntilTableExists(b -> b.tableName(tableName));
        client.updateTimeToLive(b -> b.tableName(tableName)
                .timeToLiveSpecification(t -> t.attributeName(TTL_ATTRIBUTE).enabled(true)));
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
