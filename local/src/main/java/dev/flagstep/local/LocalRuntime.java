package dev.flagstep.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.api.ExecutionRolloutStarter;
import dev.flagstep.api.RolloutRequest;
import dev.flagstep.api.RolloutStart;
import dev.flagstep.api.RolloutExecutions;
import dev.flagstep.api.RolloutStarter;
import dev.flagstep.crd.CanaryObjects;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.sync.CanaryDeletion;
import dev.flagstep.sync.CanarySync;
import dev.flagstep.sync.WatchNamespaces;
import dev.flagstep.aws.AwsSettings;
import dev.flagstep.events.EventPublisher;
import dev.flagstep.execution.ExecutionNames;
import dev.flagstep.gate.TaskTokens;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.ServiceProxy;
import dev.flagstep.asl.AslClock;
import dev.flagstep.asl.AslInterpreter;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.TaskFailure;
import dev.flagstep.metrics.LocalSecretResolver;
import dev.flagstep.metrics.MetricProviders;
import dev.flagstep.metrics.SecretScope;
import dev.flagstep.net.AddressGuard;
import dev.flagstep.phases.AnalysisHandler;
import dev.flagstep.phases.ConfirmPromotionHandler;
import dev.flagstep.phases.ConfirmRolloutHandler;
import dev.flagstep.phases.FinaliseHandler;
import dev.flagstep.phases.wiring.HistoryBudget;
import dev.flagstep.phases.InitializeHandler;
import dev.flagstep.phases.PhaseHandler;
import dev.flagstep.gatelink.GateLinkSettings;
import dev.flagstep.phases.wiring.PhaseWiring;
import dev.flagstep.webhook.EventWebhooks;
import dev.flagstep.phases.PostRolloutHandler;
import dev.flagstep.phases.PreRolloutHandler;
import dev.flagstep.phases.PromoteHandler;
import dev.flagstep.phases.RollbackHandler;
import dev.flagstep.phases.wiring.Services;
import dev.flagstep.phases.StartRolloutHandler;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.DynamoDbCanaryStore;
import dev.flagstep.webhook.Sleeper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/**
 * The whole application on one machine: the real {@code statemachine/canary.asl.json} run by the
 * in-process interpreter, every Task resolved to the same handler classes template.yaml names, wired
 * by the same {@link PhaseWiring} as in Lambda with local {@link #adapters}: DynamoDB Local for the table,
 * a local event bus (for local listeners), the interpreter's task tokens, and a Kubernetes API (a
 * kubeconfig's cluster, or the simulated one). Rollouts start as the API starts them on AWS
 * ({@link #rollouts()}).
 */
public final class LocalRuntime implements AutoCloseable {

    /** The state machine's functions, by the name the ASL's {@code ${NameFunctionArn}} placeholders use. */
    static final Map<String, Function<Services, PhaseHandler>> PHASES = phases();

    /**
     * Each phase function's {@code Timeout} in template.yaml (Globals: 120 s; those calling user
     * webhooks: 900 s): how long a local delivery has, on the runtime's clock, as it has in Lambda.
     */
    static final Map<String, Duration> TIMEOUTS = timeouts();

    private static final String FUNCTION_ARN = "arn:aws:lambda:local:000000000000:function:flagstep-";

