package dev.flagstep.local.e2e;

import static dev.flagstep.local.e2e.FailureKit.image;
import static dev.flagstep.local.e2e.FailureKit.replicas;
import static dev.flagstep.local.e2e.FailureKit.successRate;

import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.local.Delivery;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.asl.HistoryEvent;
import dev.flagstep.phases.TransientFault;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.Gate;
import dev.flagstep.gate.GateType;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fault matrix (issue 10): every phase x every fault a rollout meets in production, one rollout of its own
 * canary per cell, one cell after another (the Kubernetes and DynamoDB faults are global). Each cell's fault
 * starts at the first delivery of its phase in the rollout's run (not in the first pass that onboards the canary)
 * and every cell must end with the invariants of a finished rollout: Succeeded with the new image promoted, or
 * Failed with the canary scaled to zero; either way all traffic on the primary, the run released, the gates
 * closed, post-rollout called with the outcome, events recorded (and a Warning naming the cause when a phase was
 * retried for a transient fault).
 *
 * <p>The default build runs the diagonal (each phase once, the faults in turn: every phase and every fault
 * covered); {@code -Dfault-matrix=full} (bench/fault-matrix.sh) runs all of it. The table is printed at the
 * end and written to {@code target/fault-matrix.txt}.
 */
class FaultMatrixE2ETest {

    /** The phases, in the order a rollout meets them; the last two rows run a rollout whose checks fail. */
    enum Row {
        INITIALIZE("Initialize", false),
        CONFIRM_ROLLOUT("ConfirmRollout", false),
        START_ROLLOUT("StartRollout", false),
        PRE_ROLLOUT("PreRollout", false),
        ANALYSIS("Analysis", false),
        CONFIRM_PROMOTION("ConfirmPromotion", false),
        PROMOTE("Promote", false),
        FINALISE("Finalise", false),
        POST_ROLLOUT("PostRollout", false),
        ROLLBACK("Rollback", true),
        POST_ROLLOUT_FAILED("PostRollout", true);

        final String phase;
        /** The rollout's checks fail (the success rate under its threshold), so Rollback runs. */
        final boolean failing;

        Row(String phase, boolean failing) {
            this.phase = phase;
            this.failing = failing;
        }

        String label() {
            return failing && this != ROLLBACK ? phase + " (failed run)" : phase;
        }
    }

    /** The faults, each starting as the cell's phase is first delivered in the rollout's run. */
    enum Column {
        KUBE_5XX("K8s 503 30s", "k5"),
        KUBE_DOWN("K8s down 10m", "kd"),
        HOOKS_DOWN("hooks 503 30s", "hd"),
        DYNAMO_THROTTLED("Dynamo thr 30s", "dt"),
        KILLED("Lambda killed", "lk");

        final String label;
        final String key;

        Column(String label, String key) {
            this.label = label;
            this.key = key;
        }
    }

    record Cell(Row row, Column column) {
        String canary() {
            return ("fm-" + row.name().replace('_', '-') + "-" + column.key).toLowerCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return row.label() + " x " + column.label;
        }
    }

    /** What a cell ended with: the status, the simulated time from the new revision to the end, what was wrong. */
    record Result(ExecutionStatus status, Duration simulated, boolean faultApplied, String retried, List<String> violations) {
        String cell() {
            String s = switch (status) {
                case SUCCEEDED -> "Succeeded";
                case FAILED -> "Failed";
                default -> status.toString();
            };
            String text = s + " " + simulated.toMinutes() + "m" + (faultApplied ? "" : " -");
            return violations.isEmpty() ? text : text + " !";
        }
    }

    /** Webhook types, each on the receiver at {@code /{canary}/{type}}. */
    static final String[] HOOK_TYPES = {"confirm-rollout", "pre-rollout", "rollout", "confirm-traffic-increase",
            "confirm-promotion", "post-rollout", "rollback", "event"};
    /** Cells known to break an invariant, with the reason (none: every cell passes). */
    static final Map<Cell, String> KNOWN_BROKEN = Map.of();
    static final Duration BURST = Duration.ofSeconds(30);
    static final Duration OUTAGE = Duration.ofMinutes(10);
    static final Duration HOOKS_OUTAGE = Duration.ofSeconds(30);
    /** Real time a cell may take: a killed delivery of a 900 s function is retried 9 s later, Rollback's window is 30 min (18 s). */
    static final Duration PATIENCE = Duration.ofMinutes(3);

