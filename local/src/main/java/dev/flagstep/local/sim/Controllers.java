package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeException;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The kubelets and controllers of the simulated cluster, as one loop: every tick it lists Deployments, Services
 * and HTTPRoutes and writes the Deployment status, Endpoints and route status a healthy cluster would show (and
 * plays Knative Serving and Keptn's metrics-operator for their objects). Writes go through {@link KubeClient#edit}
 * (a JSON Patch of the difference guarded by resourceVersion), so a concurrent spec write by flagstep is never
 * clobbered: the loser re-reads and the status is recomputed from the newer object. Nothing is written when
 * the status is already right, which keeps the races with flagstep's own writes rare.
 */
final class Controllers implements AutoCloseable {

    private static final List<ResourceKind> ROUTE_KINDS = List.of(ResourceKind.HTTP_ROUTE, ResourceKind.HTTP_ROUTE_V1BETA1);

    /** The generation a Deployment's pods are rolling out and since when (for the ready delay). */
    private record Rollout(long generation, Instant since) {}

    private final KubeClient kube;
    private final ClusterWideApi api;
    private final Clock clock;
    private final Duration tick;
    private final Runnable afterTick;
    private final Set<String> heldUnready = ConcurrentHashMap.newKeySet();
    private final Map<String, Duration> readyDelays = new ConcurrentHashMap<>();
    private final Map<KubeRef, Rollout> rollouts = new ConcurrentHashMap<>();
    private final KeptnMetricsOperator keptn = new KeptnMetricsOperator();
    /** The nodes a DaemonSet schedules a pod on, by their labels. */
    private volatile List<Map<String, String>> nodes = DaemonSetStatus.nodes(3);
    private final AtomicLong ticks = new AtomicLong();
    /** Run in the loop's thread after each pass, before the next: observers that must miss none. */
    private final List<Runnable> afterPass = new CopyOnWriteArrayList<>();
    private volatile Duration defaultReadyDelay;
    private volatile boolean running = true;
    private volatile boolean frozen;
    /** Held for a whole pass, so {@link #freeze} can wait for the pass in progress. */
    private final ReentrantLock pass = new ReentrantLock();
    private final Thread thread;

    Controllers(KubeClient kube, ClusterWideApi api, Clock clock, Duration tick, Duration readyDelay, Runnable afterTick) {
        this.kube = kube;
        this.api = api;
        this.clock = clock;
        this.tick = tick;
        this.defaultReadyDelay = readyDelay;
        this.afterTick = afterTick;
        // a daemon: a CLI that forgets close() must still exit
        this.thread = Thread.ofPlatform().name("sim-controllers").daemon().unstarted(this::loop);
    }

    void start() {
        thread.start();
    }

    /** Ticks completed so far: tests wait for "one more tick" rather than for a fixed time. */
    long ticks() {
        return ticks.get();
    }

    boolean alive() {
        return thread.isAlive();
    }

    void afterEachPass(Runnable observer) {
        afterPass.add(observer);
    }

    void removeAfterEachPass(Runnable observer) {
        afterPass.remove(observer);
    }

    void holdUnready(String deployment, boolean hold) {
        if (hold) heldUnready.add(deployment);
        else heldUnready.remove(deployment);
    }

    void readyDelay(String deployment, Duration delay) {
        readyDelays.put(deployment, requireNotNegative(delay));
    }

    /** Frozen, the loop still ticks but observes nothing; returns once a pass in progress has ended. */
    void freeze(boolean freeze) {
        frozen = freeze;
        pass.lock();
        pass.unlock();
    }

    void nodes(int count) {
        nodes = DaemonSetStatus.nodes(count);
    }

    void defaultReadyDelay(Duration delay) {
        defaultReadyDelay = requireNotNegative(delay);
    }

    private void loop() {
        while (running) {
            passNow();
            ticks.incrementAndGet();
            afterTick.run();
            try {
                Thread.sleep(tick);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One whole pass in the caller's thread (none while frozen), as the loop runs at each tick. */
    void passNow() {
        pass.lock();
        try {
            if (!frozen) {
                reconcileOnce();
                afterPass.forEach(Runnable::run);
            }
        } catch (RuntimeException e) {
            // the API answering badly for a pass must not end the cluster's controllers; the next tick retries
        } finally {
            pass.unlock();
        }
    }

    /**
     * One pass over every Deployment, then the Endpoints of every Service (from the Deployments as this pass
     * left them; Services are listed after the Deployments, so a Service switched to another Deployment before
     * that one was scaled down is seen switched), then every HTTPRoute.
     */
    void reconcileOnce() {
        new Autoscalers(kube, api, clock).reconcile(); // first: the Deployments' status below sees their replicas
        Set<KubeRef> deployments = new HashSet<>();
        List<ObjectNode> observed = new ArrayList<>();
        for (ObjectNode d : api.list(ResourceKind.DEPLOYMENT)) {
            deployments.add(refOf(ResourceKind.DEPLOYMENT, d));
            ObjectNode withStatus = d.deepCopy();
            withStatus.set("status", reconcile(ResourceKind.DEPLOYMENT, d, this::deploymentStatus));
            observed.add(withStatus);
        }
        for (ObjectNode d : api.list(ResourceKind.DAEMON_SET)) {
            deployments.add(refOf(ResourceKind.DAEMON_SET, d));
            ObjectNode withStatus = d.deepCopy();
            withStatus.set("status", reconcile(ResourceKind.DAEMON_SET, d,
                    o -> DaemonSetStatus.of(o, health(ResourceKind.DAEMON_SET, o), nodes)));
            observed.add(DaemonSetStatus.asPods(withStatus));
        }
        // a Deployment deleted and created again starts its ready delay afresh
        rollouts.keySet().retainAll(deployments);
        reconcileEndpoints(observed);
        for (ResourceKind kind : ROUTE_KINDS) {
            for (ObjectNode r : api.list(kind)) reconcile(kind, r, o -> RouteStatus.of(o, clock.instant()));
        }
        KnativeServing.reconcile(kube, api);
        keptn.reconcile(kube, api, clock);
    }

    /** Keptn's metrics-operator, which completes Analyses. */
    KeptnMetricsOperator keptn() {
        return keptn;
    }

    /** @return the status the object has now (the one written, or the listed one when it was right) */
    private JsonNode reconcile(ResourceKind kind, ObjectNode listed, Function<ObjectNode, ObjectNode> desired) {
        ObjectNode wanted = desired.apply(listed);
        if (wanted.equals(listed.path("status"))) return wanted;
        KubeRef ref = refOf(kind, listed);
        try {
            // recomputed from the object edit() read, which may be newer than the listed one
            return kube.edit(ref, o -> o.set("status", desired.apply(o))).path("status");
        } catch (KubeException.NotFound | KubeException.Conflict deletedOrBusy) {
            // deleted since the list, or flagstep kept writing it: the next tick looks again
            return wanted;
        }
    }

    /** kube-controller-manager's endpoints controller: one Endpoints per Service with a selector. */
    private void reconcileEndpoints(List<ObjectNode> deployments) {
        Map<KubeRef, ObjectNode> stored = new HashMap<>();
        for (ObjectNode e : api.list(Endpoints.KIND)) stored.put(refOf(Endpoints.KIND, e), e);
        for (ObjectNode svc : api.list(ResourceKind.SERVICE)) {
            KubeRef ref = refOf(Endpoints.KIND, svc);
            ObjectNode old = stored.remove(ref);
            Optional<ObjectNode> desired = Endpoints.of(svc, deployments);
            if (desired.isEmpty()) continue; // a Service without a selector: its Endpoints are the user's
            try {
                if (old == null) {
                    kube.createIfAbsent(Endpoints.KIND, desired.get());
                } else if (!old.path("subsets").equals(desired.get().path("subsets"))) {
                    kube.edit(ref, o -> o.set("subsets", desired.get().get("subsets")));
                }
            } catch (KubeException.NotFound | KubeException.Conflict raced) {
                // the next pass looks again
            }
        }
        // Endpoints of Services that are gone go too
        for (KubeRef orphan : stored.keySet()) kube.delete(orphan);
    }

    private ObjectNode deploymentStatus(ObjectNode d) {
        return DeploymentStatus.of(d, health(ResourceKind.DEPLOYMENT, d), clock.instant());
    }

    private PodHealth health(ResourceKind kind, ObjectNode d) {
        String name = d.path("metadata").path("name").asText();
        if (heldUnready.contains(name)) return new PodHealth.HeldUnready();
        long generation = d.path("metadata").path("generation").asLong(1);
        Rollout r = rollouts.compute(refOf(kind, d), (k, old) ->
                old != null && old.generation() == generation ? old : new Rollout(generation, clock.instant()));
        Duration delay = readyDelays.getOrDefault(name, defaultReadyDelay);
        return clock.instant().isBefore(r.since().plus(delay)) ? new PodHealth.RollingOut(r.since()) : new PodHealth.Ready();
    }

    private static KubeRef refOf(ResourceKind kind, JsonNode o) {
        return kind.ref(o.path("metadata").path("namespace").asText(), o.path("metadata").path("name").asText());
    }

    private static Duration requireNotNegative(Duration d) {
        if (d.isNegative()) throw new IllegalArgumentException("ready delay must not be negative: " + d);
        return d;
    }

    /** Stops the loop and waits for the tick in progress to end. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
