package dev.flagstep.store;

import static dev.flagstep.store.Items.n;
import static dev.flagstep.store.Items.s;
import static dev.flagstep.store.Items.time;

import dev.flagstep.aws.dynamodb.AttributeValue;
import dev.flagstep.aws.dynamodb.ConditionalCheckFailedException;
import dev.flagstep.aws.dynamodb.DynamoDb;
import dev.flagstep.gatelink.GateLinkClaims;
import dev.flagstep.gatelink.GateLinkUses;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link GateLinkUses} on {@code LINK#{nonce}} items of the canary's partition ({@link CanaryTable}): one
 * conditional PutItem per click, so of two racing clicks exactly one wins. The item expires (TTL) when
 * the link does, and goes with the canary when it is deleted.
 */
public final class DynamoDbGateLinkUses implements GateLinkUses {

    private final DynamoDbTable table;
    private final Clock clock;

    public DynamoDbGateLinkUses(DynamoDb client, String tableName, Clock clock) {
        this.table = new DynamoDbTable(client, tableName);
        this.clock = clock;
    }

    @Override
    public boolean spend(GateLinkClaims link, String usedBy) {
        return DynamoDbTable.call("spendGateLink", link.canary(), () -> {
            Map<String, AttributeValue> item = new HashMap<>(Items.key(link.canary(), Items.LINK + link.nonce()));
            item.put("gateType", s(link.gate().wireName()));
            item.put("action", s(link.action().wireName()));
            item.put("runId", s(link.runId()));
            item.put("usedBy", s(usedBy));
            item.put("usedAt", time(clock.instant()));
            item.put(CanaryTable.TTL_ATTRIBUTE, n(link.expiresAt().getEpochSecond()));
            Expr cond = new Expr();
            cond.condition("attribute_not_exists(" + cond.n(CanaryTable.PK) + ")");
            try {
                table.client.putItem(table.put(item, cond));
                return true;
            } catch (ConditionalCheckFailedException used) {
                return false;
            }
        });
    }

    @Override
    public Optional<Instant> spentAt(GateLinkClaims link) {
        return DynamoDbTable.call("gateLink", link.canary(),
                () -> Items.instant(table.get(link.canary(), Items.LINK + link.nonce()), "usedAt"));
    }
}
