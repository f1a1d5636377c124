package dev.flagstep.phases;

import dev.flagstep.analysis.Alert;
import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.crd.CanaryObjects;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.metrics.MetricCheckResult;
import dev.flagstep.notifier.Notifier;
import dev.flagstep.phases.cluster.CanaryCluster;
import dev.flagstep.phases.wiring.EmfMetrics;
import dev.flagstep.phases.wiring.Services;
import dev.flagstep.router.RouterNotReady;
import dev.flagstep.spec.Analysis;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import dev.flagstep.store.ClaimResult;
import dev.flagstep.store.GateStore;
import dev.flagstep.store.RunResult;
import dev.flagstep.webhook.HookContext;
import dev.flagstep.webhook.HookRun;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Everything one tick reads and changes outside its own status, for one canary: the cluster and its
 * router, the hooks, the metrics, the events, the gates and the run. Handlers act through this facade
 * (never through {@link Services}); the status and the decision are the {@link Tick}'s.
 */
final class CanaryIo {

    private static final System.Logger LOG = System.getLogger("flagstep");
    private static final int PERSIST_ATTEMPTS = 5;
    private static final Duration PERSIST_FIRST_PAUSE = Duration.ofMillis(500);

    private final Services services;
    private final CanarySpec spec;
    private final String provider;
    private final String runId;
    private final Instant deadline;
    /** The tick's status as it stands now: what events and hook payloads carry. */
    private final Supplier<CanaryStatus> status;
    /**
     * A canary's {@code Canary} object in the cluster, where its status and events are mirrored, and the problem
     * of its spec when it is invalid (the stored document is then its last valid one): the status written keeps
     * saying so, as the sync wrote it.
     */
    record CanaryObject(CanaryObjects objects, Optional<String> problem) {}

    /** The canary's {@code Canary} object, when it comes from the cluster; empty for API canaries. */
    private final Optional<CanaryObject> object;
    private final TickEvents tickEvents;
    private CanaryCluster cluster;

    CanaryIo(Services services, CanarySpec spec, String provider, String runId, Instant deadline,
            Supplier<CanaryStatus> status, Optional<CanaryObject> object) {
        this(services, spec, provider, runId, deadline, status, object, TickEvents.none(status));
    }

    /** @param tickEvents which tick this is, the phase its events carry, and whether an earlier delivery ran it */
    CanaryIo(Services services, CanarySpec spec, String provider, String runId, Instant deadline,
            Supplier<CanaryStatus> status, Optional<CanaryObject> object, TickEvents tickEvents) {
        this.services = services;
        this.spec = spec;
        this.provider = provider;
        this.runId = runId;
        this.deadline = deadline;
        this.status = status;
        this.object = object;
        this.tickEvents = tickEvents;
    }

    private CanaryId id() {
        return spec.id();
    }

    CanaryCluster cluster() {
        if (cluster == null) {
            cluster = services.clusters().of(spec, provider);
        }
        return cluster;
    }

    /**
     * The router's weights, or empty when the router is not ready to be read (a Gateway API parent
     * not yet Accepted, a controller lagging behind the last write): as Flagger, the tick ends with a
     * warning and is tried again after an interval; it is not a failure.
     */
    Optional<Routes> routes() {
        try {
            return Optional.of(cluster().routes());
        } catch (RouterNotReady e) {
            publish(Message.warning(e.getMessage()));
            return Optional.empty();
        }
    }

    /** Changes the traffic split and records it on the run's weight timeline. */
    void setRoutes(Routes routes) {
        cluster().setRoutes(routes);
        services.runs().appendWeight(id(), runId, routes.canary(), services.clock().instant());
    }

    /** The canary's hooks of one type in spec order; none when the analysis block is absent. */
    List<Webhook> hooks(HookType type) {
        return spec.analysis().map(a -> a.hooks(type)).orElse(List.of());
    }

