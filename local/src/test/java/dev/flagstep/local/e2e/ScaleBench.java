package dev.flagstep.local.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeEndpoint;
import dev.flagstep.local.LocalDynamo;
import dev.flagstep.local.LocalRuntime;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.asl.HistoryEvent;
import dev.flagstep.local.sim.SimulatedCluster;
import dev.flagstep.phases.wiring.HistoryBudget;
import dev.flagstep.phases.cluster.KubeCanaryCluster;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many canaries rolling out at once on the local runtime, as {@link RolloutHarness} builds it (the real
 * canary.asl.json in the interpreter, the real phase handlers, DynamoDB Local, the simulated cluster over real
 * HTTP), with receivers on 127.0.0.1 that answer at once. Each canary lives in a namespace of its own and calls
 * its hooks and Prometheus by cluster Service name, so every webhook, metric query and Kubernetes call goes
 * through the API server; a timing proxy in front of the simulated API server books each round trip to the
 * namespace in its URL. Per tick (one phase Lambda delivery: TaskStarted to TaskSucceeded in the history):
 * its duration minus the union of its canary's round trips is the engine's own overhead (the handler's work,
 * its DynamoDB calls, the interpreter's hand-off). DynamoDB calls and bytes come from {@link DynamoCallCounter};
 * state transitions are the StateEntered events of each rollout's executions.
 *
 * <p>Usage: {@code bench/scale.sh [counts] [speed]} (default {@code 1,50,200} at speed 20).
 */
final class ScaleBench {

    private static final Pattern NAMESPACE = Pattern.compile("s\\d+-\\d{3}");
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "content-length", "host", "expect", "http2-settings");
    /** The states one analysis step walks through (Flagger's tick while Progressing). */
    private static final Set<String> ANALYSIS_LOOP = Set.of("WaitBeforeAnalysis", "Analysis", "AnalysisDecision");

    private record Tick(String state, long micros, long roundTripMicros, long overheadMicros, long ddbCalls, long ddbBytes) {}

    /** Round trips through the API server, by namespace: {start, end} in nanoTime. */
    private final Map<String, List<long[]>> spans = new ConcurrentHashMap<>();
    private final Map<String, Long> taskStarts = new ConcurrentHashMap<>();
    private final List<Tick> ticks = new CopyOnWriteArrayList<>();
    private final Map<String, int[]> transitions = new ConcurrentHashMap<>(); // namespace -> {all, loop, analysis ticks}
    private volatile boolean measuring;

    public static void main(String[] args) throws Exception {
        int[] counts = Arrays.stream((args.length > 0 ? args[0] : "1,50,200").split(",")).mapToInt(Integer::parseInt).toArray();
        double speed = args.length > 1 ? Double.parseDouble(args[1]) : 20;
        new ScaleBench().run(counts, speed);
        System.exit(0); // DynamoDB Local and the mock API server leave non-daemon threads behind
    }

    private void run(int[] counts, double speed) throws Exception {
        SimulatedCluster sim = SimulatedCluster.start(SimulatedCluster.Options.defaults().withClientTimeout(Duration.ofSeconds(60)));
        HttpServer receiver = receiver();
        HttpServer proxy = timingProxy(sim.endpoint().server());
        URI receiverUrl = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort());
        KubeEndpoint front = new KubeEndpoint(URI.create("http://127.0.0.1:" + proxy.getAddress().getPort()), Optional.empty(),
                sim.endpoint().token(), Duration.ofSeconds(60), KubeEndpoint.DEFAULT_ATTEMPTS);
        KubeClient kube = new KubeClient(front, pause -> Thread.sleep(pause.dividedBy((long) speed)));
        LocalDynamo.observe(new DynamoCallCounter());
        LocalRuntime runtime = LocalRuntime.start(new LocalRuntime.Settings(Optional.empty(), speed, "gatewayapi:v1",
                URI.create("http://prometheus.istio-system:9090"), Optional.empty(), HistoryBudget.standard()), kube);
        runtime.interpreter().addListener(this::observe);
        System.out.printf(Locale.ROOT, "bench/scale.sh: canaries %s at speed %.0f (interval 10s = %.2f s here), JDK %s, %d cores%n",
                Arrays.toString(counts), speed, 10 / speed, Runtime.version(), Runtime.getRuntime().availableProcessors());
        try {
            round(0, 2, sim, runtime, receiverUrl, speed, false); // warm-up: JIT, connections, table
            for (int i = 0; i < counts.length; i++) {
                round(i + 1, counts[i], sim, runtime, receiverUrl, speed, true);
            }
        } finally {
            runtime.close();
            proxy.stop(0);
            receiver.stop(0);
            sim.close();
        }
    }

    private void round(int round, int n, SimulatedCluster sim, LocalRuntime runtime, URI receiverUrl, double speed,
                       boolean print) throws Exception {
        List<CanaryDocument> docs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String ns = String.format(Locale.ROOT, "s%d-%03d", round, i);
            sim.backService(ns, "flagger-loadtester", 80, receiverUrl);
            String hooks = "http://flagger-loadtester." + ns;
            CanaryDocument doc = parse(CanaryYaml.named("podinfo").namespace(ns).metricsServer(hooks)
                    // the simulated controllers lag behind hundreds of Deployments on a small machine: a
                    // deadline in sped-up time must not fail what a real cluster would have made ready
                    .spec("progressDeadlineSeconds: 36000").analysis("""
                        interval: 10s
                        threshold: 2
                        stepWeight: 10
                        maxWeight: 50
                    """ + CanaryYaml.SUCCESS_RATE + CanaryYaml.webhooks(hooks, "pre-rollout", "rollout", "post-rollout")));
            sim.seed(doc.canary(), RolloutHarness.IMAGE);
            runtime.put(doc);
            docs.add(doc);
        }
        Duration patience = Duration.ofMinutes(30);
        List<Execution> first = docs.stream().map(d -> runtime.startRollout(d, cluster(sim, runtime, d).targetRevision())).toList();
        for (Execution e : first) {
            expectSucceeded(e, patience);
        }
        for (CanaryDocument d : docs) {
            sim.newRevision(d.canary().id().namespace(), d.canary().targetRef().name(), RolloutHarness.NEW_IMAGE);
        }
        List<String> revisions = docs.stream().map(d -> cluster(sim, runtime, d).targetRevision()).toList();
        reset();
        measuring = true;
        long start = System.nanoTime();
        long[] ddbBefore = {DynamoCallCounter.TOTAL[0].sum(), DynamoCallCounter.TOTAL[1].sum(), DynamoCallCounter.TOTAL[2].sum()};
        List<Execution> rollouts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rollouts.add(runtime.startRollout(docs.get(i), revisions.get(i)));
        }
        int failed = 0;
        for (Execution e : rollouts) {
            failed += expectSucceeded(e, patience) ? 0 : 1;
        }
        double wall = (System.nanoTime() - start) / 1e9;
        measuring = false;
        if (print) {
            long[] ddb = {DynamoCallCounter.TOTAL[0].sum() - ddbBefore[0], DynamoCallCounter.TOTAL[1].sum() - ddbBefore[1],
                    DynamoCallCounter.TOTAL[2].sum() - ddbBefore[2]};
            report(n, wall, failed, ddb);
        }
    }

    private void report(int n, double wall, int failed, long[] ddbAll) {
        List<Tick> all = List.copyOf(ticks);
        List<Tick> analysis = all.stream().filter(t -> t.state().equals("Analysis")).toList();
        int[] tr = transitions.values().stream().reduce(new int[3], (a, b) -> new int[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]});
        System.out.printf(Locale.ROOT, "%n%d canaries at once: %.1f s wall, %d ticks, %d rollouts not Succeeded%n", n, wall, all.size(), failed);
        System.out.printf(Locale.ROOT, "  %-40s %9s %9s %9s%n", "(ms)", "p50", "p99", "max");
        print("tick duration, all phases", all.stream().mapToLong(Tick::micros));
        print("  webhook + Kubernetes round trips", all.stream().mapToLong(Tick::roundTripMicros));
        print("  engine overhead (target p50 <= 20 @200)", all.stream().mapToLong(Tick::overheadMicros));
        print("engine overhead, Analysis ticks", analysis.stream().mapToLong(Tick::overheadMicros));
        double ticksN = Math.max(1, all.size());
        long taskCalls = all.stream().mapToLong(Tick::ddbCalls).sum();
        long taskBytes = all.stream().mapToLong(Tick::ddbBytes).sum();
        System.out.printf(Locale.ROOT, "  DynamoDB per tick: %.1f calls, %.1f KB (request + response); in phase tasks %.1f calls, %.1f KB%n",
                ddbAll[0] / ticksN, (ddbAll[1] + ddbAll[2]) / ticksN / 1024, taskCalls / ticksN, taskBytes / ticksN / 1024);
        System.out.printf(Locale.ROOT, "  DynamoDB per Analysis tick: %.1f calls, %.1f KB%n",
                analysis.stream().mapToLong(Tick::ddbCalls).average().orElse(0),
                analysis.stream().mapToLong(Tick::ddbBytes).average().orElse(0) / 1024);
        System.out.printf(Locale.ROOT, "  Step Functions transitions per rollout: %.1f; per analysis tick (states of the analysis loop / Analysis ticks): %.2f (target <= 4 per step)%n",
                tr[0] / (double) Math.max(1, n), tr[1] / (double) Math.max(1, tr[2]));
    }

    private static void print(String what, java.util.stream.LongStream micros) {
        long[] v = micros.sorted().toArray();
        if (v.length == 0) {
            System.out.printf(Locale.ROOT, "  %-40s %9s%n", what, "none");
            return;
        }
        System.out.printf(Locale.ROOT, "  %-40s %9.1f %9.1f %9.1f%n", what, v[v.length / 2] / 1e3,
                v[Math.min(v.length - 1, (int) Math.ceil(v.length * 0.99) - 1)] / 1e3, v[v.length - 1] / 1e3);
    }

    private void reset() {
        ticks.clear();
        transitions.clear();
        spans.clear();
    }

    /** The interpreter's history, as it happens: ticks (task start to end) and states entered. */
    private void observe(Execution execution, HistoryEvent event) {
        long now = System.nanoTime();
        String ns = execution.input().path("canary").path("namespace").asText();
        String state = event.state().orElse("");
        switch (event.type()) {
            case TASK_STARTED -> taskStarts.put(execution.name(), now);
            case STATE_ENTERED -> {
                if (measuring) {
                    int[] t = transitions.computeIfAbsent(ns, k -> new int[3]);
                    synchronized (t) {
                        t[0]++;
                        t[1] += ANALYSIS_LOOP.contains(state) ? 1 : 0;
                        t[2] += state.equals("Analysis") ? 1 : 0;
                    }
                }
            }
            case TASK_SUCCEEDED, TASK_SUBMITTED, TASK_FAILED, TASK_TIMED_OUT -> {
                Long started = taskStarts.remove(execution.name());
                long[] ddb = DynamoCallCounter.BY_THREAD.remove("asl-task-" + execution.name());
                if (started == null || !measuring || state.equals("ContinueAsNew")) {
                    return;
                }
                long roundTrips = union(spans.getOrDefault(ns, List.of()), started, now);
                long micros = (now - started) / 1_000;
                ticks.add(new Tick(state, micros, roundTrips / 1_000, micros - roundTrips / 1_000,
                        ddb == null ? 0 : ddb[0], ddb == null ? 0 : ddb[1] + ddb[2]));
            }
            default -> { }
        }
    }

    /** How long, within [from, to], at least one round trip was under way. */
    private static long union(List<long[]> spans, long from, long to) {
        List<long[]> in;
        synchronized (spans) {
            in = spans.stream().filter(s -> s[1] > from && s[0] < to)
                    .map(s -> new long[] {Math.max(s[0], from), Math.min(s[1], to)}).sorted((a, b) -> Long.compare(a[0], b[0])).toList();
        }
        long total = 0;
        long end = Long.MIN_VALUE;
        for (long[] s : in) {
            long begin = Math.max(s[0], end);
            if (s[1] > begin) {
                total += s[1] - begin;
            }
            end = Math.max(end, s[1]);
        }
        return total;
    }

    /** Hooks answer 200 at once; Prometheus queries a 100% success rate. */
    private static HttpServer receiver() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        byte[] vector = Prometheus.vector(100).getBytes(StandardCharsets.UTF_8);
        s.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                if (exchange.getRequestURI().getPath().equals(Prometheus.QUERY)) {
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, vector.length);
                    exchange.getResponseBody().write(vector);
                } else {
                    exchange.sendResponseHeaders(200, -1);
                }
            }
        });
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        s.start();
        return s;
    }

    /** Forwards every request to the API server and books its round trip to the namespace its URL names. */
    private HttpServer timingProxy(URI api) throws IOException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        s.createContext("/", exchange -> forward(http, api, exchange));
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        s.start();
        return s;
    }

    private void forward(HttpClient http, URI api, HttpExchange exchange) throws IOException {
        try (exchange) {
            long start = System.nanoTime();
            byte[] body = exchange.getRequestBody().readAllBytes();
            URI target = URI.create(api.toString().replaceAll("/$", "") + exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
            HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(120))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((k, v) -> {
                if (!NOT_FORWARDED.contains(k.toLowerCase(Locale.ROOT))) {
                    v.forEach(value -> b.header(k, value));
                }
            });
            HttpResponse<byte[]> reply = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            long end = System.nanoTime();
            Matcher m = NAMESPACE.matcher(URLDecoder.decode(exchange.getRequestURI().toString(), StandardCharsets.UTF_8));
            if (m.find()) {
                List<long[]> list = spans.computeIfAbsent(m.group(), k -> new ArrayList<>());
                synchronized (list) {
                    list.add(new long[] {start, end});
                }
            }
            reply.headers().map().forEach((k, v) -> {
                if (!NOT_FORWARDED.contains(k.toLowerCase(Locale.ROOT)) && !k.startsWith(":")) {
                    v.forEach(value -> exchange.getResponseHeaders().add(k, value));
                }
            });
            exchange.sendResponseHeaders(reply.statusCode(), reply.body().length == 0 ? -1 : reply.body().length);
            if (reply.body().length > 0) {
                exchange.getResponseBody().write(reply.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            exchange.sendResponseHeaders(502, -1);
        }
    }

    private static KubeCanaryCluster cluster(SimulatedCluster sim, LocalRuntime runtime, CanaryDocument doc) {
        return new KubeCanaryCluster(sim.client(), doc.canary(), "gatewayapi:v1", runtime.clock());
    }

    private static CanaryDocument parse(String yaml) {
        return switch (new SpecParser().parse(yaml)) {
            case SpecResult.Valid v -> v.document();
            case SpecResult.Invalid inv -> throw new IllegalArgumentException("bench canary is invalid: " + inv.errors());
        };
    }

    private static boolean expectSucceeded(Execution first, Duration patience) throws InterruptedException {
        ExecutionStatus s = first.chain().await(patience);
        if (s != ExecutionStatus.SUCCEEDED) {
            Execution e = first.chain().latest();
            System.out.println("  " + e.name() + " ended " + s + ": " + e.error().orElse("") + " " + e.cause().orElse("")
                    + " states " + RolloutHarness.trail(e));
            return false;
        }
        return true;
    }

}
