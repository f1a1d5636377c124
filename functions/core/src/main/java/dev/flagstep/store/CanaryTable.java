package dev.flagstep.store;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.aws.dynamodb.DynamoDb;

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
 * CANARY#{ns}/{name}    RUN#{runId}                  revision, startedAt, endedAt, result, weights, supersededBy,
 *                                                    retryOf, control, operations, approvals, pauseToken, pausedSince
 * CANARY#{ns}/{name}    LINK#{nonce}                 a spent gate link: gateType, action, runId, usedBy, usedAt,
 *                                                    expiresAt (TTL: the link's own expiry)
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
    public static void create(DynamoDb client, String tableName) {
        ObjectNode in = client.object().put("TableName", tableName).put("BillingMode", "PAY_PER_REQUEST");
        ArrayNode attributes = in.putArray("AttributeDefinitions");
        for (String name : new String[] {PK, SK, GSI_PK, GSI_SK}) {
            attributes.addObject().put("AttributeName", name).put("AttributeType", "S");
        }
        keySchema(in, PK, SK);
        ObjectNode index = in.putArray("GlobalSecondaryIndexes").addObject().put("IndexName", STATUS_INDEX);
        keySchema(index, GSI_PK, GSI_SK);
        index.putObject("Projection").put("ProjectionType", "ALL");
        client.control("CreateTable", in);
        awaitActive(client, tableName);
        ObjectNode ttl = client.object().put("TableName", tableName);
        ttl.putObject("TimeToLiveSpecification").put("AttributeName", TTL_ATTRIBUTE).put("Enabled", true);
        client.control("UpdateTimeToLive", ttl);
    }

    private static void keySchema(ObjectNode o, String hash, String range) {
        ArrayNode keys = o.putArray("KeySchema");
        keys.addObject().put("AttributeName", hash).put("KeyType", "HASH");
        keys.addObject().put("AttributeName", range).put("KeyType", "RANGE");
    }

    /** The SDK waiter's loop: DescribeTable every 20 s until ACTIVE, 25 times at most (a new table takes seconds). */
    private static void awaitActive(DynamoDb client, String tableName) {
        for (int attempt = 1; ; attempt++) {
            String status = client.control("DescribeTable", client.object().put("TableName", tableName))
                    .path("Table").path("TableStatus").asText();
            if (status.equals("ACTIVE")) {
                return;
            }
            if (attempt == 25) {
                throw new IllegalStateException("table " + tableName + " is still " + status);
            }
            try {
                Thread.sleep(attempt == 1 ? 1_000 : 20_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for table " + tableName, e);
            }
        }
    }
}
