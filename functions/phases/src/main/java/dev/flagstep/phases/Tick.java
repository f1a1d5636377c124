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
    /** How long a run's own phase waits for a straggler of a superseded run before acting anyway. */
    private static final Duration FOREIGN_WAIT = Duration.ofSeconds(60);

    private long version;
    private final Optional<TickMemo> memo;
    private Optional<Instant> gateClosedSince;
    private CanaryStatus status;
    /** The status as it stood when this delivery claimed the tick, and whether the claim is still held. */
    private CanaryStatus loaded;
    private boolean claimed;
    private CanaryCluster cluster;
    /** Set by Initialize when this run took the canary over from a running one. */
    boolean supersededAnotherRun;

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
    Optional<PhaseOutput> claim(boolean yieldsToNewerRun) {
        if (input.tick().isEmpty()) {
            return Optional.empty(); // invoked by hand, outside the state machine: nothing to pair with
        }
        Optional<TickMemo> current = memo;
        for (int attempt = 0; attempt < 5; attempt++) {
            Instant now = services.clock().instant();
            Optional<TickMemo> live = current.filter(m -> m.inProgress() && !expired(m, now));
            if (live.filter(this::sameTick).isPresent()) {
                return Optional.of(awaitOtherDelivery());
            }
            if (live.isPresent() && !ofThisRun(live.get())) {
                // another run's phase is acting on this canary right now (StopExecution does not stop
                // a running Lambda): a superseded run steps aside; the run holding the canary lets the
                // straggler finish, so its last write cannot land after ours
                if (yieldsToNewerRun && superseded()) {
                    return Optional.of(output("superseded"));
                }
                if (!yieldsToNewerRun) {
                    awaitForeignTick(live.get().tick());
                    StatusRecord fresh = reload();
                    status = fresh.status();
                    version = fresh.version();
                    current = fresh.memo();
                    continue;
                }
            }
            try {
                version = services.store().saveStatus(spec.id(), status, version,
                        new TickMemo(memoKey(), "", gateClosedSince, 0, Optional.of(now)));
                loaded = status;
                claimed = true;
                return Optional.empty();
            } catch (StaleStatusException e) {
                StatusRecord fresh = reload();
                if (yieldsToNewerRun && superseded()) {
                    return Optional.of(output("superseded"));
                }
                status = fresh.status();
                version = fresh.version();
                current = fresh.memo();
            }
        }
        throw new PhaseException("canary " + spec.id() + ": could not claim tick " + input.tick()
                + " against other writers");
    }

    private boolean expired(TickMemo m, Instant now) {
        return m.startedAt().map(started -> Duration.between(started, now).compareTo(LEASE) > 0).orElse(true);
    }

    private StatusRecord reload() {
        return services.store().statusRecord(spec.id())
                .orElseThrow(() -> new PhaseException("canary " + spec.id() + " lost its status while claiming a tick"));
    }

    /** Waits (boundedly) until a tick of another delivery is no longer in progress. */
    private void awaitForeignTick(String foreign) {
        long deadline = System.nanoTime() + FOREIGN_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<TickMemo> now = services.store().statusRecord(spec.id()).flatMap(StatusRecord::memo);
            if (now.isEmpty() || !now.get().tick().equals(foreign) || !now.get().inProgress()) {
                return;
            }
            try {
                Thread.sleep(AWAIT_POLL.toMillis());
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
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

    /**
     * The phase failed after claiming its tick: give the claim back (the status as it was read, the
     * memo no longer naming this tick), so a retry of the same task acts instead of waiting for a
     * delivery that is gone. Best effort: if even this write fails, the claim lapses after {@link #LEASE}.
     */
    void releaseClaim() {
        if (!claimed) {
            return;
        }
        try {
            version = services.store().saveStatus(spec.id(), loaded, version,
                    new TickMemo("", "released " + input.tick(), gateClosedSince, 0, Optional.empty()));
            claimed = false;
        } catch (RuntimeException e) {
            System.getLogger("flagstep").log(System.Logger.Level.WARNING,
                    "could not release tick " + input.tick() + " of " + spec.id() + ": " + e.getMessage());
        }
    }

    private boolean sameTick(TickMemo m) {
        return !input.tick().isEmpty() && m.tick().equals(memoKey());
    }

    /** The memo names the run and the tick: a claim left by this run's own earlier phase is never waited for. */
    private String memoKey() {
        return input.runId() + "/" + input.tick();
    }

    private boolean ofThisRun(TickMemo m) {
        return m.tick().startsWith(input.runId() + "/");
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
        Optional<SigningSecret> secret = services.signingSecrets()
                .signingKey(spec.id(), spec.analysis().flatMap(Analysis::webhookSecretRef));
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
                    new TickMemo(memoKey(), decision, gateClosedSince, waitSeconds, Optional.empty()));
            claimed = false;
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