    /** Runs the hooks of one type in spec order (Flagger's stop rules), recording each call's latency. */
    HookRun runHooks(HookType type, List<Webhook> hooks) {
        HookRun run = services.hooks().run(type, hookContext(), hooks);
        run.outcomes().forEach(o -> EmfMetrics.hook(type, o, services.clock().instant()));
        return run;
    }

    HookRun runHooks(HookType type) {
        return runHooks(type, hooks(type));
    }

    private HookContext hookContext() {
        var secret = services.signingSecrets().signingKey(id(), spec.analysis().flatMap(Analysis::webhookSecretRef));
        return new HookContext(id(), status.get().phase(), status.get().checksum(), secret);
    }

    /** The canary's metric checks (Flagger's analysis.metrics). */
    MetricCheckResult checkMetrics(CanaryDocument document) {
        return services.metrics().check(document);
    }

    /** The phase the latest earlier tick of this run started with (see {@link TickEvents#phaseOfLastTick}). */
    Optional<CanaryPhase> phaseOfLastTick(Instant before) {
        return TickEvents.phaseOfLastTick(services.history().tickEvents(id(), 100), runId, before);
    }

    /** Flagger's check of the canary's metric providers: empty when all are online, else why not. */
    Optional<String> metricProvidersAvailable(CanaryDocument document) {
        return services.metrics().providersAvailable(document);
    }

    /** Records and publishes events carrying the tick's status as it stands now. */
    void publish(List<Message> batch) {
        publish(batch, status.get());
    }

    void publish(Message m) {
        publish(List.of(m));
    }

    /**
     * Records and publishes events with the weights of {@code at}, then posts them to the canary's event
     * webhooks, one after another and before the tick goes on, as Flagger does. Each carries the phase
     * Flagger's would: the one its tick started with ({@link TickEvents#phase}), unless the message names
     * the copy of the canary Flagger records it on. An event an earlier delivery of this very tick
     * already recorded is not sent again.
     */
    void publish(List<Message> batch, CanaryStatus at) {
        if (batch.isEmpty()) {
            return;
        }
        Instant now = services.clock().instant();
        List<CanaryEvent> events = new ArrayList<>();
        for (Message m : batch) {
            Optional<String> mark = tickEvents.next(m);
            if (mark.isPresent() && tickEvents.sentBefore(mark.get(), () -> services.history().tickEvents(id(), 100))) {
                continue;
            }
            CanaryPhase phase = m.recordedPhase().orElse(tickEvents.phase());
            CanaryEvent event = new CanaryEvent(id(), m.severity(), m.text(), phase, now, at.canaryWeight(),
                    at.failedChecks(), runId, at.checksum());
            services.history().append(event, mark);
            events.add(event);
        }
        if (events.isEmpty()) {
            return;
        }
        services.events().publish(events);
        object.ifPresent(o -> o.objects().record(id(), events));
        events.forEach(this::postToEventWebhooks);
    }

    /**
     * Flagger's {@code sendEventToWebhook}: each event hook (or the global event webhook) in turn, bounded by
     * the hook's own timeout and retries; a failure is logged and never fails the tick. Past this invocation's
     * deadline margin the event is only logged: the tick must still save its decision.
     */
    private void postToEventWebhooks(CanaryEvent event) {
        List<Webhook> targets = services.hooks().eventTargets(hooks(HookType.EVENT));
        if (targets.isEmpty()) {
            return;
        }
        if (!services.clock().instant().isBefore(deadline.minus(Delivery.MARGIN))) {
            LOG.log(System.Logger.Level.WARNING, "event of " + id() + " not sent to its event webhooks (the phase's time is up): "
                    + event.message());
            return;
        }
        try {
            var secret = services.signingSecrets().signingKey(id(), spec.analysis().flatMap(Analysis::webhookSecretRef));
            services.hooks().sendEvent(event, targets, secret).stream()
                    .filter(o -> o instanceof dev.flagstep.webhook.HookOutcome.Failed)
                    .map(o -> (dev.flagstep.webhook.HookOutcome.Failed) o)
                    .forEach(f -> LOG.log(System.Logger.Level.WARNING, "error sending event of " + id() + " to webhook "
                            + f.hook().name() + ": " + f.message()));
        } catch (RuntimeException e) {
            // the signing key could not be read: the event is in the history and on the bus, the tick goes on
            LOG.log(System.Logger.Level.WARNING, "event of " + id() + " not sent to its event webhooks: " + e.getMessage());
        }
    }

