package dev.flagstep.store;

import dev.flagstep.operation.Approval;
import dev.flagstep.operation.Operation;
import dev.flagstep.operation.RunControl;
import dev.flagstep.operation.RunOperation;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.StatusCondition;
import dev.flagstep.aws.dynamodb.AttributeValue;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.spec.CanaryId;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Item attributes to domain records and back. Instants are ISO-8601 strings (readable in the
 * console, sortable); the only epoch number is the TTL attribute DynamoDB requires.
 */
final class Items {

    static final String SPEC = "SPEC";
    static final String STATUS = "STATUS";
    static final String GATE = "GATE#";
    static final String EVENT = "EVENT#";
    static final String RUN = "RUN#";
    static final String LINK = "LINK#";

    private Items() {}

    static String pk(CanaryId id) {
        return "CANARY#" + id.namespace() + "/" + id.name();
    }

    static String listKey(CanaryId id) {
        return id.namespace() + "/" + id.name();
    }

    static CanaryId fromListKey(String key) {
        int slash = key.indexOf('/');
        return new CanaryId(key.substring(0, slash), key.substring(slash + 1));
    }

    static Map<String, AttributeValue> key(CanaryId id, String sk) {
        return Map.of(CanaryTable.PK, s(pk(id)), CanaryTable.SK, s(sk));
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static AttributeValue bool(boolean value) {
        return AttributeValue.fromBool(value);
    }

    static AttributeValue time(Instant value) {
        return s(value.toString());
    }

    static Optional<String> str(Map<String, AttributeValue> item, String name) {
        return Optional.ofNullable(item.get(name)).flatMap(AttributeValue::asS);
    }

    static long num(Map<String, AttributeValue> item, String name) {
        return Optional.ofNullable(item.get(name)).flatMap(AttributeValue::asN).map(Long::parseLong).orElse(0L);
    }

    static Optional<Instant> instant(Map<String, AttributeValue> item, String name) {
        return str(item, name).map(Instant::parse);
    }

    // --- status ---

    /** The status fields only; keys, version and the run claim are written by the caller. */
    static Map<String, AttributeValue> statusFields(CanaryStatus status) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        m.put("phase", s(status.phase().wireName()));
        m.put("canaryWeight", n(status.canaryWeight()));
        m.put("failedChecks", n(status.failedChecks()));
        m.put("iterations", n(status.iterations()));
        m.put("checksum", s(orEmpty(status.checksum())));
        m.put("promotedChecksum", s(orEmpty(status.promotedChecksum())));
        putIfPresent(m, "lastTransitionTime", status.lastTransitionTime());
        m.put("conditions", AttributeValue.fromL(status.conditions().stream().map(Items::condition).toList()));
        if (!status.trackedConfigs().isEmpty()) {
            Map<String, AttributeValue> configs = new LinkedHashMap<>();
            status.trackedConfigs().forEach((k, v) -> configs.put(k, s(v)));
            m.put("trackedConfigs", AttributeValue.fromM(configs));
        }
        return m;
    }

    static Optional<Versioned<CanaryStatus>> status(Map<String, AttributeValue> item) {
        if (!item.containsKey("version") || !item.containsKey("phase")) {
            return Optional.empty(); // the STATUS item exists (index entry, claim) but no status was saved
        }
        CanaryStatus status = new CanaryStatus(
                CanaryPhase.fromWire(str(item, "phase").orElse("")).orElse(CanaryPhase.INITIALIZING),
                (int) num(item, "canaryWeight"),
                (int) num(item, "failedChecks"),
                (int) num(item, "iterations"),
                str(item, "checksum").orElse(""),
                instant(item, "lastTransitionTime").orElse(null),
                Optional.ofNullable(item.get("conditions")).flatMap(AttributeValue::asL).orElse(List.of()).stream()
                        .map(c -> condition(c.asM().orElse(Map.of())))
                        .toList(),
                str(item, "promotedChecksum").orElse(""),
                trackedConfigs(item));
        return Optional.of(new Versioned<>(status, num(item, "version")));
    }

    private static Map<String, String> trackedConfigs(Map<String, AttributeValue> item) {
        Map<String, String> out = new LinkedHashMap<>();
        Optional.ofNullable(item.get("trackedConfigs")).flatMap(AttributeValue::asM).orElse(Map.of())
                .forEach((k, v) -> v.asS().ifPresent(c -> out.put(k, c)));
        return out;
    }

    /** How long a claim written before leases existed (only its start was kept) is honoured. */
    static final Duration LEGACY_LEASE = Duration.ofMinutes(15);

    /** The last tick's memo on a STATUS item, if a phase saved one. */
    static Optional<TickMemo> memo(Map<String, AttributeValue> item) {
        Optional<Instant> lease = instant(item, "tickLeaseUntil")
                .or(() -> instant(item, "tickStartedAt").map(started -> started.plus(LEGACY_LEASE)));
        return str(item, "lastTick").map(tick -> new TickMemo(tick, str(item, "lastDecision").orElse(""),
                instant(item, "gateClosedSince"), (int) num(item, "lastWaitSeconds"), lease));
    }

