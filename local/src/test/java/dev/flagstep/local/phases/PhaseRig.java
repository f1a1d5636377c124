package dev.flagstep.local.phases;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flagstep.crd.CanaryObjects;
import dev.flagstep.aws.AwsSettings;
import dev.flagstep.analysis.Routes;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.events.EventPublisher;
import dev.flagstep.events.PublishResult;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.local.LocalDynamo;
import dev.flagstep.local.LocalRuntime;
import dev.flagstep.local.e2e.CanaryYaml;
import dev.flagstep.local.e2e.Prometheus;
import dev.flagstep.local.sim.SimulatedCluster;
import dev.flagstep.phases.cluster.KubeCanaryCluster;
import dev.flagstep.phases.wiring.HistoryBudget;
import dev.flagstep.phases.PhaseHandler;
import dev.flagstep.phases.wiring.PhaseWiring;
import dev.flagstep.phases.wiring.Services;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.DynamoDbCanaryStore;
import dev.flagstep.store.ActiveRun;
import dev.flagstep.store.Gate;
import dev.flagstep.gate.GateType;
import dev.flagstep.store.Run;
import dev.flagstep.store.SpecOrigin;
import dev.flagstep.store.StatusRecord;
import dev.flagstep.testing.WebhookReceiver;
import dev.flagstep.webhook.Sleeper;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The phase handlers wired to real parts, driven by hand one state at a time, as Step Functions
 * would call them: the local runtime's wiring ({@link LocalRuntime#adapters}, {@link PhaseWiring}) with
 * DynamoDB Local behind the real store, the simulated cluster over HTTP, webhook receivers (and a
 * Prometheus API) on loopback, and a publisher and task tokens that record what they are given.
 *
 * <p>The store is the real {@link DynamoDbCanaryStore} seen through a pass-through proxy with two
 * test knobs: {@link #holdStatusReads} (the next two status reads wait for each other, so two
 * deliveries of one tick both read before either writes) and {@link #failNextFinishRun} (the
 * Lambda dies right after the status write, before the run is released).
 */
final class PhaseRig implements AutoCloseable {

    static final String NAMESPACE = "idem";
    static final String IMAGE = "ghcr.io/stefanprodan/podinfo:6.7.0";
    static final String NEW_IMAGE = "ghcr.io/stefanprodan/podinfo:6.7.1";
    static final String NEWER_IMAGE = "ghcr.io/stefanprodan/podinfo:6.7.2";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final AtomicLong TICKS = new AtomicLong();

    final LocalDynamo dynamo;
    final CanaryStore realStore;
    final CanaryStore store;
    final SimulatedCluster sim;
    /** Every webhook of every canary, and the Prometheus API answering a healthy success rate. */
    final WebhookReceiver hooks;
    /** A Prometheus API whose success rate is under every threshold. */
    final WebhookReceiver badProm;
    final List<CanaryEvent> published = new CopyOnWriteArrayList<>();
    final List<String> tokensCompleted = new CopyOnWriteArrayList<>();
    final Services services;
    final Clock clock = Clock.systemUTC();

    private final AtomicReference<CyclicBarrier> statusReadBarrier = new AtomicReference<>();
    private final AtomicInteger heldReads = new AtomicInteger();
    private final AtomicInteger finishRunFailures = new AtomicInteger();
    private final AtomicInteger appendWeightFailures = new AtomicInteger();

    /** The phase handlers, wired as the local runtime wires them. */
    final PhaseHandler initialize;
    final PhaseHandler confirmRollout;
    final PhaseHandler startRollout;
    final PhaseHandler preRollout;
    final PhaseHandler analysis;
    final PhaseHandler confirmPromotion;
    final PhaseHandler promote;
    final PhaseHandler finalise;
    final PhaseHandler rollback;
    final PhaseHandler postRollout;