    /**
     * Sends Flagger's alerts to the canary's AlertProviders (or the global notifier), after the tick's events;
     * a provider that cannot be reached costs a bounded wait and a Warning event naming it, never the release.
     */
    void alert(CanaryDocument document, List<Alert> alerts) {
        if (alerts.isEmpty()) {
            return;
        }
        var context = new Notifier.Context(document, provider, runId, deadline.minus(Delivery.MARGIN));
        services.notifier().send(context, alerts).forEach(problem -> publish(Message.warning(problem)));
    }

    /**
     * Writes a saved status onto the canary's {@code Canary} object, when it comes from the cluster. Safe after
     * the tick's save: {@link CanaryObjects} never throws (a failure is logged and the next saved status, or the
     * sync, writes it again), and costs at most one Kubernetes client timeout, after which it leaves the API
     * alone for a while; the status is the store's, so what the object shows can lag but never lead it.
     */
    void mirrorStatus(CanaryStatus saved) {
        object.ifPresent(o -> o.objects().writeStatus(id(), saved, o.problem()));
    }

    /** flagstep's own API, whose gate paths a hook may name ({@link Gates}). */
    Optional<URI> apiUrl() {
        return services.apiUrl();
    }

    GateStore gates() {
        return services.gates();
    }

    /** True when a newer run took the canary over: this execution must stop touching it. */
    boolean superseded() {
        return services.runs().activeRun(id()).map(a -> !a.runId().equals(runId)).orElse(true);
    }

    /** This run as the store has it. */
    Optional<dev.flagstep.store.Run> run() {
        return services.runs().run(id(), runId);
    }

    /** Takes the canary for this run (Initialize). */
    ClaimResult claimRun(String revision, Instant now) {
        return services.runs().claimRun(id(), runId, revision, now);
    }

    /** This run replaces the canary's running one. */
    void supersede(String revision, Instant now) {
        services.runs().supersede(id(), runId, revision, now);
    }

    /** Releases the canary: the run is over. */
    void finishRun(RunResult result, Instant now) {
        services.runs().finishRun(id(), runId, result, now);
    }

    // ---- what Flagger's metrics and the rollout figures read (EmfMetrics, dev.flagstep.observability) ----

    /** The installation's default provider: Flagger's {@code -mesh-provider}, in {@code flagger_info}. */
    String meshProvider() {
        return services.defaultProvider();
    }

    /** The clock now; the tick's start is {@link Tick#now}. */
    Instant clockNow() {
        return services.clock().instant();
    }

    // ---- end of the metrics' reads ----

    /** Closes every gate of the canary, so the next rollout needs a fresh approval. */
    void closeGates() {
        services.gates().closeAll(id());
    }

    /**
     * Runs a write that must happen (closing the gates, releasing the canary), trying it again on a
     * transient fault, a few times within this invocation's time, before the fault fails the delivery.
     */
    void persistently(Runnable write) {
        Duration pause = PERSIST_FIRST_PAUSE;
        for (int attempt = 1; ; attempt++) {
            try {
                write.run();
                return;
            } catch (RuntimeException e) {
                Instant next = services.clock().instant().plus(pause);
                if (attempt >= PERSIST_ATTEMPTS || Transience.cause(e).isEmpty()
                        || !next.isBefore(deadline.minus(Delivery.MARGIN))) {
                    throw e;
                }
                try {
                    services.sleeper().sleep(Duration.ofMillis(ThreadLocalRandom.current().nextLong(pause.toMillis() + 1)));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pause = pause.multipliedBy(2);
            }
        }
    }
}
