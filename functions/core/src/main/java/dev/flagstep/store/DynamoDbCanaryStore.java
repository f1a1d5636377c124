package dev.flagstep.store;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.aws.dynamodb.DynamoDb;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.gate.GateType;
import dev.flagstep.spec.CanaryId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The whole {@link CanaryStore} on one table: the five DynamoDB ports, side by side. For the wirings
 * and the tests that wrap the whole store; everything else takes the port it uses.
 */
public final class DynamoDbCanaryStore implements CanaryStore {

    public static final Duration DEFAULT_EVENT_RETENTION = DynamoDbEventHistory.DEFAULT_RETENTION;

    private final SpecStore specs;
    private final StatusStore statuses;
    private final GateStore gates;
    private final EventHistory events;
    private final RunStore runs;

    public DynamoDbCanaryStore(DynamoDb client, String tableName, Clock clock, Duration eventRetention) {
        this.events = new DynamoDbEventHistory(client, tableName, eventRetention);
        this.specs = new DynamoDbSpecStore(client, tableName, clock);
        this.statuses = new DynamoDbStatusStore(client, tableName, clock);
        this.gates = new DynamoDbGateStore(client, tableName, clock);
        this.runs = new DynamoDbRunStore(client, tableName);
    }

    public DynamoDbCanaryStore(DynamoDb client, String tableName, Clock clock) {
        this(client, tableName, clock, DEFAULT_EVENT_RETENTION);
    }

    // --- SpecStore

    @Override public long putSpec(CanaryId id, String source, SpecOrigin origin) { return specs.putSpec(id, source, origin); }
    @Override public Optional<SpecRecord> spec(CanaryId id) { return specs.spec(id); }
    @Override public void recordProblem(CanaryId id, Optional<String> problem) { specs.recordProblem(id, problem); }
    @Override public boolean deleteCanary(CanaryId id) { return specs.deleteCanary(id); }
    @Override public Page<CanarySummary> list(Optional<String> namespace, int limit, Optional<String> cursor) {
        return specs.list(namespace, limit, cursor);
    }

    // --- StatusStore

    @Override public Optional<Versioned<CanaryStatus>> status(CanaryId id) { return statuses.status(id); }
    @Override public Optional<StatusRecord> statusRecord(CanaryId id) { return statuses.statusRecord(id); }
    @Override public long saveStatus(CanaryId id, CanaryStatus status, long expectedVersion) {
        return statuses.saveStatus(id, status, expectedVersion);
    }
    @Override public long saveStatus(CanaryId id, CanaryStatus status, long expectedVersion, TickMemo memo) {
        return statuses.saveStatus(id, status, expectedVersion, memo);
    }

    // --- GateStore

    @Override public Gate gate(CanaryId id, GateType type) { return gates.gate(id, type); }
    @Override public Map<GateType, Gate> gates(CanaryId id) { return gates.gates(id); }
    @Override public Optional<String> openGate(CanaryId id, GateType type, String who, String why) {
        return gates.openGate(id, type, who, why);
    }
    @Override public void closeGate(CanaryId id, GateType type, String who, String why) {
        gates.closeGate(id, type, who, why);
    }
    @Override public ParkResult park(CanaryId id, GateType type, String taskToken, Instant now) {
        return gates.park(id, type, taskToken, now);
    }
    @Override public boolean clearToken(CanaryId id, GateType type, String taskToken) {
        return gates.clearToken(id, type, taskToken);
    }
    @Override public void closeAll(CanaryId id) { gates.closeAll(id); }

    // --- EventHistory

    @Override public void append(CanaryEvent event, Optional<String> tickEvent) { events.append(event, tickEvent); }
    @Override public Set<String> tickEvents(CanaryId id, int limit) { return events.tickEvents(id, limit); }
    @Override public Page<CanaryEvent> events(CanaryId id, int limit, Optional<String> cursor) {
        return events.events(id, limit, cursor);
    }

    // --- RunStore

    @Override public ClaimResult claimRun(CanaryId id, String runId, String revision, Instant now) {
        return runs.claimRun(id, runId, revision, now);
    }
    @Override public ClaimResult supersede(CanaryId id, String runId, String revision, Instant now) {
        return runs.supersede(id, runId, revision, now);
    }
    @Override public boolean finishRun(CanaryId id, String runId, RunResult result, Instant now) {
        return runs.finishRun(id, runId, result, now);
    }
    @Override public Optional<Run> run(CanaryId id, String runId) { return runs.run(id, runId); }
    @Override public Optional<ActiveRun> activeRun(CanaryId id) { return runs.activeRun(id); }
    @Override public void appendWeight(CanaryId id, String runId, int weight, Instant now) {
        runs.appendWeight(id, runId, weight, now);
    }
    @Override public Page<Run> runs(CanaryId id, int limit, Optional<String> cursor) { return runs.runs(id, limit, cursor); }
    @Override public boolean claimRetry(CanaryId id, String runId, String revision, String retryOf,
            dev.flagstep.operation.RunOperation retry, Instant now) {
        return runs.claimRetry(id, runId, revision, retryOf, retry, now);
    }
    @Override public Optional<Optional<String>> control(CanaryId id, String runId,
            Optional<dev.flagstep.operation.RunControl> expected, Optional<dev.flagstep.operation.RunControl> next,
            dev.flagstep.operation.RunOperation operation) {
        return runs.control(id, runId, expected, next, operation);
    }
    @Override public boolean parkPaused(CanaryId id, String runId, String taskToken, Instant now) {
        return runs.parkPaused(id, runId, taskToken, now);
    }
    @Override public void recordApproval(CanaryId id, String runId, dev.flagstep.operation.Approval approval) {
        runs.recordApproval(id, runId, approval);
    }
}