    /**
     * @param dbPath where DynamoDB Local keeps its data (in memory when empty)
     * @param speed every wait of the state machine is divided by this, and the phases' clock runs this much faster
     * @param defaultProvider the router for canaries that name none
     * @param metricsServer Prometheus for the builtin metrics
     * @param apiUrl this runtime's own API, when served: hooks at its gate paths are answered in-process
     * @param historyBudget the phase ticks one execution runs before it continues the rollout in a new one
     * @param gateLinks the key of the Approve / Roll back links the phases' alerts carry, the served API's
     */
    public record Settings(Optional<Path> dbPath, double speed, String defaultProvider, URI metricsServer, Optional<URI> apiUrl,
                           HistoryBudget historyBudget, GateLinkSettings gateLinks) {

        /** Without gate links in alerts. */
        public Settings(Optional<Path> dbPath, double speed, String defaultProvider, URI metricsServer, Optional<URI> apiUrl,
                        HistoryBudget historyBudget) {
            this(dbPath, speed, defaultProvider, metricsServer, apiUrl, historyBudget, GateLinkSettings.off());
        }

        /** With the budget the Lambdas have ({@code FLAGSTEP_HANDOVER_TICKS} in this process's environment, or the default). */
        public Settings(Optional<Path> dbPath, double speed, String defaultProvider, URI metricsServer, Optional<URI> apiUrl) {
            this(dbPath, speed, defaultProvider, metricsServer, apiUrl, HistoryBudget.fromEnvironment(System.getenv()));
        }

        public static Settings defaults() {
            return new Settings(Optional.empty(), 1, "kubernetes", URI.create("http://127.0.0.1:9090"), Optional.empty());
        }

        /**
         * What the phases are wired with ({@link PhaseWiring}): no stack-wide webhook secret locally; the global
         * notifier from this process's environment ({@code FLAGSTEP_SLACK_URL}, ..., see docs/alerts.md); the global
         * event webhook is {@code EVENT_WEBHOOK_URL} in this process's environment, as in Lambda.
         */
        public PhaseWiring.Settings phases() {
            return new PhaseWiring.Settings(defaultProvider, metricsServer, apiUrl, Optional.empty(), historyBudget,
                    EventWebhooks.globalUrl(System.getenv()),
                    dev.flagstep.notifier.NotifierSettings.fromLocalEnvironment(System.getenv()), gateLinks);
        }

        /** The same settings with another history budget (tests hand over after a few ticks). */
        public Settings withHistoryBudget(HistoryBudget budget) {
            return new Settings(dbPath, speed, defaultProvider, metricsServer, apiUrl, budget, gateLinks);
        }
    }

    private final LocalDynamo dynamo;
    private final LocalEventBus bus;
    private final CanaryStore store;
    private final AslInterpreter interpreter;
    private final Clock clock;
    private final Map<String, PhaseHandler> handlers;
    private final InterpreterRolloutExecutions executions;
    private final RolloutStarter rollouts;
    private final KubeClient kube;
    /** The phases' writer of status and events onto Canary objects, shared with the sync (one event correlator). */
    private final CanaryObjects canaryObjects;
    private final String defaultProvider;

    private final TaskTokens taskTokens;

    private LocalRuntime(Settings settings, KubeClient kube, Optional<PhaseFaults> withFaults, Clock clock,
                         Optional<TaskTokens> elsewhere) {
        this.dynamo = withFaults.isPresent() ? LocalDynamo.startWithFaults(settings.dbPath()) : LocalDynamo.start(settings.dbPath());
        this.clock = clock;
        this.kube = kube;
        this.store = new DynamoDbCanaryStore(dynamo.client(), LocalDynamo.TABLE, clock);
        this.bus = new LocalEventBus();
        Holder<AslInterpreter> asl = new Holder<>();
        LocalTaskTokens own = new LocalTaskTokens(() -> asl.value.taskTokens());
        this.taskTokens = elsewhere.map(own::orElse).orElse(own);
        Services services = PhaseWiring.services(
                adapters(withFaults.orElse(PhaseFaults.none()).store(store), bus, taskTokens, kube,
                        clock, sleeper(settings.speed())),
                settings.phases());
        this.handlers = handlers(services);
        this.canaryObjects = services.canaryObjects();
        this.defaultProvider = settings.defaultProvider();
        Map<String, String> substitutions = new LinkedHashMap<>();
        handlers.keySet().forEach(name -> substitutions.put(name + "FunctionArn", FUNCTION_ARN + name));
        var machine = AslInterpreter.load("flagstep-canary", definition(), substitutions);
        this.interpreter = new AslInterpreter(machine, (function, payload) -> invoke(handlers, withFaults, function, payload),
                settings.speed() == 1 ? AslClock.system() : AslClock.scaled(settings.speed()),
                // fault tests replay the same retry delays on every run
                withFaults.isPresent() ? new java.util.Random(0) : new java.util.Random());
        asl.value = interpreter;
        this.executions = new InterpreterRolloutExecutions(interpreter, store);
        this.rollouts = new ExecutionRolloutStarter(executions);
    }

