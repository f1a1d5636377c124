package dev.flagstep.phases;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.FlaggerMessages;
import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.Phase;
import dev.flagstep.analysis.PhaseContext;
import dev.flagstep.analysis.Routes;
import dev.flagstep.analysis.Step;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.spec.Analysis;
import dev.flagstep.router.RouterNotReady;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import dev.flagstep.store.StaleStatusException;
import dev.flagstep.store.StatusRecord;
import dev.flagstep.store.TickMemo;
import dev.flagstep.webhook.HookContext;
import dev.flagstep.webhook.HookRun;
import dev.flagstep.webhook.SigningSecret;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One invocation of a phase: the canary document, its status as read (with the version the write
 * is conditioned on), and the helpers every handler shares: publish Flagger's events, save the
 * status once, and remember the tick so a task Step Functions runs twice is answered from memory.
 */
final class Tick {

    private static final SpecParser PARSER = new SpecParser();

    final Services services;
    final PhaseInput input;
    final CanaryDocument document;
    final CanarySpec spec;
    final String provider;
    final Instant now;
    final FlaggerMessages messages;
    final PhaseContext phaseContext;
    /** How long a claimed tick belongs to its delivery: past Lambda's longest timeout, it was a crash. */
    static final Duration LEASE = Duration.ofMinutes(15);
    private static final Duration AWAIT_POLL = Duration.ofMillis(100);

    private long version;
    private final Optional<TickMemo> memo;
    private Optional<Instant> gateClosedSince;
    private CanaryStatus status;
    private CanaryCluster cluster;

    private Tick(Services services, PhaseInput input, CanaryDocument document, StatusRecord record) {
        this.services = services;
        this.input = input;
        this.document = document;
        this.spec = document.canary();
        this.provider = spec.provider().orElse(services.defaultProvider());
        this.now = services.clock().instant();
        this.messages = FlaggerMessages.of(spec);
        this.phaseContext = PhaseContext.of(spec, provider);
        this.status = record.status();
        this.version = record.version();
        this.memo = record.memo();
        this.gateClosedSince = memo.flatMap(TickMemo::gateClosedSince);
    }

    /** Loads the canary named by the input; a document that no longer parses fails the phase with its errors. */
    static Tick load(Services services, PhaseInput input) {
        var stored = services.store().spec(input.canary())
                .orElseThrow(() -> new PhaseException("canary " + input.canary() + " has no document (was it deleted?)"));
        CanaryDocument document = switch (PARSER.parse(stored.source(), input.canary())) {
            case SpecResult.Valid v -> v.document();
            case SpecResult.Invalid inv -> throw new PhaseException("canary " + input.canary()
                    + " has an invalid document: " + inv.errors());
        };
        StatusRecord record = services.store().statusRecord(input.canary())
                .orElse(new StatusRecord(CanaryStatus.initial(services.clock().instant()), 0, Optional.empty()));
        return new Tick(services, input, document, record);
    }

    CanaryStatus status() {
        return status;
    }

    Analysis analysis() {
        return spec.analysis().orElseThrow(() -> new PhaseException("canary " + spec.id() + " has no analysis block"));
    }

    /** The canary's hooks of one type in spec order; none when the analysis block is absent. */
    List<Webhook> hooks(HookType type) {
        return spec.analysis().map(a -> a.hooks(type)).orElse(List.of());
    }

    CanaryCluster cluster() {
        if (cluster == null) {
            cluster = services.clusters().of(spec, provider);
        }
        return cluster;
    }

    /** The answer this very tick already gave, if Step Functions delivered it twice. */
    Optional<PhaseOutput> replayed() {
        return memo.filter(m -> sameTick(m) && !m.inProgress()).map(this::answer);
    }

    /**
     * Claims this tick before acting, with a conditional write, so that two copies of one task
     * running at once (a retried invoke whose first attempt is still running) never both act: the
     * loser waits for the winner's answer. A claim left by a delivery that died is taken over once
     * it is older than {@link #LEASE}.
     *
     * @return the other delivery's answer, or empty when this delivery owns the tick
     */
    Optional<PhaseOutput> claim() {
        if (input.tick().isEmpty()) {
            return Optional.empty(); // invoked by hand, outside the state machine: nothing to pair with
        }
        Instant now = services.clock().instant();
        boolean takeOver = memo.filter(this::sameTick).flatMap(TickMemo::startedAt)
                .map(started -> Duration.between(started, now).compareTo(LEASE) > 0).orElse(false);
        if (memo.filter(this::sameTick).isPresent() && !takeOver) {
            return Optional.of(awaitOtherDelivery());
        }
        for (int attempt = 0; ; attempt++) {
            try {
                version = services.store().saveStatus(spec.id(), status, version,
                        new TickMemo(input.tick(), "", gateClosedSince, 0, Optional.of(now)));
                return Optional.empty();
            } catch (StaleStatusException e) {
                StatusRecord fresh = services.store().statusRecord(spec.id()).orElseThrow(() -> e);
                if (fresh.memo().filter(this::sameTick).isPresent()) {
                    return Optional.of(awaitOtherDelivery());
                }
                if (attempt == 2) {
                    throw e;
                }
                // another writer got in first (a superseded run's last phase finishing): act on what it left
                status = fresh.status();
                version = fresh.version();
            }
        }
    }

