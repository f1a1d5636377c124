package dev.flagstep.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.Routes;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.local.LocalRuntime;
import dev.flagstep.local.PhaseFaults;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.local.sim.SimulatedCluster;
import dev.flagstep.phases.wiring.HistoryBudget;
import dev.flagstep.phases.cluster.KubeCanaryCluster;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import dev.flagstep.store.Run.WeightPoint;
import dev.flagstep.testing.WebhookReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * End-to-end rollouts on one machine: the real canary.asl.json in the local interpreter, the real
 * phase handlers, DynamoDB Local, the simulated cluster over real HTTP, and webhook receivers (and
 * a Prometheus API) on 127.0.0.1. Waits run {@link #SPEED} times faster; nothing is mocked.
 *
 * <p>Canaries reach the receiver as Flagger users write their receivers, by cluster Service name
 * ({@link #hooksUrl()}, {@code http://flagger-loadtester.e2e}; the default metrics server
 * {@link #PROMETHEUS}), so every hook and query goes through the simulated API server's service proxy,
 * as it would from Lambda. {@code hooks.url(..)} is the receiver's loopback address, for the few
 * tests that call it directly.
 *
 * <p>One harness per test class; each test uses its own canary names, so tests never share state.
 */
final class RolloutHarness implements AutoCloseable {

    static final int SPEED = 100;
    static final String IMAGE = "ghcr.io/stefanprodan/podinfo:6.7.0";
    static final String NEW_IMAGE = "ghcr.io/stefanprodan/podinfo:6.7.1";
    /** Hooks at this base URL's gate paths are flagstep's own, durable gates (answered from the table). */
    static final URI API_URL = URI.create("http://flagstep.local");
    static final Duration PATIENCE = Duration.ofSeconds(60);
    /** The cluster Service backed by the receiver, in the tests' canary namespace: Flagger's loadtester. */
    static final String RECEIVER_SERVICE = "flagger-loadtester";
    static final String RECEIVER_NAMESPACE = "e2e";
    /** The runtime's default metrics server, as in Flagger's Istio install: the receiver again, behind the proxy. */
    static final URI PROMETHEUS = URI.create("http://prometheus.istio-system:9090");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    final SimulatedCluster sim;
    final WebhookReceiver hooks;
    final LocalRuntime runtime;

    private RolloutHarness(String defaultProvider, PhaseFaults faults, boolean oneClock, HistoryBudget budget,
            Optional<Duration> clientTimeout) {
        Clock clock = LocalRuntime.clockFor(SPEED);
        SimulatedCluster.Options options = oneClock ? SimulatedCluster.Options.defaults().withClock(clock)
                : SimulatedCluster.Options.defaults();
        this.sim = SimulatedCluster.start(clientTimeout.map(options::withClientTimeout).orElse(options));
        this.hooks = WebhookReceiver.start();
        Prometheus.online(hooks);
        sim.backService(RECEIVER_NAMESPACE, RECEIVER_SERVICE, 80, hooks.url(""));
        sim.backService("istio-system", "prometheus", 9090, hooks.url("")); // PROMETHEUS
        // the client's quick retries of a failed request wait sped-up time, as every other wait here
        KubeClient kube = new KubeClient(sim.endpoint(), pause -> Thread.sleep(pause.dividedBy(SPEED)));
        this.runtime = LocalRuntime.start(new LocalRuntime.Settings(Optional.empty(), SPEED, defaultProvider,
                PROMETHEUS, Optional.of(API_URL), budget), kube, faults, clock);
    }

    private RolloutHarness(String defaultProvider, PhaseFaults faults, boolean oneClock, HistoryBudget budget) {
        this(defaultProvider, faults, oneClock, budget, Optional.empty());
    }

    private RolloutHarness(String defaultProvider, PhaseFaults faults, boolean oneClock) {
        this(defaultProvider, faults, oneClock, HistoryBudget.standard());
    }

    static RolloutHarness start() {
        return new RolloutHarness("gatewayapi:v1", PhaseFaults.none(), false);
    }

    /** Executions that hand their rollout over after {@code ticks} phase ticks (the default is far beyond any test). */
    static RolloutHarness start(HistoryBudget budget) {
        return new RolloutHarness("gatewayapi:v1", PhaseFaults.none(), false, budget);
    }

    /** With a fault injector in front of every phase: a test makes one phase crash as a Lambda would. */
    static RolloutHarness start(PhaseFaults faults) {
        return new RolloutHarness("gatewayapi:v1", faults, false);
    }

    /**
     * The simulated cluster on the phases' sped-up clock: its ready delays and the {@code lastUpdateTime} of its
     * conditions are in the time the phases measure progress deadlines in (otherwise the cluster stamps real
     * time, far behind the phases', and a Deployment unavailable for a moment is already past any deadline).
     */
    static RolloutHarness startOnOneClock(PhaseFaults faults) {
        return new RolloutHarness("gatewayapi:v1", faults, true);
    }

    /**
     * With the cluster client's per-request timeout (5 s by default) set to {@code clientTimeout}: the phases' Kubernetes
     * requests, and the proxied hooks that share its HTTP client, which only their own hook timeout may bound.
     */
    static RolloutHarness startWithClientTimeout(Duration clientTimeout) {
        return new RolloutHarness("gatewayapi:v1", PhaseFaults.none(), false, HistoryBudget.standard(), Optional.of(clientTimeout));
    }

    /** With {@link Faults} acting on this harness's cluster, DynamoDB and receivers. */
    static RolloutHarness start(Faults faults) {
        RolloutHarness h = new RolloutHarness("gatewayapi:v1", faults, false);
        faults.bind(h);
        return h;
    }

    /** The receiver's root as the canaries name it: the cluster Service {@code http://flagger-loadtester.e2e}. */
    String hooksUrl() {
        return "http://" + RECEIVER_SERVICE + "." + RECEIVER_NAMESPACE;
    }

    /** Parses a Flagger Canary (test text), stores it and seeds its target on the cluster. */
    CanaryDocument canary(String yaml) {
        CanaryDocument doc = switch (new SpecParser().parse(yaml)) {
            case SpecResult.Valid v -> v.document();
            case SpecResult.Invalid inv -> throw new IllegalArgumentException("test canary is invalid: " + inv.errors());
        };
        sim.seed(doc.canary(), IMAGE);
        runtime.put(doc);
        return doc;
    }

    /**
     * Flagger's first pass (Initialize creates the primary), then a new image on the target, then the
     * rollout of that revision, started: what a user sees after {@code kubectl set image}.
     */
    Execution deployNewRevision(CanaryDocument doc) throws InterruptedException {
        Execution first = runtime.startRollout(doc, cluster(doc).targetRevision());
        assertEnded(first, ExecutionStatus.SUCCEEDED);
        sim.newRevision(doc.canary().id().namespace(), doc.canary().targetRef().name(), NEW_IMAGE);
        return runtime.startRollout(doc, cluster(doc).targetRevision());
    }

    /** Waits for the rollout's end (across the executions that continue it) and tells how its last execution ended. */
    ExecutionStatus awaitEnd(Execution first) throws InterruptedException {
        return awaitEnd(first, PATIENCE);
    }

    ExecutionStatus awaitEnd(Execution first, Duration patience) throws InterruptedException {
        ExecutionStatus s = first.chain().await(patience);
        Execution e = first.chain().latest();
        if (s == ExecutionStatus.RUNNING) {
            e.stop("TestTimeout", "still running after " + patience);
            throw new AssertionError("rollout " + e.name() + " still running after " + patience + "; history: " + e.history());
        }
        return s;
    }

    void assertEnded(Execution first, ExecutionStatus expected) throws InterruptedException {
        assertEnded(first, expected, PATIENCE);
    }

    void assertEnded(Execution first, ExecutionStatus expected, Duration patience) throws InterruptedException {
        ExecutionStatus s = awaitEnd(first, patience);
        Execution e = first.chain().latest();
        if (s != expected) {
            throw new AssertionError("rollout " + e.name() + " ended " + s + " (" + e.error().orElse("") + ": "
                    + e.cause().orElse("") + "), expected " + expected + "; events: " + messages(idOf(e))
                    + "; states: " + trail(e));
        }
    }

    KubeCanaryCluster cluster(CanaryDocument doc) {
        String provider = doc.canary().provider().orElse("gatewayapi:v1");
        return new KubeCanaryCluster(sim.client(), doc.canary(), provider, runtime.clock());
    }

    /** The router's weights once the simulated controllers caught up with the last write (as a user would read them). */
    Routes routes(CanaryDocument doc) {
        sim.awaitReconciled(Duration.ofSeconds(10));
        return cluster(doc).routes();
    }

    CanaryStatus status(CanaryDocument doc) {
        return runtime.store().statusRecord(doc.canary().id()).orElseThrow().status();
    }

    /** The canary's events, oldest first. */
    List<CanaryEvent> events(CanaryId id) {
        List<CanaryEvent> all = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            var page = runtime.store().events(id, 100, cursor);
            all.addAll(page.items());
            cursor = page.next();
        } while (cursor.isPresent());
        return all.reversed();
    }

    List<String> messages(CanaryId id) {
        return events(id).stream().map(CanaryEvent::message).toList();
    }

    /** Webhook calls the receiver saw on one path: the JSON bodies, in order. */
    List<JsonNode> calls(String path) {
        return hooks.requests(path).stream().map(r -> {
            try {
                return MAPPER.readTree(r.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    /** {@code path:phase} of every call to the given paths, in arrival order: the hook sequence. */
    List<String> sequence(String... paths) {
        List<String> wanted = List.of(paths);
        return hooks.requests().stream().filter(r -> wanted.contains(r.path())).map(r -> {
            try {
                return r.path() + ":" + MAPPER.readTree(r.body()).path("phase").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    /** The canary weights the run set on the router, in order (every traffic change, promotion included). */
    List<Integer> runWeights(CanaryDocument doc, Execution rollout) {
        return runtime.store().run(doc.canary().id(), rollout.input().path("runId").asText()).orElseThrow()
                .weights().stream().map(WeightPoint::weight).toList();
    }

    /** Polls every 10 ms until {@code condition} holds; fails with {@code what} after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** The states the execution went through, with each phase's decision: what to read when a test fails. */
    static List<String> trail(Execution e) {
        List<String> trail = new ArrayList<>();
        for (var h : e.history()) {
            switch (h.type()) {
                case STATE_EXITED -> {
                    String decision = h.details().path("output").path("decision").asText("");
                    trail.add(h.state().orElse("?") + (decision.isEmpty() ? "" : "=" + decision));
                }
                case TASK_FAILED, TASK_CAUGHT -> trail.add(h.type() + ":" + h.details());
                default -> { }
            }
        }
        return trail;
    }

    private static CanaryId idOf(Execution e) {
        JsonNode c = e.input().path("canary");
        return new CanaryId(c.path("namespace").asText(), c.path("name").asText());
    }

    @Override
    public void close() {
        runtime.close();
        hooks.close();
        sim.close();
    }
}