    /**
     * The local runtime's adapters for the one wiring ({@link PhaseWiring}): a Kubernetes API (a kubeconfig's
     * cluster, or the simulated one) and its service proxy for cluster Service URLs, as in AWS (127.0.0.1 and
     * localhost URLs stay direct); loopback addresses allowed; secrets from this process's environment; no
     * AWS credentials; webhook signatures on real time.
     */
    public static PhaseWiring.Adapters adapters(CanaryStore store, EventPublisher events, TaskTokens taskTokens,
                                                KubeClient kube, Clock clock, Sleeper sleeper) {
        var credentials = AnonymousCredentialsProvider.create();
        return new PhaseWiring.Adapters(store, events, taskTokens, () -> kube, new ServiceProxy(kube), AddressGuard.local(),
                LocalSecretResolver.fromEnvironment(), SecretScope.unprefixed(), credentials,
                MetricProviders.cloudWatchClientFactory(credentials, AwsSettings.httpClient()),
                clock, Clock.systemUTC(), sleeper);
    }

    /** A phase's waits are measured on the phases' clock: sleep them as fast as it runs. */
    private static Sleeper sleeper(double speed) {
        return speed == 1 ? Sleeper.REAL : pause -> Thread.sleep(Duration.ofNanos((long) (pause.toNanos() / speed)));
    }

    /** The handler of each state machine function, by the name the ASL's {@code ${NameFunctionArn}} uses. */
    public static Map<String, PhaseHandler> handlers(Services services) {
        Map<String, PhaseHandler> handlers = new LinkedHashMap<>();
        PHASES.forEach((name, make) -> handlers.put(name, make.apply(services)));
        return Map.copyOf(handlers);
    }

    public static LocalRuntime start(Settings settings, KubeClient kube) {
        return start(settings, kube, Optional.empty());
    }

    /**
     * As {@link #start(Settings, KubeClient)}; the phases (and {@link #taskTokens()}) also resume the task tokens of
     * {@code elsewhere}, another Step Functions whose Lambda tasks these phase handlers answer (a test's emulator).
     */
    public static LocalRuntime start(Settings settings, KubeClient kube, Optional<TaskTokens> elsewhere) {
        return new LocalRuntime(settings, kube, Optional.empty(), clockFor(settings.speed()), elsewhere);
    }

    /**
     * As {@link #start(Settings, KubeClient)}, for fault tests: {@code faults} hooks every phase
     * invocation, each delivery runs on a thread of its own (so that a kill can leave it stopped for
     * good while its task fails), and DynamoDB Local is reached through a {@link #dynamoFaults() proxy}.
     */
    public static LocalRuntime start(Settings settings, KubeClient kube, PhaseFaults faults) {
        return start(settings, kube, faults, clockFor(settings.speed()));
    }

    /**
     * As {@link #start(Settings, KubeClient, PhaseFaults)}, with the phases' clock given: a simulated cluster on
     * the same {@link #clockFor} clock agrees with the phases on ready delays and progress deadlines.
     */
    public static LocalRuntime start(Settings settings, KubeClient kube, PhaseFaults faults, Clock clock) {
        return new LocalRuntime(settings, kube, Optional.of(faults), clock, Optional.empty());
    }

    /**
     * As {@link #start(Settings, KubeClient, PhaseFaults)}, also resuming {@code elsewhere}'s task tokens: a test
     * that fails a phase here while another Step Functions runs the same handlers through the Lambda Invoke API.
     */
    public static LocalRuntime start(Settings settings, KubeClient kube, PhaseFaults faults, Optional<TaskTokens> elsewhere) {
        return new LocalRuntime(settings, kube, Optional.of(faults), clockFor(settings.speed()), elsewhere);
    }

    /** The phases' clock at {@code speed}: the system clock, or one running {@code speed} times faster from now. */
    public static Clock clockFor(double speed) {
        return speed == 1 ? Clock.systemUTC() : new SpedUpClock(Clock.systemUTC(), speed);
    }

    /** The proxy in front of DynamoDB Local, when started with faults: make it throttle or fail. */
    public Optional<dev.flagstep.local.faults.FaultProxy> dynamoFaults() {
        return dynamo.faults();
    }

    /** How long a delivery of this phase function has ({@link #TIMEOUTS}); 120 s for any other name. */
    public static Duration timeout(String function) {
        return TIMEOUTS.getOrDefault(function, PhaseHandler.DEFAULT_TIMEOUT);
    }

    /** How the phases resume parked tasks, and the API should when it opens a gate: SendTaskSuccess. */
    public TaskTokens taskTokens() {
        return taskTokens;
    }

    /** The phases' clock. */
    public Clock clock() {
        return clock;
    }

    /** The table. */
    /** Where the API spends gate links: the same table, as on AWS. */
    public dev.flagstep.gatelink.GateLinkUses gateLinkUses() {
        return new dev.flagstep.store.DynamoDbGateLinkUses(dynamo.client(), LocalDynamo.TABLE, clock);
    }

