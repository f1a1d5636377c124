package dev.flagstep.store;

import static dev.flagstep.store.DynamoDbTable.call;
import static dev.flagstep.store.Items.bool;
import static dev.flagstep.store.Items.s;
import static dev.flagstep.store.Items.time;

import dev.flagstep.aws.dynamodb.AttributeValue;
import dev.flagstep.aws.dynamodb.ConditionalCheckFailedException;
import dev.flagstep.aws.dynamodb.DynamoDb;
import dev.flagstep.gate.GateType;
import dev.flagstep.spec.CanaryId;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link GateStore} on the GATE items of {@link CanaryTable}: each open, close, park and clear is
 * one conditional update, so an open and a park of the same gate are decided by DynamoDB.
 */
public final class DynamoDbGateStore implements GateStore {

    private static final String SYSTEM = "flagstep";

    private final DynamoDbTable table;
    private final Clock clock;

    public DynamoDbGateStore(DynamoDb client, String tableName, Clock clock) {
        this.table = new DynamoDbTable(client, tableName);
        this.clock = clock;
    }

    @Override
    public Gate gate(CanaryId id, GateType type) {
        return call("gate " + type, id, () -> Items.gate(table.get(id, sk(type))));
    }

    @Override
    public Map<GateType, Gate> gates(CanaryId id) {
        return call("gates", id, () -> {
            Map<GateType, Gate> gates = new EnumMap<>(GateType.class);
            for (GateType type : GateType.values()) {
                gates.put(type, Gate.closed());
            }
            DynamoDbTable.Slice slice = table.query(Map.of(), DynamoDbTable.MAX_PAGE,
                    (from, max) -> table.partitionQuery(id, Items.GATE, true, from, max));
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
            Expr e = identity(new Expr(), id, type)
                    .set("open", bool(true)).set("who", s(who)).set("why", s(why)).set("when", time(clock.instant()))
                    .remove("taskToken").remove("waitingSince");
            // ALL_OLD hands back the token this very update removed: exactly one opener gets it
            Map<String, AttributeValue> old = table.updateItem(id, sk(type), e, DynamoDb.ReturnValue.ALL_OLD);
            return Items.str(old, "taskToken");
        });
    }

    @Override
    public void closeGate(CanaryId id, GateType type, String who, String why) {
        call("closeGate " + type, id, () -> {
            Expr e = identity(new Expr(), id, type)
                    .set("open", bool(false)).set("who", s(who)).set("why", s(why)).set("when", time(clock.instant()));
            return table.updateItem(id, sk(type), e, DynamoDb.ReturnValue.NONE);
        });
    }

    @Override
    public ParkResult park(CanaryId id, GateType type, String taskToken, Instant now) {
        return call("park " + type, id, () -> {
            Expr e = identity(new Expr(), id, type)
                    .set("taskToken", s(taskToken)).set("waitingSince", time(now));
            e.condition("attribute_not_exists(" + e.n("open") + ") OR " + e.n("open") + " = " + e.v(bool(false)));
            try {
                table.client.updateItem(table.update(id, sk(type), e), DynamoDb.ReturnValue.NONE, true);
                return new ParkResult.Parked();
            } catch (ConditionalCheckFailedException open) {
                // the gate as it was when the park lost, not a later read that may already be closed again
                Gate gate = !open.item().isEmpty() ? Items.gate(open.item()) : Items.gate(table.get(id, sk(type)));
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
                table.updateItem(id, sk(type), e, DynamoDb.ReturnValue.NONE);
                return true;
            } catch (ConditionalCheckFailedException notOurs) {
                return false;
            }
        });
    }

    @Override
    public void closeAll(CanaryId id) {
        DynamoDbTable.retrying("closeAll", id, () -> {
            Instant now = clock.instant();
            List<DynamoDb.TransactItem> updates = new ArrayList<>();
            for (GateType type : GateType.values()) {
                Expr e = identity(new Expr(), id, type)
                        .set("open", bool(false)).set("who", s(SYSTEM)).set("why", s("rollout ended"))
                        .set("when", time(now)).remove("taskToken").remove("waitingSince");
                updates.add(table.update(id, sk(type), e));
            }
            return table.tryTransact(updates.toArray(DynamoDb.TransactItem[]::new)).isEmpty()
                    ? Optional.of(true)
                    : Optional.empty(); // contention: try again
        });
    }

    private static Expr identity(Expr e, CanaryId id, GateType type) {
        return e.set("namespace", s(id.namespace())).set("name", s(id.name())).set("gateType", s(type.wireName()));
    }

    private static String sk(GateType type) {
        return Items.GATE + type.wireName();
    }
}
