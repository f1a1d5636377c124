package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.BearerToken;
import dev.flagstep.knative.KnativeService;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.spec.KnativeTarget;
import dev.flagstep.spec.ServiceTarget;
import dev.flagstep.kubernetes.KubeEndpoint;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.local.faults.FaultProxy;
import dev.flagstep.spec.CanarySpec;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Kubernetes cluster on loopback for {@code flagstep demo}, {@code flagstep run --simulate} and end-to-end
 * tests: fabric8's mock API server in CRUD mode, reached by flagstep over real HTTP through {@link #endpoint()},
 * plus a loop standing in for kubelets and controllers (Deployments become ready at their current generation,
 * Services get Endpoints listing the pods of the Deployments they select, HTTPRoutes are accepted by their
 * parents, Keptn Analyses are completed ({@link #completedAnalyses}); {@link #sampleEndpoints} records what a
 * Service selects after every pass). Fault knobs: {@link #newRevision},
 * {@link #holdUnready}, {@link #readyDelay}, {@link #pause()} / {@link #resume()}, {@link #answer} (a 5xx burst, 429
 * throttling, a 403). The API server's service proxy reaches Services {@link #backService backed} by local servers
 * (knobs: {@link #holdNoEndpoints}, {@link #forbidProxy}); {@code GET /api/v1/namespaces/{ns}} answers for the
 * namespaces the cluster has (the system ones, those seeded, those of backed Services). flagstep's CRDs for
 * Flagger's kinds ({@code deploy/crds.yaml}) are installed from the start, and the API answers kubectl
 * ({@link #writeKubeconfig}): discovery, Tables with the CRDs' printer columns, watches, field selectors, the status
 * subresource.
 *
 * <pre>{@code
 * try (SimulatedCluster cluster = SimulatedCluster.start()) {
 *     cluster.seed(canary, "ghcr.io/stefanprodan/podinfo:6.0.0");
 *     ... run flagstep against cluster.endpoint() ...
 *     cluster.object(ResourceKind.HTTP_ROUTE, "test", "podinfo") ...
 * }
 * }</pre>
 */
public final class SimulatedCluster implements AutoCloseable {

    /**
     * @param tick          how often the controllers loop runs
     * @param readyDelay    how long a Deployment's new generation stays not ready before its pods are up
     *                      (zero: ready at the first tick that sees it)
     * @param clientTimeout per-request timeout of {@link #endpoint()}
     * @param clock         the cluster's clock, for condition timestamps and ready delays
     */
    public record Options(Duration tick, Duration readyDelay, Duration clientTimeout, Clock clock) {

        public Options {
            Objects.requireNonNull(clock, "clock");
            if (tick.isNegative() || tick.isZero()) throw new IllegalArgumentException("tick must be positive");
            if (readyDelay.isNegative()) throw new IllegalArgumentException("readyDelay must not be negative");
            if (clientTimeout.isNegative() || clientTimeout.isZero()) throw new IllegalArgumentException("clientTimeout must be positive");
        }

        /** 100 ms ticks, ready at once, 5 s client timeout, the system clock. */
        public static Options defaults() {
            return new Options(Duration.ofMillis(100), Duration.ZERO, Duration.ofSeconds(5), Clock.systemUTC());
        }

        public Options withTick(Duration d) {
            return new Options(d, readyDelay, clientTimeout, clock);
        }

        public Options withReadyDelay(Duration d) {
            return new Options(tick, d, clientTimeout, clock);
        }

        public Options withClientTimeout(Duration d) {
            return new Options(tick, readyDelay, d, clock);
        }

        public Options withClock(Clock c) {
            return new Options(tick, readyDelay, clientTimeout, c);
        }
    }

    /** The namespaces every cluster starts with. */
    static final List<String> SYSTEM_NAMESPACES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    private final MockApi api;
    private final ApiFront front;
    private final ProxySubresource services;
    private final FaultProxy proxy;
    private final Controllers controllers;
    private final KubeEndpoint endpoint;
    private final KubeClient client;
    /** Straight to the mock, past the proxy: seeding, knobs and {@link #object} work while the API is paused. */
    private final KubeClient direct;
    private final ClusterWideApi clusterWide;
    private final Clock clock;
    private volatile boolean reconcileOnWrite;
    private boolean closed;

    private SimulatedCluster(MockApi api, ApiFront front, ProxySubresource services, FaultProxy proxy, Options options) {
        this.api = api;
        this.front = front;
        this.services = services;
        this.proxy = proxy;
        this.endpoint = KubeEndpoint.of(URI.create("http://127.0.0.1:" + proxy.port()), BearerToken.of("simulated"))
                .withTimeout(options.clientTimeout());
        this.client = new KubeClient(endpoint);
        this.direct = api.client(Duration.ofSeconds(10));
        this.clusterWide = new ClusterWideApi(api.url(), Duration.ofSeconds(10));
        this.clock = options.clock();
        this.controllers = new Controllers(direct, clusterWide, options.clock(), options.tick(), options.readyDelay(),
                api::forgetServedRequests);
    }

    public static SimulatedCluster start() {
        return start(Options.defaults());
    }

    /** Starts the API server (a few seconds: the mock loads its model classes up front) and the controllers. */
    public static SimulatedCluster start(Options options) {
        MockApi api = MockApi.start();
        ProxySubresource services = new ProxySubresource(api::read);
        ApiFront front = null;
        FaultProxy proxy;
        try {
            front = ApiFront.start(api.url(), services, options.clock());
            proxy = FaultProxy.start(front.port());
        } catch (RuntimeException e) {
            if (front != null) front.close();
            services.close();
            api.close();
            throw e;
        }
        SimulatedCluster cluster = new SimulatedCluster(api, front, services, proxy, options);
        SYSTEM_NAMESPACES.forEach(cluster.clusterWide::ensureNamespace);
        FlaggerCrds.load().forEach(crd -> cluster.clusterWide.ensureClusterScoped(ServedResources.CRD_PATH, crd));
        cluster.controllers.start();
        return cluster;
    }

    /** How flagstep reaches this cluster: plain http on 127.0.0.1, any bearer token accepted. */
    public KubeEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Writes a kubeconfig for kubectl against this cluster to {@code file} ({@code KUBECONFIG=file kubectl get canaries
     * -A -w}): kubectl reaches the same endpoint as flagstep, so {@link #pause()} and {@link #answer} apply to it too.
     */
    public Path writeKubeconfig(Path file) {
        return SimulatedKubeconfig.write(endpoint.server(), file);
    }

    /** A client on {@link #endpoint()}: it fails while the API is {@link #pause() paused}, as flagstep's would. */
    public KubeClient client() {
        return client;
    }

    /** {@link #seed(CanarySpec, String, String)} with the canary's own provider (nothing provider-specific without one). */
    public void seed(CanarySpec canary, String image) {
        seed(canary, image, canary.provider().orElse("kubernetes"));
    }

    /**
     * Creates what a user has before flagstep's first run of this canary: its namespace, the target Deployment
     * ({@code app: {name}}, 2 replicas, one container {@code {name}} with {@code image} serving the service port; a
     * DaemonSet of the same pods with the RollingUpdate strategy when the canary's target is one; for a Service target,
     * that Deployment and the target Service selecting its pods),
     * and for nginx and alb the {@code ingressRef} Ingress routing to the apex service, for Gateway API the
     * Gateways of {@code service.gatewayRefs}. Objects that exist are left as they are.
     *
     * @param defaultProvider the provider when the canary names none (the runtime's default)
     */
    public void seed(CanarySpec canary, String image, String defaultProvider) {
        if (KnativeTarget.is(canary.targetRef())) { // a Knative Service: Knative routes it, nothing else to seed
            clusterWide.ensureNamespace(canary.id().namespace());
            direct.createIfAbsent(KnativeService.SERVICE, KnativeServing.service(canary, image));
            written();
            return;
        }
        if (!"Deployment".equals(canary.targetRef().kind()) && !"DaemonSet".equals(canary.targetRef().kind())
                && !ServiceTarget.is(canary.targetRef())) {
            throw new IllegalArgumentException("the simulated cluster runs Deployments, DaemonSets and Services only, not "
                    + canary.targetRef().kind());
        }
        List<Seeds.Seed> seeds = Seeds.forCanary(canary, image, canary.provider().orElse(defaultProvider), clock.instant());
        seeds.stream().map(s -> s.object().path("metadata").path("namespace").asText()).distinct().forEach(clusterWide::ensureNamespace);
        for (Seeds.Seed s : seeds) {
            direct.createIfAbsent(s.kind(), s.object());
        }
        written();
    }

    /**
     * The user's own Service {@code {apex}}, selecting the target's pods ({@code app: {name}}) on the service port:
     * a live service, serving before flagstep's first run, which onboarding points at the primary. Left as it is
     * when it exists.
     */
    public void seedApexService(CanarySpec canary) {
        direct.createIfAbsent(ResourceKind.SERVICE, Seeds.apexService(canary));
    }

    /**
     * Backs Service {@code name} in {@code namespace} with a local server, so the API server's service proxy
     * ({@code /api/v1/namespaces/{namespace}/services/{name}:{port}/proxy/...}) reaches {@code server}: creates the
     * namespace when absent, and the Service (ClusterIP, no selector, port {@code port} named {@code http}) when absent,
     * or adds the port to the existing Service; its endpoint is ready until {@link #holdNoEndpoints}. What
     * {@code --service NAME.NS[:PORT]=URL} does.
     *
     * @param server the local server: its host and port are dialled, over TLS (unverified) when the proxy path says
     *               {@code https:}, as kube-apiserver dials a pod
     */
    public void backService(String namespace, String name, int port, URI server) {
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be 1-65535, got " + port);
        if (server.getHost() == null || server.getPort() < 1) {
            throw new IllegalArgumentException("the backing server needs a host and a port: " + server);
        }
        clusterWide.ensureNamespace(namespace);
        ObjectNode svc = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "Service");
        svc.putObject("metadata").put("name", name).put("namespace", namespace);
        svc.putObject("spec").put("type", "ClusterIP").putArray("ports").addObject()
                .put("name", "http").put("port", port).put("targetPort", port).put("protocol", "TCP");
        if (direct.createIfAbsent(ResourceKind.SERVICE, svc).isEmpty()) {
            direct.edit(ResourceKind.SERVICE.ref(namespace, name), s -> {
                for (JsonNode p : s.path("spec").path("ports")) if (p.path("port").asInt() == port) return;
                ArrayNode ports = s.withObjectProperty("spec").withArrayProperty("ports");
                ports.addObject().put("name", "http-" + port).put("port", port).put("targetPort", port).put("protocol", "TCP");
            });
        }
        services.back(namespace, name, server);
        endpoints(namespace, name, port, true);
    }

    /**
     * The Endpoints of a backed Service (it has no selector, so they are the user's, as for a Service in front of
     * an external server): one address, ready or not.
     */
    private void endpoints(String namespace, String name, int port, boolean ready) {
        ObjectNode e = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "Endpoints");
        e.putObject("metadata").put("name", name).put("namespace", namespace);
        ObjectNode subset = e.putArray("subsets").addObject();
        subset.putArray(ready ? "addresses" : "notReadyAddresses").addObject().put("ip", "10.96.0.10");
        subset.putArray("ports").addObject().put("name", "http").put("port", port).put("protocol", "TCP");
        if (direct.createIfAbsent(Endpoints.KIND, e).isEmpty()) {
            direct.edit(Endpoints.KIND.ref(namespace, name), o -> o.set("subsets", e.get("subsets")));
        }
    }

    /**
     * While on, the {@link #backService backed} Service {@code namespace/name} has no ready endpoint (its pods are
     * all unready): the service proxy answers 503 {@code no endpoints available for service "name"}.
     */
    public void holdNoEndpoints(String namespace, String name, boolean hold) {
        services.endpointsReady(namespace, name, !hold);
        direct.get(ResourceKind.SERVICE.ref(namespace, name)).ifPresent(svc ->
                endpoints(namespace, name, svc.at("/spec/ports/0/port").asInt(80), !hold));
    }

    /**
     * While on, the caller may not proxy to Services in {@code namespace} (no {@code services/proxy} grant there):
     * the service proxy answers 403 as RBAC words a denial.
     */
    public void forbidProxy(String namespace, boolean forbid) {
        services.forbid(namespace, forbid);
    }

    /**
     * While on, a SelfSubjectAccessReview for {@code verb} on {@code resource} (with its subresource, e.g.
     * {@code services/proxy}) of {@code group} in {@code namespace} ({@code ""}: cluster-wide) answers not allowed,
     * as for an identity whose Role lacks that rule.
     */
    public void forbid(String group, String resource, String verb, String namespace, boolean forbid) {
        front.accessReviews().forbid(group, resource, verb, namespace, forbid);
    }

    /** Creates Namespace {@code name} unless it exists ({@code GET /api/v1/namespaces/{name}} then answers 200). */
    public void createNamespace(String name) {
        clusterWide.ensureNamespace(name);
    }

    /**
     * Starts recording, after every pass of the controllers, the selector of Service {@code namespace/name} and the
     * ready pods its Endpoints list (the simulated endpoints controller keeps one per Service with a selector).
     * Close the sampler to stop.
     */
    public EndpointsSampler sampleEndpoints(String namespace, String name) {
        return new EndpointsSampler(direct, namespace, name, clock, controllers::afterEachPass, controllers::removeAfterEachPass);
    }

    /**
     * A new revision of the Deployment {@code name} (in whichever namespace holds the only one of that name):
     * its container {@code name}, or its first container, gets {@code image}. A new generation, as
     * {@code kubectl set image} makes.
     */
    public void newRevision(String name, String image) {
        List<ObjectNode> found = clusterWide.list(ResourceKind.DEPLOYMENT).stream()
                .filter(d -> name.equals(d.path("metadata").path("name").asText())).toList();
        if (found.size() != 1) {
            throw new IllegalArgumentException(found.isEmpty() ? "no Deployment named " + name
                    : found.size() + " Deployments named " + name + ": use newRevision(namespace, name, image)");
        }
        newRevision(found.getFirst().path("metadata").path("namespace").asText(), name, image);
    }

    /**
     * A new revision of the canary's target running {@code image}: for a Kubernetes Service target, a Deployment of
     * that image which the Service then selects ({@link ServiceTargets}); else {@link #newRevision(String, String, String)}.
     */
    public void newRevision(CanarySpec canary, String image) {
        if (!ServiceTarget.is(canary.targetRef())) {
            newRevision(canary.id().namespace(), canary.targetRef().name(), image);
            return;
        }
        ServiceTargets.pointAt(direct, canary, image);
        written();
    }

    /** The image the canary's target runs (for a Service target, the selected Deployment's); empty when absent. */
    public Optional<String> targetImage(CanarySpec canary) {
        if (ServiceTarget.is(canary.targetRef())) return ServiceTargets.image(direct, canary);
        return object(ResourceKind.DEPLOYMENT, canary.id().namespace(), canary.targetRef().name())
                .map(d -> d.at("/spec/template/spec/containers/0/image").asText());
    }

    /** As {@link #newRevision(String, String)}, for the Deployment, or else the DaemonSet, {@code namespace/name}. */
    public void newRevision(String namespace, String name, String image) {
        if (direct.get(KnativeService.SERVICE.ref(namespace, name)).isPresent()) {
            direct.edit(KnativeService.SERVICE.ref(namespace, name),
                    s -> ((ObjectNode) s.at("/spec/template/spec/containers/0")).put("image", image));
            written();
            return;
        }
        ResourceKind kind = direct.get(ResourceKind.DEPLOYMENT.ref(namespace, name)).isPresent()
                || direct.get(ResourceKind.DAEMON_SET.ref(namespace, name)).isEmpty() ? ResourceKind.DEPLOYMENT : ResourceKind.DAEMON_SET;
        direct.edit(kind.ref(namespace, name), d -> {
            JsonNode containers = d.path("spec").path("template").path("spec").path("containers");
            if (containers.isEmpty()) throw new IllegalArgumentException(kind.kind() + " " + namespace + "/" + name + " has no containers");
            JsonNode target = containers.get(0);
            for (JsonNode c : containers) if (name.equals(c.path("name").asText())) target = c;
            ((ObjectNode) target).put("image", image);
        });
        written();
    }

    /**
     * While on, Deployments (and DaemonSets) named {@code deploymentName} (any namespace) report no available replicas
     * ({@code Available=False, MinimumReplicasUnavailable}, its {@code lastUpdateTime} when that started), as when
     * pods crash-loop; flagstep's readiness then waits, and fails once its clock passes the progress deadline.
     */
    public void holdUnready(String deploymentName, boolean hold) {
        controllers.holdUnready(deploymentName, hold);
    }

    /**
     * How many nodes the cluster has (3 unless set): a DaemonSet runs a pod on each whose labels
     * ({@code kubernetes.io/hostname: node-N}, {@code kubernetes.io/os: linux}) match its pod template's node selector.
     */
    public void nodes(int count) {
        if (count < 0) throw new IllegalArgumentException("node count must not be negative: " + count);
        controllers.nodes(count);
    }

    /** How long each new generation of {@code deploymentName} stays not ready, overriding {@link Options#readyDelay()}. */
    public void readyDelay(String deploymentName, Duration delay) {
        controllers.readyDelay(deploymentName, delay);
    }

    /**
     * Freezes the controllers: no Deployment status or HTTPRoute acceptance changes until unfrozen, as when the
     * controller manager or the Gateway controller is down (flagstep's readiness waits, the Gateway API router
     * refuses a route not accepted at its generation). Returns once a pass in progress has ended.
     */
    public void freezeControllers(boolean freeze) {
        controllers.freeze(freeze);
    }

    /**
     * While on, the controllers run a whole pass after every write and before the API answers it, so by the time
     * a write returns a Deployment without a ready delay is ready and a route accepted: what flagstep observes no
     * longer races the controllers' loop against its own speed (tests that compare two interpreters' paths).
     */
    public void reconcileOnEveryWrite(boolean on) {
        reconcileOnWrite = on;
        front.afterEachWrite(on ? controllers::passNow : () -> { });
    }

    /** After a write of the simulation's own (seeding, a new revision): a pass, as after the API's writes. */
    private void written() {
        if (reconcileOnWrite) controllers.passNow();
    }

    /**
     * Makes the API unreachable at {@link #endpoint()}: connections are refused and open ones cut. The stored
     * objects stay, and the controllers keep running behind it (a control plane outage does not stop pods).
     */
    public void pause() {
        proxy.refuse();
    }

    /** The API answers again on the same port, with every object as it was (after a pause or an {@link #answer}). */
    public void resume() {
        proxy.pass();
    }

    public boolean paused() {
        return proxy.refusing();
    }

    /**
     * Every request to {@link #endpoint()} is answered {@code status} with a Kubernetes {@code Status} body, until
     * {@link #resume()}: 503 for an overloaded or restarting API server, 429 (with {@code Retry-After: 1}) for
     * API priority and fairness throttling, 403 for a missing RBAC grant. Nothing reaches the stored objects.
     */
    public void answer(int status, String reason, String message) {
        proxy.answer(statusReply(status, reason, message));
    }

    /** As {@link #answer(int, String, String)} for {@code duration} on {@code clock} from the first request answered. */
    public void answer(int status, String reason, String message, Duration duration, Clock clock) {
        proxy.answer(statusReply(status, reason, message), duration, clock);
    }

    /** As {@link #answer(int, String, String)} for the next {@code requests} requests only. */
    public void answer(int status, String reason, String message, int requests) {
        proxy.answer(statusReply(status, reason, message), requests);
    }

    private static FaultProxy.Reply statusReply(int status, String reason, String message) {
        String body = StrictPatchDispatcher.statusJson(status, reason, message);
        Map<String, String> headers = status == 429 || status == 503
                ? Map.of("Content-Type", "application/json", "Retry-After", "1")
                : Map.of("Content-Type", "application/json");
        return new FaultProxy.Reply(status, reason, headers, body);
    }

    /** The stored object, read past the proxy (so also while paused): what flagstep wrote. */
    public Optional<ObjectNode> object(ResourceKind kind, String namespace, String name) {
        return direct.get(kind.ref(namespace, name));
    }

    public Optional<ObjectNode> object(KubeRef ref) {
        return direct.get(ref);
    }

    /**
     * Waits until the controllers have completed a whole pass that started after this call, so every write made
     * before it has been seen (and, with no ready delay, the Deployments are ready and the routes accepted).
     *
     * @throws IllegalStateException when that does not happen within {@code timeout}
     */
    public void awaitReconciled(Duration timeout) {
        long target = controllers.ticks() + 2; // the tick in progress may have listed before the caller's writes
        Instant deadline = Instant.now().plus(timeout);
        while (controllers.ticks() < target) {
            if (!controllers.alive()) throw new IllegalStateException("the simulated cluster's controllers are stopped");
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the simulated cluster's controllers did not complete a pass within " + timeout);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /**
     * The Keptn Analyses the simulated metrics-operator completed so far, oldest first, as {@code namespace/name pass}
     * or {@code namespace/name fail} (those deleted since too). Each is judged by its AnalysisDefinition's
     * {@code flagstep.dev/simulated-verdict} annotation: {@code pass} (the default), {@code fail}, {@code warning}; any
     * other value leaves the Analysis {@code Progressing}, and without the definition it stays {@code Pending}.
     */
    public List<String> completedAnalyses() {
        return controllers.keptn().completed().stream()
                .map(c -> c.namespace() + "/" + c.name() + (c.pass() ? " pass" : " fail")).toList();
    }

    /** Ticks the controllers completed: for tests. */
    long ticks() {
        return controllers.ticks();
    }

    /** The mock server itself, past the proxy: for tests. */
    URI apiUrl() {
        return api.url();
    }

    boolean controllersRunning() {
        return controllers.alive();
    }

    /** Stops the controllers, then the API (proxy and server). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        controllers.close();
        proxy.close();
        front.close();
        services.close();
        api.close();
    }
}