    private PhaseOutput awaitOtherDelivery() {
        long deadline = System.nanoTime() + LEASE.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<TickMemo> now = services.store().statusRecord(spec.id()).flatMap(StatusRecord::memo);
            if (now.isEmpty() || !sameTick(now.get())) {
                throw new PhaseException("canary " + spec.id() + ": tick " + input.tick()
                        + " was overtaken by another writer; this delivery stops without acting");
            }
            if (!now.get().inProgress()) {
                return answer(now.get());
            }
            try {
                Thread.sleep(AWAIT_POLL.toMillis());
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new PhaseException("interrupted while another delivery of " + input.tick() + " runs");
            }
        }
        throw new PhaseException("canary " + spec.id() + ": another delivery of " + input.tick()
                + " did not finish within " + LEASE.toSeconds() + "s");
    }

    private boolean sameTick(TickMemo m) {
        return !input.tick().isEmpty() && m.tick().equals(input.tick());
    }

    private PhaseOutput answer(TickMemo m) {
        return output(m.decision(), m.waitSeconds() > 0 ? m.waitSeconds() : intervalSeconds());
    }

    /**
     * Since when the confirm gate the run waits on has been closed (for {@code analysis.gateTimeout}).
     * Kept across the analysis ticks in between, cleared when a gate opens.
     */
    Optional<Instant> gateClosedSince() {
        return gateClosedSince;
    }

    void gateClosedSince(Optional<Instant> since) {
        gateClosedSince = since;
    }

    /** True when a newer run took the canary over: this execution must stop touching it. */
    boolean superseded() {
        return services.store().activeRun(spec.id()).map(a -> !a.runId().equals(input.runId())).orElse(true);
    }

    HookContext hookContext() {
        Optional<SigningSecret> secret = spec.analysis()
                .flatMap(Analysis::webhookSecretRef)
                .flatMap(ref -> services.signingSecrets().resolve(ref));
        return new HookContext(spec.id(), status.phase(), status.checksum(), secret);
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

    /** Applies a pure decision: routes first (as Flagger calls SetRoutes before its status writes). */
    void applyRoutes(Step step) {
        if (step instanceof Step.Proceed p) {
            p.routes().ifPresent(this::setRoutes);
        }
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
        services.store().appendWeight(spec.id(), input.runId(), routes.canary(), services.clock().instant());
    }

    void publish(List<Message> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<CanaryEvent> events = new ArrayList<>();
        for (Message m : batch) {
            Phase phase = m.recordedPhase().orElse(status.phase());
            events.add(new CanaryEvent(spec.id(),
                    m.severity(),
                    m.text(), phase, services.clock().instant(), status.canaryWeight(), status.failedChecks(),
                    input.runId(), status.checksum()));
        }
        events.forEach(services.store()::append);
        services.events().publish(events);
    }

    void publish(Message m) {
        publish(List.of(m));
    }

    /** Keeps a new status in memory; {@link #finish} writes it with the tick's decision. */
    void update(CanaryStatus next) {
        status = next;
    }

    /**
     * Saves the status with this tick's decision, conditioned on the version read. If another
     * delivery of the same tick saved first, its decision is the answer; any other conflict is an
     * error (two executions must never drive one canary).
     */
    PhaseOutput finish(String decision) {
        return finish(decision, intervalSeconds());
    }

    PhaseOutput finish(String decision, int waitSeconds) {
        try {
            version = services.store().saveStatus(spec.id(), status, version,
                    new TickMemo(input.tick(), decision, gateClosedSince, waitSeconds, Optional.empty()));
        } catch (StaleStatusException e) {
            Optional<TickMemo> other = services.store().statusRecord(spec.id())
                    .flatMap(StatusRecord::memo)
                    .filter(m -> sameTick(m) && !m.inProgress());
            if (other.isPresent()) {
                return answer(other.get());
            }
            throw e;
        }
        EmfMetrics.canary(spec.id(), status.canaryWeight(), status.failedChecks(), now);
        return output(decision, waitSeconds);
    }

    PhaseOutput output(String decision) {
        return output(decision, input.intervalSeconds());
    }

    private PhaseOutput output(String decision, int waitSeconds) {
        return new PhaseOutput(input.canary(), input.runId(), input.revision(), intervalSeconds(), waitSeconds, decision);
    }

    /** The canary's interval as the state machine waits it (the document may have changed since start). */
    int intervalSeconds() {
        return (int) Math.max(1, spec.interval().toSeconds());
    }
}