    /** A condition as a map; absent components are left out and read back as absent (null). */
    private static AttributeValue condition(StatusCondition c) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        putIfPresent(m, "type", c.type());
        putIfPresent(m, "status", c.status());
        putIfPresent(m, "reason", c.reason());
        putIfPresent(m, "message", c.message());
        putIfPresent(m, "lastUpdateTime", c.lastUpdateTime());
        putIfPresent(m, "lastTransitionTime", c.lastTransitionTime());
        return AttributeValue.fromM(m);
    }

    private static StatusCondition condition(Map<String, AttributeValue> m) {
        return new StatusCondition(
                str(m, "type").orElse(null),
                str(m, "status").orElse(null),
                str(m, "reason").orElse(null),
                str(m, "message").orElse(null),
                instant(m, "lastUpdateTime").orElse(null),
                instant(m, "lastTransitionTime").orElse(null));
    }

    static Optional<ActiveRun> activeRun(Map<String, AttributeValue> item) {
        return str(item, "activeRunId").map(runId -> new ActiveRun(
                runId, str(item, "activeRevision").orElse(""), instant(item, "activeSince").orElse(Instant.EPOCH)));
    }

    // --- gates ---

    static Gate gate(Map<String, AttributeValue> item) {
        if (item.isEmpty()) {
            return Gate.closed();
        }
        return new Gate(
                Optional.ofNullable(item.get("open")).flatMap(AttributeValue::asBool).orElse(false),
                str(item, "who"),
                str(item, "why"),
                instant(item, "when"),
                str(item, "taskToken"),
                instant(item, "waitingSince"));
    }

    // --- events ---

    static String eventSk(long epochMillis, int seq) {
        // Locale.ROOT: ASCII digits whatever the JVM's locale (ar-EG formats %d as Arabic-Indic digits), so
        // every writer produces the same keys and cursors
        return String.format(Locale.ROOT, "%s%013d#%04d", EVENT, epochMillis, seq);
    }

    static Map<String, AttributeValue> event(CanaryEvent e) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        m.put("namespace", s(e.canary().namespace()));
        m.put("name", s(e.canary().name()));
        m.put("severity", s(e.severity().name()));
        m.put("message", s(orEmpty(e.message())));
        m.put("phase", s(e.phase().wireName()));
        m.put("timestamp", time(e.timestamp()));
        m.put("canaryWeight", n(e.canaryWeight()));
        m.put("failedChecks", n(e.failedChecks()));
        m.put("runId", s(orEmpty(e.runId())));
        m.put("checksum", s(orEmpty(e.checksum())));
        return m;
    }

    static CanaryEvent event(CanaryId id, Map<String, AttributeValue> item) {
        return new CanaryEvent(
                id,
                Message.Severity.valueOf(str(item, "severity").orElse("NORMAL")),
                str(item, "message").orElse(""),
                CanaryPhase.fromWire(str(item, "phase").orElse("")).orElse(CanaryPhase.INITIALIZING),
                instant(item, "timestamp").orElse(Instant.EPOCH),
                (int) num(item, "canaryWeight"),
                (int) num(item, "failedChecks"),
                str(item, "runId").orElse(""),
                str(item, "checksum").orElse(""));
    }

    // --- runs ---

    static Run run(CanaryId id, Map<String, AttributeValue> item) {
        return new Run(
                id,
                str(item, "runId").orElse(""),
                str(item, "revision").orElse(""),
                instant(item, "startedAt").orElse(Instant.EPOCH),
                instant(item, "endedAt"),
                RunResult.valueOf(str(item, "result").orElse(RunResult.RUNNING.name())),
                Optional.ofNullable(item.get("weights")).flatMap(AttributeValue::asL).orElse(List.of()).stream()
                        .map(w -> w.asM().orElse(Map.of()))
                        .map(w -> new Run.WeightPoint((int) num(w, "weight"), instant(w, "at").orElse(Instant.EPOCH)))
                        .toList(),
                str(item, "supersededBy"),
                str(item, "retryOf"),
                str(item, "control").flatMap(RunControl::fromWire),
                maps(item, "operations").stream()
                        .flatMap(m -> Operation.fromWire(str(m, "operation").orElse("")).stream()
                                .map(op -> new RunOperation(op, str(m, "who").orElse(""), str(m, "reason").orElse(""),
                                        instant(m, "when").orElse(Instant.EPOCH))))
                        .toList(),
                maps(item, "approvals").stream()
                        .map(m -> new Approval(str(m, "gate").orElse(""), str(m, "who").orElse(""), str(m, "why").orElse(""),
                                instant(m, "when").orElse(Instant.EPOCH)))
                        .toList(),
                instant(item, "pausedSince"));
    }

    private static List<Map<String, AttributeValue>> maps(Map<String, AttributeValue> item, String name) {
        return Optional.ofNullable(item.get(name)).flatMap(AttributeValue::asL).orElse(List.of()).stream()
                .map(v -> v.asM().orElse(Map.of())).toList();
    }

    static AttributeValue operation(RunOperation op) {
        return AttributeValue.fromM(Map.of("operation", s(op.operation().wire()), "who", s(op.who()),
                "reason", s(op.reason()), "when", time(op.when())));
    }

    static AttributeValue approval(Approval a) {
        return AttributeValue.fromM(Map.of("gate", s(a.gate()), "who", s(a.who()), "why", s(a.why()), "when", time(a.when())));
    }

    static AttributeValue weightPoint(int weight, Instant at) {
        return AttributeValue.fromM(Map.of("weight", n(weight), "at", time(at)));
    }

    private static void putIfPresent(Map<String, AttributeValue> m, String name, String value) {
        if (value != null) {
            m.put(name, s(value));
        }
    }

    private static void putIfPresent(Map<String, AttributeValue> m, String name, Instant value) {
        if (value != null) {
            m.put(name, time(value));
        }
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