    public CanaryStore store() {
        return store;
    }

    /** Stores the canary document as submitted. */
    public void put(CanaryDocument document) {
        store.putSpec(document.canary().id(), document.source());
    }

    /** The event bus, for local listeners of canary events. */
    public LocalEventBus bus() {
        return bus;
    }

    /** The state machine's interpreter: its executions and task tokens. */
    public AslInterpreter interpreter() {
        return interpreter;
    }

    /**
     * The phase handler the state machine's Task of this name invokes ({@code Initialize},
     * {@code Analysis}, ...): the very instance, so the Lambda Invoke API of {@code flagstep serve}
     * and the interpreter act on the same store and cluster.
     */
    public Optional<PhaseHandler> phase(String name) {
        return Optional.ofNullable(handlers.get(name));
    }

    /** This runtime's state machine executions, as the API and the sync find, start and stop rollouts. */
    public RolloutExecutions executions() {
        return executions;
    }

    /**
     * Starts rollouts as the API does on AWS ({@link ExecutionRolloutStarter}): the same rules, on this
     * runtime's interpreter. {@code flagstep serve} answers {@code POST .../rollouts} with it.
     */
    public RolloutStarter rollouts() {
        return rollouts;
    }

    /** The execution that carries (or ended) the rollout of this run id, when this runtime started it. */
    public Optional<Execution> rollout(String runId) {
        return executions.latest(runId);
    }

    /**
     * The cluster sync over this runtime's cluster, table and rollouts, as the sync Lambda runs it on AWS:
     * Canary objects in {@code watch} become canaries, new revisions of their targets start rollouts.
     *
     * @param objects where status and events are written onto the Canary objects
     */
    public CanarySync clusterSync(WatchNamespaces watch, CanaryObjects objects) {
        return new CanarySync(kube, store, rollouts, objects,
                new CanaryDeletion(kube, store, executions, objects, clock, defaultProvider), new SpecParser(), watch, clock);
    }

    /** {@link #clusterSync(WatchNamespaces, CanaryObjects)} writing onto this runtime's cluster, as on AWS. */
    public CanarySync clusterSync(WatchNamespaces watch) {
        return clusterSync(watch, canaryObjects);
    }

    /**
     * Starts one rollout of {@code revision} with {@link #rollouts()}, superseding a running one of
     * another revision (as Flagger restarts its analysis): named, and with the run id, {@code {ns}-{name}-{revision}}
     * as in AWS, so starting the same revision twice is the same rollout. Answers the execution that carries the
     * rollout: a rollout may outlive it (see {@link Execution#chain()}), follow it through its chain.
     *
     * @throws IllegalStateException if this revision was rolled out by an earlier process on the same table
     */
    public Execution startRollout(CanaryDocument document, String revision) {
        return startRollout(document.canary().id(), revision, document.canary().interval().toSeconds());
    }

    /** As {@link #startRollout(CanaryDocument, String)}, for callers that know the interval already. */
    public Execution startRollout(CanaryId id, String revision, long intervalSeconds) {
        var request = new RolloutRequest(id, revision, (int) Math.min(Integer.MAX_VALUE, intervalSeconds), true);
        String name = switch (rollouts.start(request)) {
            case RolloutStart.Started s -> s.runId();
            case RolloutStart.AlreadyStarted a -> a.runId();
            case RolloutStart.Conflict c -> throw new IllegalStateException("revision " + c.runningRevision() + " of " + id
                    + " is rolling out"); // not with supersede
        };
        return executions.latest(name).orElseThrow(() -> new IllegalStateException("revision " + revision + " of " + id
                + " was rolled out already (run " + name + "): as in Flagger, a revision is analysed once; deploy a new one"));
    }

    /**
     * The running executions of this canary's rollouts, a continued rollout by the execution that
     * carries it now: found as the rollout starter finds them, by name prefix, confirmed by the input.
     */
    public List<Execution> runningRollouts(CanaryId id) {
        String prefix = ExecutionNames.prefix(id);
        // the prefix alone is ambiguous (a-b/c and a/b-c both start a-b-c-): the input says whose it is
        return interpreter.running().stream().filter(e -> e.name().startsWith(prefix) && isRolloutOf(e, id)).toList();
    }

    /** The revision an execution rolls out (its input's). */
    public static String revisionOf(Execution execution) {
        return ExecutionRolloutStarter.revisionOf(execution.input());
    }

