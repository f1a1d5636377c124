package dev.flagstep.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.local.serve.SyncLoop;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import dev.flagstep.sync.CanarySync;
import dev.flagstep.sync.SyncSummary;
import dev.flagstep.sync.WatchNamespaces;
import dev.flagstep.workload.Revisions;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cluster sync on the local runtime ({@link RolloutHarness}: the simulated cluster over real HTTP, DynamoDB
 * Local, the real state machine at speed {@value RolloutHarness#SPEED}):
 * <ol>
 *   <li>detection latency: the sync loop runs every {@code interval} (real time), as the Scheduler invokes the
 *       sync Lambda; each bump of the target's image comes at a random moment, and the latency is the time from
 *       the bump to its rollout's execution starting (p50, p99 over {@code bumps});
 *   <li>one pass over N canaries (Canary objects Flagger promoted, adopted on the first pass): the wall time and
 *       the bytes the pass allocated, first pass and steady state (nothing changed);
 *   <li>the monthly AWS cost of the sync at rate(1 minute) from the steady pass's duration.
 * </ol>
 * Usage: {@code bench/sync.sh [bumps] [interval-seconds] [counts]} (default 20, 10, 1,50,200).
 */
final class SyncBench {

    static final double GB_SECOND = 0.0000133334; // Lambda arm64, us-east-1
    static final double PER_REQUEST = 0.20 / 1_000_000;
    static final long INVOCATIONS_PER_MONTH = 43_800; // 730 h of rate(1 minute)

    public static void main(String[] args) throws Exception {
        int bumps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int interval = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int[] counts = Arrays.stream((args.length > 2 ? args[2] : "1,50,200").split(",")).mapToInt(Integer::parseInt).toArray();
        Logger.getLogger("").setLevel(Level.WARNING);
        Arrays.stream(Logger.getLogger("").getHandlers()).forEach(h -> h.setLevel(Level.WARNING));
        int exit = 1;
        try (RolloutHarness h = RolloutHarness.start()) {
            if (bumps > 0) latency(h, bumps, Duration.ofSeconds(interval));
            System.out.println();
            System.out.printf(Locale.ROOT, "%-9s %-14s %-16s %-14s %-16s %s%n", "canaries", "first pass ms", "first pass MB",
                    "steady ms", "steady MB alloc", "Lambda $/month at rate(1 minute), 1024 MB | 512 MB");
            for (int n : counts) passes(h, n);
            exit = 0;
        } finally {
            System.exit(exit); // the servers' threads would keep a failed run alive
        }
    }

    static String yaml(String ns, String name) {
        return CanaryYaml.named(name).namespace(ns).analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 50
                    maxWeight: 50
                """);
    }

    static CanaryId apply(RolloutHarness h, String yaml, boolean promotedByFlagger) throws Exception {
        var spec = ((SpecResult.Valid) new SpecParser().parse(yaml)).document().canary();
        h.sim.seed(spec, RolloutHarness.IMAGE);
        ObjectNode object = (ObjectNode) new YAMLMapper().readTree(yaml);
        h.sim.client().create(ResourceKind.CANARY, object);
        if (promotedByFlagger) {
            // through the status subresource: a create leaves the status out, as a real API server does
            ObjectNode patch = new YAMLMapper().createObjectNode();
            patch.putObject("status").put("phase", "Succeeded").put("canaryWeight", 0).put("failedChecks", 0)
                    .put("iterations", 0).put("lastAppliedSpec", "5c75b466fb").put("lastPromotedSpec", "5c75b466fb");
            h.sim.client().mergePatchStatus(ResourceKind.CANARY.ref(spec.id().namespace(), spec.id().name()), patch);
        }
        return spec.id();
    }

    /** The checksum of the target's pod template: the sync's revisions are {checksum}-g{generation}. */
    static String checksumOfCurrentTarget(RolloutHarness h, CanaryId id) {
        JsonNode d = h.sim.client().require(ResourceKind.DEPLOYMENT.ref(id.namespace(), id.name()));
        return Revisions.of(d.path("spec").path("template"));
    }

    /**
     * The loop runs on real time here (the rollouts still run sped up): at speed 100 a pass of 0.2 s would read as
     * 20 s of the runtime's clock and hide the schedule's share.
     */
    static void latency(RolloutHarness h, int bumps, Duration interval) throws Exception {
        String ns = "bench-latency";
        CanaryId id = apply(h, yaml(ns, "podinfo"), false);
        CanarySync sync = h.runtime.clusterSync(WatchNamespaces.parse(ns));
        Random random = new Random(1);
        // when each revision's first execution started (the generation in the revision is the sync's)
        Map<String, Long> started = new ConcurrentHashMap<>();
        h.runtime.interpreter().addListener((execution, event) ->
                started.putIfAbsent(execution.input().path("revision").asText().replaceFirst("-g\\d+$", ""), System.nanoTime()));
        List<Double> seconds = new ArrayList<>();
        Duration patience = interval.multipliedBy(5).plusSeconds(30);
        try (SyncLoop loop = SyncLoop.start(sync, interval, 1)) {
            waitFor(started, checksumOfCurrentTarget(h, id), patience);
            for (int i = 0; i < bumps; i++) {
                // the next bump after Initialize read the last one (earlier, that rollout would take the new template)
                String last = checksumOfCurrentTarget(h, id);
                while (!h.runtime.store().statusRecord(id).map(r -> r.status().checksum()).orElse("").equals(last)) {
                    Thread.sleep(1);
                }
                // a bump at a random moment of the schedule
                Thread.sleep((long) (random.nextDouble() * interval.toMillis()));
                long bumped = System.nanoTime();
                h.sim.newRevision(ns, "podinfo", RolloutHarness.IMAGE.replace("6.7.0", "6.8." + i));
                String checksum = checksumOfCurrentTarget(h, id);
                waitFor(started, checksum, patience);
                seconds.add((started.get(checksum) - bumped) / 1e9);
            }
        }
        List<Double> sorted = seconds.stream().sorted().toList();
        System.out.printf(Locale.ROOT, "detection latency, a sync pass every %d s, %d image bumps at random moments:%n",
                interval.toSeconds(), bumps);
        System.out.printf(Locale.ROOT, "  p50 %.2f s   p99 %.2f s   max %.2f s   (from the bump to its rollout's execution; "
                        + "expected about interval/2 and interval, plus a pass)%n",
                percentile(sorted, 50), percentile(sorted, 99), sorted.getLast());
    }

    /** Waits until a rollout of this checksum started. */
    static void waitFor(Map<String, Long> started, String checksum, Duration patience) throws InterruptedException {
        long end = System.nanoTime() + patience.toNanos();
        while (!started.containsKey(checksum)) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("no rollout of " + checksum + " after " + patience);
            }
            Thread.sleep(1);
        }
    }

    static void passes(RolloutHarness h, int n) throws Exception {
        String ns = "bench-pass-" + n;
        for (int i = 0; i < n; i++) apply(h, yaml(ns, String.format(Locale.ROOT, "c%03d", i)), true);
        CanarySync sync = h.runtime.clusterSync(WatchNamespaces.parse(ns));
        Pass first = pass(sync);
        if (first.summary.adopted() != n || first.summary.errors() != 0) {
            throw new IllegalStateException("first pass over " + n + " canaries: " + first.summary);
        }
        List<Pass> steady = new ArrayList<>();
        for (int i = 0; i < 5; i++) steady.add(pass(sync));
        Pass median = steady.stream().sorted((a, b) -> Long.compare(a.nanos, b.nanos)).toList().get(2);
        double seconds = median.nanos / 1e9;
        System.out.printf(Locale.ROOT, "%-9d %-14.0f %-16.1f %-14.0f %-16.1f $%.2f | $%.2f%n", n, first.nanos / 1e6,
                first.bytes / 1e6, median.nanos / 1e6, median.bytes / 1e6, monthly(seconds, 1.0), monthly(seconds, 0.5));
    }

    /** Lambda arm64 compute + requests for a pass of {@code seconds} each minute (billed to the ms; Scheduler free under 14 M). */
    static double monthly(double seconds, double gb) {
        double billed = Math.ceil(seconds * 1000) / 1000;
        return INVOCATIONS_PER_MONTH * (billed * gb * GB_SECOND + PER_REQUEST);
    }

    record Pass(SyncSummary summary, long nanos, long bytes) {}

    static Pass pass(CanarySync sync) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long bytes = threads.getThreadAllocatedBytes(id);
        long start = System.nanoTime();
        SyncSummary s = sync.runOnce();
        long nanos = System.nanoTime() - start;
        return new Pass(s, nanos, threads.getThreadAllocatedBytes(id) - bytes);
    }

    static double percentile(List<Double> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