    private PhaseRig() {
        this.dynamo = LocalDynamo.start(Optional.empty());
        this.realStore = new DynamoDbCanaryStore(dynamo.client(), LocalDynamo.TABLE, clock);
        this.store = knobbed(realStore);
        this.sim = SimulatedCluster.start();
        this.hooks = WebhookReceiver.start();
        Prometheus.online(hooks);
        this.badProm = WebhookReceiver.start();
        hooks.script(Prometheus.QUERY, WebhookReceiver.Reply.status(200).body(Prometheus.vector(99.9)));
        badProm.script(Prometheus.QUERY, WebhookReceiver.Reply.status(200).body(Prometheus.vector(42.0)));
        // the local runtime's wiring and adapters, but the knobbed store, a recording publisher and task tokens
        EventPublisher recorder = events -> {
            published.addAll(events);
            return new PublishResult(events.size(), List.of());
        };
        var settings = new LocalRuntime.Settings(Optional.empty(), 1, "gatewayapi:v1", hooks.url(""), Optional.empty(),
                HistoryBudget.standard());
        this.services = PhaseWiring.services(
                LocalRuntime.adapters(store, recorder, (token, output) -> tokensCompleted.add(token), sim.client(), clock, Sleeper.REAL), settings.phases());
        Map<String, PhaseHandler> handlers = LocalRuntime.handlers(services);
        this.initialize = handlers.get("Initialize");
        this.confirmRollout = handlers.get("ConfirmRollout");
        this.startRollout = handlers.get("StartRollout");
        this.preRollout = handlers.get("PreRollout");
        this.analysis = handlers.get("Analysis");
        this.confirmPromotion = handlers.get("ConfirmPromotion");
        this.promote = handlers.get("Promote");
        this.finalise = handlers.get("Finalise");
        this.rollback = handlers.get("Rollback");
        this.postRollout = handlers.get("PostRollout");
    }

    static PhaseRig start() {
        return new PhaseRig();
    }

    // --- the store's test knobs ---