    /** Whether the execution is a rollout of this canary (by its input, as Step Functions would be asked). */
    public static boolean isRolloutOf(Execution execution, CanaryId id) {
        return ExecutionRolloutStarter.isRolloutOf(execution.input(), id);
    }

    /**
     * One delivery of a Task: the handler with its function's timeout, as Lambda runs it. With faults,
     * on a thread of its own, so that a killed delivery ({@link Delivery#timeOut}, {@link Delivery#crash})
     * stops where it is while its task fails with Lambda's error.
     */
    private JsonNode invoke(Map<String, PhaseHandler> handlers, Optional<PhaseFaults> faults, String function,
                            JsonNode payload) throws TaskFailure {
        String name = function.substring(function.lastIndexOf(':') + 1).replaceFirst("^flagstep-", "");
        PhaseHandler handler = handlers.get(name);
        if (handler == null) {
            throw new TaskFailure("Lambda.ResourceNotFoundException", "no function " + function);
        }
        Duration timeout = timeout(name);
        Delivery delivery = new Delivery(name, payload, clock.instant().plus(timeout), clock);
        if (faults.isEmpty()) {
            try {
                return delivery.run(() -> handler.handle(payload, delivery.deadline()));
            } catch (RuntimeException e) {
                throw TaskFailure.of(e);
            }
        }
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        Thread.ofVirtual().name("phase-" + name).start(() -> {
            try {
                result.complete(delivery.run(() -> {
                    faults.get().beforeInvoke(name, payload);
                    return handler.handle(payload, delivery.deadline());
                }));
            } catch (Throwable thrown) {
                result.completeExceptionally(thrown);
            }
        });
        CompletableFuture.anyOf(result, delivery.death).exceptionally(failed -> null).join();
        if (delivery.death.isDone()) {
            Delivery.Death death = delivery.death.join();
            while (death.atDeadline() && clock.instant().isBefore(delivery.deadline())) {
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
            }
            throw death.failure();
        }
        try {
            return result.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw TaskFailure.of(e.getCause());
        }
    }

    /** The real definition, packaged from statemachine/canary.asl.json. */
    static String definition() {
        try (InputStream in = LocalRuntime.class.getResourceAsStream("/statemachine/canary.asl.json")) {
            if (in == null) {
                throw new IllegalStateException("statemachine/canary.asl.json is not on the classpath (rebuild with ./mvnw package)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the state machine definition", e);
        }
    }

    private static Map<String, Function<Services, PhaseHandler>> phases() {
        Map<String, Function<Services, PhaseHandler>> m = new LinkedHashMap<>();
        m.put("Initialize", InitializeHandler::new);
        m.put("ConfirmRollout", ConfirmRolloutHandler::new);
        m.put("StartRollout", StartRolloutHandler::new);
        m.put("PreRollout", PreRolloutHandler::new);
        m.put("Analysis", AnalysisHandler::new);
        m.put("ConfirmPromotion", ConfirmPromotionHandler::new);
        m.put("Promote", PromoteHandler::new);
        m.put("Finalise", FinaliseHandler::new);
        m.put("Rollback", RollbackHandler::new);
        m.put("PostRollout", PostRolloutHandler::new);
        return Map.copyOf(m);
    }

    private static Map<String, Duration> timeouts() {
        Map<String, Duration> m = new LinkedHashMap<>();
        Duration webhooks = Duration.ofSeconds(900);
        for (String name : new String[] {"ConfirmRollout", "PreRollout", "Analysis", "ConfirmPromotion",
                "PostRollout"}) {
            m.put(name, webhooks);
        }
        for (String name : new String[] {"Initialize", "StartRollout", "Promote", "Finalise", "Rollback"}) {
            m.put(name, PhaseHandler.DEFAULT_TIMEOUT);
        }
        return Map.copyOf(m);
    }

    /** Ties a value created later (the interpreter) into a callback created earlier (the task tokens). */
    private static final class Holder<T> {
        volatile T value;
    }

    @Override
    public void close() {
        interpreter.running().forEach(e -> e.stop("Shutdown", "the local runtime is stopping"));
        bus.close();
        dynamo.close();
    }

    /** How long to wait for a rollout before giving up, for callers that need a bound. */
    public static Duration patience(CanaryDocument doc, double speed) {
        return Duration.ofSeconds((long) (doc.canary().interval().toSeconds() * 200 / speed) + 60);
    }
}