    static final Faults FAULTS = new Faults();
    static final List<CanaryEvent> BUS = new CopyOnWriteArrayList<>();
    static final Map<Cell, Result> RESULTS = new LinkedHashMap<>();
    static RolloutHarness h;
    static long startedNanos;

    @BeforeAll
    static void start() {
        startedNanos = System.nanoTime();
        h = RolloutHarness.start(FAULTS);
        h.runtime.bus().listen(BUS::add);
    }

    @AfterEach
    void clearFaults() {
        FAULTS.clear();
    }

    @AfterAll
    static void stop() throws IOException {
        h.sim.resume();
        h.close();
        String table = table(Duration.ofNanos(System.nanoTime() - startedNanos));
        System.out.println(table);
        Path out = Path.of("target", "fault-matrix.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
    }

    /** {@code -Dfault-matrix}: {@code diagonal} (the default), {@code full}, or cells by canary name ({@code fm-analysis-kd,...}). */
    static String scope() {
        return System.getProperty("fault-matrix", "diagonal");
    }

    /** The diagonal: each row once, the columns in turn (every phase and every fault covered). */
    static Stream<Cell> cells() {
        Column[] columns = Column.values();
        Stream<Cell> all = Arrays.stream(Row.values()).flatMap(r -> Arrays.stream(columns).map(c -> new Cell(r, c)));
        return switch (scope()) {
            case "full" -> all;
            case "diagonal" -> all.filter(c -> c.column().ordinal() == c.row().ordinal() % columns.length);
            default -> all.filter(c -> List.of(scope().split(",")).contains(c.canary()));
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void endsWithTrafficOnThePrimaryAndTheRunReleased(Cell cell) throws Exception {
        Assumptions.assumeFalse(KNOWN_BROKEN.containsKey(cell), () -> KNOWN_BROKEN.get(cell));
        Result result = run(cell);
        RESULTS.put(cell, result);
        if (!result.violations().isEmpty()) {
            throw new AssertionError(cell + " ended " + result.status() + " but " + result.violations());
        }
    }

    /**
     * The receiver (hooks and Prometheus) as the cluster Service, in every cell: under the Kubernetes faults its
     * hooks go through the failing API server's service proxy too, and a hook that meets the outage is retried
     * with its phase instead of failing (docs/cluster-services.md), so every hook still reaches the receiver.
     */
    private static String hooksFor(Cell cell) {
        return h.hooksUrl();
    }

    private static Result run(Cell cell) throws Exception {
        String n = cell.canary();
        successRate(h, n, cell.row().failing ? 42.0 : 99.9);
        h.hooks.script("/" + n + "/rollback", Reply.status(403).body("not rolling back"));
        CanaryDocument doc = h.canary(FailureKit.canary(hooksFor(cell), n).analysis("""
                    interval: 10s
                    threshold: 5
                    stepWeight: 20
                    maxWeight: 50
                """ + CanaryYaml.SUCCESS_RATE + CanaryYaml.webhooks(hooksFor(cell) + "/" + n, HOOK_TYPES)));
        CanaryId id = doc.canary().id();
        // a durable gate left open: the run's end must close it (the hooks here are the receiver's, not gates)
        h.runtime.store().openGate(id, GateType.CONFIRM_PROMOTION, "fault-matrix", "left open");

        // the first pass onboards the canary (its own Initialize): the fault is for the rollout's run
        Execution onboarding = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());
        h.assertEnded(onboarding, ExecutionStatus.SUCCEEDED);
        AtomicReference<Delivery> hit = new AtomicReference<>();
        FAULTS.every(n, cell.row().phase, onFirstDelivery(fault(cell), hit));

        Instant from = h.runtime.clock().instant();
        h.sim.newRevision(id.namespace(), doc.canary().targetRef().name(), RolloutHarness.NEW_IMAGE);
        Execution rollout = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());
        ExecutionStatus status;
        try {
            status = h.awaitEnd(rollout, PATIENCE);
        } finally {
            FAULTS.clear();
        }
        Duration simulated = Duration.between(from, h.runtime.clock().instant());
        if (!List.of("full", "diagonal").contains(scope())) {
            System.out.println(cell + ", milliseconds from the execution's start (its history's clock):\n" + timeline(rollout));
        }
        boolean applied = hit.get() != null && (cell.column() != Column.KILLED || retries(rollout, "Sandbox.Timedout").findAny().isPresent());
        return new Result(status, simulated, applied, retried(rollout), violations(cell, doc, rollout, status));
    }

    private static Faults.Fault fault(Cell cell) {
        String n = cell.canary();
        return switch (cell.column()) {
            case KUBE_5XX -> FAULTS.kubeAnswers(503, BURST);
            case KUBE_DOWN -> FAULTS.kubeDown(OUTAGE);
            // every hook but the rollback hook (which answers "no" already: a 200 there would ask for a rollback)
            case HOOKS_DOWN -> FAULTS.webhooksDown(HOOKS_OUTAGE, Arrays.stream(HOOK_TYPES)
                    .filter(t -> !t.equals("rollback")).map(t -> "/" + n + "/" + t).toArray(String[]::new));
            case DYNAMO_THROTTLED -> FAULTS.dynamoThrottled(BURST);
            case KILLED -> Faults.killedAfterClaim(Faults.Kill.TIMEOUT);
        };
    }

    /** {@code fault} on the first delivery it sees only (retries and later ticks of the phase go unharmed). */
    private static Faults.Fault onFirstDelivery(Faults.Fault fault, AtomicReference<Delivery> hit) {
        return new Faults.Fault() {
            @Override
            public void started(Delivery d) {
                if (hit.compareAndSet(null, d)) {
                    fault.started(d);
                }
            }

            @Override
            public void storeCall(Delivery d, String operation, Object[] args) {
                if (hit.get() == d) {
                    fault.storeCall(d, operation, args);
                }
            }
        };
    }

    /** Every invariant of a finished rollout the cell broke (empty: none). */
    private static List<String> violations(Cell cell, CanaryDocument doc, Execution rollout, ExecutionStatus status) {
        String n = cell.canary();
        CanaryId id = doc.canary().id();
        List<String> v = new ArrayList<>();
        Execution last = rollout.chain().latest();
        List<String> messages = h.messages(id);
        String trail = " (trail " + RolloutHarness.trail(last) + "; events " + messages + ")";
        boolean succeeded = status == ExecutionStatus.SUCCEEDED;
        if (!succeeded && status != ExecutionStatus.FAILED) {
            v.add("execution ended " + status + " " + last.error().orElse("") + ": " + last.cause().orElse(""));
        }
        if (succeeded && cell.row().failing) {
            v.add("a rollout whose checks fail ended Succeeded");
        }
        check(v, "routes", h.routes(doc), Routes.allPrimary());
        check(v, "status", h.status(doc).phase(), succeeded ? CanaryPhase.SUCCEEDED : CanaryPhase.FAILED);
        if (succeeded) {
            check(v, "primary image", image(h, n + "-primary"), RolloutHarness.NEW_IMAGE);
        } else {
            check(v, "canary replicas", replicas(h, n), 0);
        }
        check(v, "active run", h.runtime.store().activeRun(id).isPresent(), false);
        check(v, "open gates", h.runtime.store().gates(id).values().stream().anyMatch(Gate::open), false);

        String outcome = succeeded ? "Succeeded" : "Failed";
        List<String> post = h.calls("/" + n + "/post-rollout").stream().map(c -> c.path("phase").asText()).toList();
        // a retried PostRollout calls its hooks again (as Flagger does on the next tick), and a hook answering
        // 503 is called until it answers; otherwise exactly once
        boolean recalls = cell.row().phase.equals("PostRollout") || cell.column() == Column.HOOKS_DOWN;
        if (post.isEmpty() || !post.stream().allMatch(outcome::equals) || (!recalls && post.size() != 1)) {
            v.add("post-rollout calls " + post + ", expected " + (recalls ? "" : "one ") + outcome);
        }
        String ending = succeeded ? "Promotion completed! Scaling down " + n + ".e2e" : "Canary failed! Scaling down " + n + ".e2e";
        if (!messages.contains(ending)) {
            v.add("no event \"" + ending + "\"");
        }
        if (retries(rollout, TransientFault.ERROR).findAny().isPresent() && warnings(n).noneMatch(m -> m.contains(" will be retried: "))) {
            v.add("a phase was retried for a transient fault but no Warning says why");
        }
        if (!succeeded && warnings(n).findAny().isEmpty()) {
            v.add("the rollout failed without a Warning event");
        }
        if (!v.isEmpty()) {
            v.add(trail);
        }
        return v;
    }

    private static void check(List<String> v, String what, Object actual, Object expected) {
        if (!actual.equals(expected)) {
            v.add(what + " " + actual + ", expected " + expected);
        }
    }

    /** TaskRetryScheduled events of the run's executions for {@code error}. */
    private static Stream<HistoryEvent> retries(Execution rollout, String error) {
        Execution last = rollout.chain().latest();
        Stream<Execution> executions = last == rollout ? Stream.of(rollout) : Stream.of(rollout, last);
        return executions.flatMap(e -> e.history().stream())
                .filter(ev -> ev.type() == HistoryEvent.Type.TASK_RETRY_SCHEDULED)
                .filter(ev -> ev.details().path("error").asText().equals(error));
    }

    /** Each state entered and each task failure, with its time from the execution's start: to read one cell. */
    private static String timeline(Execution rollout) {
        Instant from = rollout.startTime();
        return rollout.chain().latest().history().stream()
                .filter(ev -> ev.type() == HistoryEvent.Type.STATE_ENTERED || ev.type() == HistoryEvent.Type.TASK_FAILED)
                .map(ev -> "  " + Duration.between(from, ev.timestamp()).toMillis() + " " + ev.type() + " " + ev.state().orElse("")
                        + (ev.type() == HistoryEvent.Type.TASK_FAILED ? " " + ev.details() : ""))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    /** The retries the run's executions scheduled, per state and error: "Analysis TransientFault x3". */
    private static String retried(Execution rollout) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        Execution last = rollout.chain().latest();
        Stream<Execution> executions = last == rollout ? Stream.of(rollout) : Stream.of(rollout, last);
        executions.flatMap(e -> e.history().stream())
                .filter(ev -> ev.type() == HistoryEvent.Type.TASK_RETRY_SCHEDULED)
                .forEach(ev -> counts.merge(ev.state().orElse("?") + " "
                        + ev.details().path("error").asText().replace(TransientFault.ERROR, "TransientFault"), 1L, Long::sum));
        return counts.isEmpty() ? "no retries" : counts.entrySet().stream()
                .map(e -> e.getKey() + " x" + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
    }

    /** Warnings of the canary: stored, or only on the bus (when DynamoDB is what failed). */
    private static Stream<String> warnings(String canary) {
        Set<String> stored = Set.copyOf(h.events(new CanaryId("e2e", canary)).stream()
                .filter(e -> e.severity() == Message.Severity.WARNING).map(CanaryEvent::message).toList());
        Stream<String> bus = BUS.stream().filter(e -> e.canary().name().equals(canary) && e.severity() == Message.Severity.WARNING)
                .map(CanaryEvent::message);
        return Stream.concat(stored.stream(), bus);
    }

    /** Rows x columns, each cell "Succeeded 12m" (simulated minutes; "-" the fault never fired, "!" an invariant broke). */
    static String table(Duration took) {
        int first = Arrays.stream(Row.values()).mapToInt(r -> r.label().length()).max().orElse(10) + 2;
        int width = Arrays.stream(Column.values()).mapToInt(c -> c.label.length()).max().orElse(10) + 3;
        StringBuilder t = new StringBuilder("Fault matrix (" + scope() + "; minutes of simulated time"
                + " from the new revision to the end; - the fault never fired, ! an invariant broke)\n");
        t.append(String.format("%-" + first + "s", "phase \\ fault"));
        for (Column c : Column.values()) {
            t.append(String.format("%-" + width + "s", c.label));
        }
        t.append('\n');
        for (Row r : Row.values()) {
            t.append(String.format("%-" + first + "s", r.label()));
            for (Column c : Column.values()) {
                Cell cell = new Cell(r, c);
                Result res = RESULTS.get(cell);
                String text = res != null ? res.cell() : KNOWN_BROKEN.containsKey(cell) ? "disabled" : "";
                t.append(String.format("%-" + width + "s", text));
            }
            t.append('\n');
        }
        long succeeded = RESULTS.values().stream().filter(r -> r.status() == ExecutionStatus.SUCCEEDED).count();
        long failed = RESULTS.values().stream().filter(r -> r.status() == ExecutionStatus.FAILED).count();
        long broken = RESULTS.values().stream().filter(r -> !r.violations().isEmpty()).count();
        long notFired = RESULTS.values().stream().filter(r -> !r.faultApplied()).count();
        t.append("cells ").append(RESULTS.size()).append(", succeeded ").append(succeeded).append(", failed ").append(failed)
                .append(", invariant violations ").append(broken).append(", fault never fired ").append(notFired)
                .append(", disabled ").append(KNOWN_BROKEN.size()).append("; ").append(took.toSeconds()).append(" s\n");
        t.append("retries scheduled per cell:\n");
        RESULTS.forEach((cell, r) -> t.append("  ").append(cell).append(": ").append(r.status()).append("; ")
                .append(r.retried()).append('\n'));
        RESULTS.forEach((cell, r) -> r.violations().forEach(x -> t.append("  ").append(cell).append(": ").append(x).append('\n')));
        return t.toString();
    }
}