    private CanaryStore knobbed(CanaryStore real) {
        return (CanaryStore) Proxy.newProxyInstance(CanaryStore.class.getClassLoader(), new Class<?>[] {CanaryStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("statusRecord")) {
                        CyclicBarrier barrier = statusReadBarrier.get();
                        if (barrier != null && heldReads.getAndDecrement() > 0) {
                            barrier.await(10, TimeUnit.SECONDS);
                        }
                    }
                    if (method.getName().equals("finishRun") && finishRunFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        throw new IllegalStateException("test: the Lambda died before the run was released");
                    }
                    if (method.getName().equals("appendWeight") && appendWeightFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        throw new IllegalStateException("test: the delivery failed after the weight changed");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** The next two status reads (by any handler) wait until both have arrived, then go on together. */
    void holdStatusReads() {
        heldReads.set(2);
        statusReadBarrier.set(new CyclicBarrier(2));
    }

    void releaseStatusReads() {
        heldReads.set(0);
        statusReadBarrier.set(null);
    }

    /** The next {@code finishRun} throws before it writes, as a Lambda dying between two writes. */
    void failNextFinishRun() {
        finishRunFailures.set(1);
    }

    /** The next {@code appendWeight} throws before it writes: the delivery failed after the router's weights changed. */
    void failNextAppendWeight() {
        appendWeightFailures.set(1);
    }

    // --- canaries and rollouts ---

    /** One rollout (one execution of the state machine): the canary, its run id and its revision. */
    record Rollout(CanaryDocument doc, String runId, String revision) {
        CanaryId id() {
            return doc.canary().id();
        }
    }

    /**
     * A Gateway API canary in namespace {@value #NAMESPACE} whose metrics are served by {@link #hooks}
     * (a healthy success rate); {@code analysis} is indented by four spaces under {@code analysis:}.
     */
    CanaryDocument canary(String name, String analysis) {
        return canary(name, hooks.url("").toString(), analysis);
    }

    /** As {@link #canary(String, String)}, with metrics served by {@code metricsServer}. */
    CanaryDocument canary(String name, String metricsServer, String analysis) {
        return canary(CanaryYaml.named(name).metricsServer(metricsServer), analysis);
    }

    /** Parses the document, seeds its target on the cluster and stores its spec. */
    CanaryDocument canary(CanaryYaml canary, String analysis) {
        String yaml = canary.namespace(NAMESPACE).analysis(analysis);
        CanaryDocument doc = switch (new SpecParser().parse(yaml)) {
            case SpecResult.Valid v -> v.document();
            case SpecResult.Invalid inv -> throw new IllegalArgumentException("test canary is invalid: " + inv.errors());
        };
        sim.seed(doc.canary(), IMAGE);
        store.putSpec(doc.canary().id(), doc.source());
        return doc;
    }

    /**
     * As {@link #canary(String, String)} for a canary that comes from the cluster: its {@code Canary} object is
     * created on the simulated cluster from the same document, and its spec stored with origin CLUSTER, as the
     * sync stores it.
     */
    CanaryDocument clusterCanary(String name, String analysis) {
        CanaryDocument doc = canary(name, analysis);
        try {
            ObjectNode object = (ObjectNode) new YAMLMapper().readTree(doc.source());
            sim.client().create(ResourceKind.CANARY, object);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        store.putSpec(doc.canary().id(), doc.source(), SpecOrigin.CLUSTER);
        return doc;
    }

    /** The canary's {@code Canary} object on the simulated cluster, if any. */
    Optional<ObjectNode> canaryObject(CanaryId id) {
        return sim.object(ResourceKind.CANARY, id.namespace(), id.name());
    }

    /**
     * The Events of the canary's object, listed as {@code kubectl describe canary} lists them: by field selector on
     * the involved object's name, namespace, kind and uid.
     */
    List<JsonNode> kubeEvents(CanaryId id) {
        String uid = canaryObject(id).map(o -> o.at("/metadata/uid").asText()).orElse("");
        String selector = "involvedObject.name=" + id.name() + ",involvedObject.namespace=" + id.namespace()
                + ",involvedObject.kind=Canary,involvedObject.uid=" + uid;
        URI uri = URI.create(sim.endpoint().server() + ResourceKind.EVENT.collectionPath(id.namespace())
                + "?fieldSelector=" + URLEncoder.encode(selector, StandardCharsets.UTF_8));
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("GET " + uri).isEqualTo(200);
            List<JsonNode> out = new ArrayList<>();
            MAPPER.readTree(r.body()).path("items").forEach(out::add);
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The phase handlers wired as {@link #services}, but with {@code objects} for the canaries' objects. */
    Map<String, PhaseHandler> handlersWith(CanaryObjects objects) {
        Services s = services;
        return LocalRuntime.handlers(new Services(s.store(), s.clock(), s.hooks(), s.clusters(), s.metrics(), s.events(),
                objects, s.taskTokens(), s.defaultProvider(), s.apiUrl(), s.signingSecrets(), s.historyBudget(), s.sleeper()));
    }

    /**
     * Flagger's first passes (the primary is created from the target; once it is ready the apex moves to it and
     * the target to zero), done by their own run: Initialize waits for the primary, as the state machine would.
     */
    void firstPass(CanaryDocument doc) {
        Rollout first = new Rollout(doc, UUID.randomUUID().toString(), cluster(doc).targetRevision());
        // the controllers may see the primary ready within the tick that creates it: then one pass is enough
        String d = decision(initialize, first);
        for (int ticks = 1; d.equals("initializing") && ticks < 5; ticks++) {
            d = decision(initialize, first);
        }
        assertThat(d).isEqualTo("done");
        settle();
    }

    /** A new image on the target and the run of that revision, before its Initialize. */
    Rollout newRevision(CanaryDocument doc, String image) {
        sim.newRevision(NAMESPACE, doc.canary().targetRef().name(), image);
        return new Rollout(doc, UUID.randomUUID().toString(), cluster(doc).targetRevision());
    }

    /** First pass, new revision and Initialize: what ConfirmRollout acts on. */
    Rollout initialized(CanaryDocument doc) {
        firstPass(doc);
        Rollout r = newRevision(doc, NEW_IMAGE);
        expect(initialize, r, "initialized");
        return r;
    }

    /** ... and ConfirmRollout: what StartRollout acts on. */
    Rollout confirmed(CanaryDocument doc) {
        Rollout r = initialized(doc);
        expect(confirmRollout, r, "open");
        return r;
    }

    /** ... and StartRollout: Progressing at weight 0, canary scaled up and ready; what PreRollout acts on. */
    Rollout started(CanaryDocument doc) {
        Rollout r = confirmed(doc);
        expect(startRollout, r, "started");
        return r;
    }

    /** ... and PreRollout passed and advanced to the first step (one tick): what Analysis acts on. */
    Rollout analysing(CanaryDocument doc) {
        Rollout r = started(doc);
        expect(preRollout, r, "advanced");
        return r;
    }

    /** One state, with a fresh tick, that must answer {@code decision}; then the cluster settles. */
    void expect(PhaseHandler handler, Rollout r, String decision) {
        String got = decision(handler, r);
        assertThat(got).as("%s of %s", handler.getClass().getSimpleName(), r.id()).isEqualTo(decision);
    }

    String decision(PhaseHandler handler, Rollout r) {
        String d = handler.handle(input(handler, r, freshTick(handler))).path("decision").asText();
        settle();
        return d;
    }

    /** The task input the ASL builds for {@code handler}'s state on one entry ({@code tick}). */
    static ObjectNode input(PhaseHandler handler, Rollout r, String tick) {
        ObjectNode in = MAPPER.createObjectNode();
        in.putObject("canary").put("namespace", r.id().namespace()).put("name", r.id().name());
        in.put("runId", r.runId());
        in.put("revision", r.revision());
        in.put("intervalSeconds", Math.max(1, r.doc().canary().interval().toSeconds()));
        in.put("tick", tick);
        return in;
    }

    /** {@code State@EnteredTime}, unique per call, as the ASL's States.Format builds it. */
    static String freshTick(PhaseHandler handler) {
        String state = handler.getClass().getSimpleName().replaceFirst("Handler$", "");
        return state + "@2025-01-01T00:00:00." + String.format("%06d", TICKS.incrementAndGet()) + "Z";
    }

    /** Lets the simulated controllers catch up (deployments ready, routes accepted). */
    void settle() {
        sim.awaitReconciled(Duration.ofSeconds(10));
    }

    KubeCanaryCluster cluster(CanaryDocument doc) {
        return new KubeCanaryCluster(sim.client(), doc.canary(), "gatewayapi:v1", clock);
    }

    Routes routes(Rollout r) {
        return cluster(r.doc()).routes();
    }

    /** The split, or null before Initialize created the route. */
    private Routes routesIfAny(Rollout r) {
        try {
            return routes(r);
        } catch (dev.flagstep.kubernetes.KubeException.NotFound none) {
            return null;
        }
    }

    StatusRecord status(Rollout r) {
        return realStore.statusRecord(r.id()).orElseThrow();
    }

    Run run(Rollout r) {
        return realStore.run(r.id(), r.runId()).orElseThrow();
    }

    List<Integer> weights(Rollout r) {
        return realStore.run(r.id(), r.runId()).map(run -> run.weights().stream().map(Run.WeightPoint::weight).toList())
                .orElse(List.of());
    }

    /** The canary's event history, oldest first. */
    List<String> events(CanaryId id) {
        List<CanaryEvent> all = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            var page = realStore.events(id, 100, cursor);
            all.addAll(page.items());
            cursor = page.next();
        } while (cursor.isPresent());
        return all.reversed().stream().map(CanaryEvent::message).toList();
    }

    List<String> published(CanaryId id) {
        return published.stream().filter(e -> e.canary().equals(id)).map(CanaryEvent::message).toList();
    }

    int calls(String path) {
        return hooks.requests(path).size();
    }

    /** Every outbound call flagstep made: webhooks and Prometheus queries, on both receivers. */
    int outboundCalls() {
        return hooks.requests().size() + badProm.requests().size();
    }

    /** The Deployment's replicas and first image, as stored on the cluster. */
    String deployment(String name) {
        JsonNode d = sim.object(ResourceKind.DEPLOYMENT, NAMESPACE, name).orElseThrow();
        return d.at("/spec/replicas").asInt() + "x" + d.at("/spec/template/spec/containers/0/image").asText();
    }

    /** Everything a phase can change for one rollout, to compare before and after a delivery. */
    record Effects(
            StatusRecord status,
            Routes routes,
            Optional<Run> run,
            Optional<ActiveRun> activeRun,
            Map<GateType, Gate> gates,
            List<String> events,
            List<String> published,
            int outboundCalls,
            int tokensCompleted,
            String canary,
            String primary) {}

    Effects effects(Rollout r) {
        String name = r.doc().canary().targetRef().name();
        return new Effects(
                realStore.statusRecord(r.id()).orElse(null),
                routesIfAny(r),
                realStore.run(r.id(), r.runId()),
                realStore.activeRun(r.id()),
                realStore.gates(r.id()),
                events(r.id()),
                published(r.id()),
                outboundCalls(),
                tokensCompleted.size(),
                deployment(name),
                sim.object(ResourceKind.DEPLOYMENT, NAMESPACE, name + "-primary").isPresent() ? deployment(name + "-primary") : "none");
    }

    @Override
    public void close() {
        badProm.close();
        hooks.close();
        sim.close();
        dynamo.close();
    }
}
