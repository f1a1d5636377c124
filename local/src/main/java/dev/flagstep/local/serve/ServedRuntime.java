package dev.flagstep.local.serve;

import dev.flagstep.api.ApiHandler;
import dev.flagstep.api.HttpRequest;
import dev.flagstep.api.HttpResponse;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.local.LocalRuntime;
import dev.flagstep.local.PhaseFaults;
import dev.flagstep.gate.TaskTokens;
import dev.flagstep.gatelink.GateLinkKey;
import dev.flagstep.gatelink.GateLinkMinter;
import dev.flagstep.gatelink.GateLinkSettings;
import dev.flagstep.local.sim.SimulatedCluster;
import dev.flagstep.observability.FlaggerMetrics;
import dev.flagstep.phases.wiring.EmfMetrics;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.CanarySummary;
import dev.flagstep.store.Page;
import dev.flagstep.sync.WatchNamespaces;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What {@code flagstep serve} runs: the local runtime, the same {@link ApiHandler} API Gateway
 * invokes on AWS (over the runtime's store, interpreter and task tokens), and the Lambda Invoke API
 * for the runtime's own phase handlers, on one loopback port.
 *
 * <p>The runtime's API URL is this server's, so canary hooks at {@code {url}/gate/check} (and
 * approve, halt, {@code /rollback/check}) are flagstep's durable built-in gates, answered from the
 * table, and opening one through this server wakes a rollout parked on it at once.
 *
 * <p>{@link ServeCommand} reads the command line and keeps this running; {@link LoopbackHttpServer}
 * is the HTTP transport underneath.
 */
public final class ServedRuntime implements AutoCloseable {

    /**
     * The cluster sync's settings: Canary objects of {@code watch} become canaries, one pass every {@code interval}
     * of the runtime's clock (docs/gitops.md).
     */
    public record Sync(WatchNamespaces watch, Duration interval) {}

    /** The environment variable holding the local gate links' key (at least 32 characters), or {@code off}. */
    public static final String GATE_LINK_KEY = "FLAGSTEP_GATE_LINK_KEY";

    private final LoopbackHttpServer server;
    private final LocalRuntime runtime;
    private final Optional<SyncLoop> sync;
    private final Optional<GateLinkMinter> gateLinks;
    private final EmfMetrics.Recording metrics;

    private ServedRuntime(LoopbackHttpServer server, LocalRuntime runtime, Optional<SyncLoop> sync,
            Optional<GateLinkMinter> gateLinks, EmfMetrics.Recording metrics) {
        this.server = server;
        this.runtime = runtime;
        this.sync = sync;
        this.gateLinks = gateLinks;
        this.metrics = metrics;
    }

    /**
     * Gate links on this server: keyed by {@value #GATE_LINK_KEY} when set (links then survive a restart with
     * {@code --db}), else by a random key of this process; {@code off} turns them off. They last 24 hours of the
     * runtime's clock.
     *
     * @throws IllegalArgumentException when the variable holds a key too short to sign with
     */
    static GateLinkSettings gateLinks(java.util.Map<String, String> env) {
        String key = env.getOrDefault(GATE_LINK_KEY, "").strip();
        if (key.equals("off")) {
            return GateLinkSettings.off();
        }
        if (key.isEmpty()) {
            return GateLinkSettings.of(GateLinkKey.random(new java.security.SecureRandom()), GateLinkSettings.DEFAULT_TTL);
        }
        if (key.length() < GateLinkKey.MIN_BYTES) {
            throw new IllegalArgumentException(GATE_LINK_KEY + ": at least " + GateLinkKey.MIN_BYTES
                    + " characters (or \"off\"), got " + key.length());
        }
        return GateLinkSettings.of(GateLinkKey.of(key), GateLinkSettings.DEFAULT_TTL);
    }

    /**
     * The minter of this server's gate links ({@code {url}/links/{token}}), on the runtime's clock; empty when
     * links are off. What a local notifier puts in a closed gate's message.
     */
    public Optional<GateLinkMinter> gateLinks() {
        return gateLinks;
    }

    /**
     * @param settings the runtime's settings; their {@code apiUrl} is replaced by this server's URL
     * @param simulated the simulated cluster {@code kube} talks to, if it is one: the API then seeds
     *     and deploys targets on it ({@link SimulatedTargets})
     */
    public static ServedRuntime start(int port, LocalRuntime.Settings settings, KubeClient kube,
            Optional<SimulatedCluster> simulated) {
        return start(port, settings, kube, simulated, Set.of());
    }

    /** As above; pages of {@code browserOrigins} may call the server ({@code --allow-browser-origin}). */
    public static ServedRuntime start(int port, LocalRuntime.Settings settings, KubeClient kube,
            Optional<SimulatedCluster> simulated, Set<String> browserOrigins) {
        return start(port, settings, kube, simulated, browserOrigins, Optional.empty());
    }

    /** As above, with the cluster sync running when {@code sync} is given. */
    public static ServedRuntime start(int port, LocalRuntime.Settings settings, KubeClient kube,
            Optional<SimulatedCluster> simulated, Set<String> browserOrigins, Optional<Sync> sync) {
        return start(port, settings, kube, simulated, browserOrigins, sync, Optional.empty());
    }

    /**
     * As above; when another Step Functions runs the state machine with its Lambda tasks sent to this server (a
     * test's emulator), {@code elsewhere} resumes its task tokens, for the phases and for gates opened through the API.
     */
    public static ServedRuntime start(int port, LocalRuntime.Settings settings, KubeClient kube,
            Optional<SimulatedCluster> simulated, Set<String> browserOrigins, Optional<Sync> sync,
            Optional<TaskTokens> elsewhere) {
        return start(port, settings, kube, simulated, browserOrigins, sync, elsewhere, Optional.empty());
    }

    /**
     * As above; {@code faults} hooks the phase invocations of this server's own interpreter (not those that come
     * through the Lambda Invoke API), for a test that crashes a phase here as it does another interpreter's.
     */
    public static ServedRuntime start(int port, LocalRuntime.Settings settings, KubeClient kube,
            Optional<SimulatedCluster> simulated, Set<String> browserOrigins, Optional<Sync> sync,
            Optional<TaskTokens> elsewhere, Optional<PhaseFaults> faults) {
        GateLinkSettings links = gateLinks(System.getenv());
        LoopbackHttpServer server = LoopbackHttpServer.bind(port);
        LocalRuntime runtime;
        try {
            LocalRuntime.Settings served = new LocalRuntime.Settings(settings.dbPath(), settings.speed(),
                    settings.defaultProvider(), settings.metricsServer(), Optional.of(server.url()), settings.historyBudget(),
                    links);
            runtime = faults.isPresent() ? LocalRuntime.start(served, kube, faults.get(), elsewhere)
                    : LocalRuntime.start(served, kube, elsewhere);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        try {
            var uses = runtime.gateLinkUses();
            ApiHandler handler = new ApiHandler(runtime.store(), runtime.rollouts(), runtime.taskTokens(), links, () -> uses,
                    runtime.clock());
            Function<HttpRequest, HttpResponse> api = handler::handle;
            Function<HttpRequest, HttpResponse> served = simulated
                    .<Function<HttpRequest, HttpResponse>>map(sim -> new SimulatedTargets(api, sim, runtime.store(),
                            settings.defaultProvider()))
                    .orElse(api);
            // Flagger's metrics as Prometheus text at GET /metrics: the lines the phases would log to CloudWatch
            PrometheusMetrics prometheus = new PrometheusMetrics();
            prometheus.accept(FlaggerMetrics.info(FlaggerMetrics.VERSION, settings.defaultProvider(), runtime.clock().instant()));
            EmfMetrics.Recording recording = EmfMetrics.recordTo(prometheus::accept);
            Function<HttpRequest, HttpResponse> withMetrics = req -> isMetrics(req)
                    ? HttpResponse.text(200, prometheus.exposition(canariesPerNamespace(runtime.store())))
                            .withHeader("Content-Type", PROMETHEUS_TEXT)
                    : served.apply(req);
            try {
                server.start(withMetrics, new LambdaInvokeApi(runtime::phase), browserOrigins);
                Optional<SyncLoop> loop = sync.map(s -> SyncLoop.start(runtime.clusterSync(s.watch()),
                        s.interval(), settings.speed()));
                return new ServedRuntime(server, runtime, loop, links.minter(server.url(), runtime.clock()), recording);
            } catch (RuntimeException e) {
                recording.close();
                throw e;
            }
        } catch (RuntimeException e) {
            server.close();
            runtime.close();
            throw e;
        }
    }

    /** Prometheus' text exposition format. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private static boolean isMetrics(HttpRequest req) {
        return req.method().equals("GET") && req.path().equals("/metrics");
    }

    /** Every canary of the runtime, counted per namespace (Flagger's {@code flagger_canary_total}). */
    static Map<String, Integer> canariesPerNamespace(CanaryStore store) {
        Map<String, Integer> counts = new TreeMap<>();
        Optional<String> cursor = Optional.empty();
        do {
            Page<CanarySummary> page = store.list(Optional.empty(), 100, cursor);
            page.items().forEach(c -> counts.merge(c.canary().namespace(), 1, Integer::sum));
            cursor = page.next();
        } while (cursor.isPresent());
        return counts;
    }

    /** {@code http://127.0.0.1:{port}}, no trailing slash. */
    public URI url() {
        return server.url();
    }

    public LocalRuntime runtime() {
        return runtime;
    }

    /** The cluster sync's loop, when it runs. */
    public Optional<SyncLoop> sync() {
        return sync;
    }

    @Override
    public void close() {
        metrics.close();
        sync.ifPresent(SyncLoop::close);
        server.close();
        runtime.close();
    }
}
