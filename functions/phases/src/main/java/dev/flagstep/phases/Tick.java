package dev.flagstep.phases;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.FlaggerMessages;
import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.Phase;
import dev.flagstep.analysis.PhaseContext;
import dev.flagstep.analysis.Routes;
import dev.flagstep.analysis.Step;
import dev.flagstep.analysis.Weights;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.spec.Analysis;
import dev.flagstep.router.RouterNotReady;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
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
import java.util.concurrent.ThreadLocalRandom;

/**
 * One invocation of a phase: the canary document, its status as read (with the version the write
 * is conditioned on), and the helpers every handler shares: publish Flagger's events, save the
 * status once, and remember the tick so a task Step Functions runs twice is answered from memory.
 */
final class Tick {

    private static final SpecParser PARSER = new SpecParser();
    private static final int PERSIST_ATTEMPTS = 5;
    private static final Duration PERSIST_FIRST_PAUSE = Duration.ofMillis(500);

    final Services services;
    final PhaseInput input;
    final CanaryDocument document;
    final CanarySpec spec;
    final String provider;
    final Instant now;
    final FlaggerMessages messages;
    final PhaseContext phaseContext;
    private final TickClaim claim;
    private final Instant deadline;
    private Optional<Instant> gateClosedSince;
    private CanaryStatus status;
    private CanaryCluster cluster;
    /** Set by Initialize when this run took the canary over from a running one. */
    boolean supersededAnotherRun;

    private Tick(Services services, PhaseInput input, CanaryDocument document, StatusRecord record, Instant deadline) {
        this.services = services;
        this.input = input;
        this.document = document;
        this.spec = document.canary();
        this.provider = spec.provider().orElse(services.defaultProvider());
        this.now = services.clock().instant();
        this.messages = FlaggerMessages.of(spec);
        this.phaseContext = PhaseContext.of(spec, provider);
        this.status = record.status();
        this.claim = new TickClaim(services, input, spec.id(), record, deadline);
        this.deadline = deadline;
        this.gateClosedSince = record.memo().flatMap(TickMemo::gateClosedSince);
    }

    /**
     * Loads the canary named by the input; a document that no longer parses fails the phase with its errors.
     *
     * @param deadline when this invocation ends: the lease of its tick claim and the bound of its waits
     */
    static Tick load(Services services, PhaseInput input, Instant deadline) {
        var stored = services.specs().spec(input.canary())
                .orElseThrow(() -> new PhaseException("canary " + input.canary() + " has no document (was it deleted?)"));
        CanaryDocument document = switch (PARSER.parse(stored.source(), input.canary())) {
            case SpecResult.Valid v -> v.document();
            case SpecResult.Invalid inv -> throw new PhaseException("canary " + input.canary()
                    + " has an invalid document: " + inv.errors());
        };
        StatusRecord record = services.statuses().statusRecord(input.canary())
                .orElse(new StatusRecord(CanaryStatus.initial(services.clock().instant()), 0, Optional.empty()));
        return new Tick(services, input, document, record, deadline);
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
        return claim.replayed().map(this::answer);
    }

    /**
     * Claims this tick before acting ({@link TickClaim}): a copy of the task running at the same time
     * waits for the other's answer, a superseded run steps aside.
     *
     * @return the other delivery's answer (or {@code superseded}), or empty when this delivery owns the tick
     */
    Optional<PhaseOutput> claim(boolean yieldsToNewerRun) {
        return switch (claim.acquire(gateClosedSince, yieldsToNewerRun, this::superseded)) {
            case TickClaim.Owned owned -> {
                status = claim.status();
                yield Optional.empty();
            }
            case TickClaim.Answered other -> Optional.of(answer(other.memo()));
            case TickClaim.Superseded newer -> Optional.of(output(Decision.SUPERSEDED));
        };
    }

    /**
     * The traffic a weight step is planned from. Flagger plans from what the router reports; but when an
     * earlier delivery of this very tick was killed or failed after changing the weights, the router
     * already shows its step, so the tick plans from the weights it started with (the status), and a
     * redelivered tick moves traffic once.
     */
    Routes plannedFrom(Routes reported) {
        if (!claim.redelivery() || reported.canary() == status.canaryWeight()) {
            return reported;
        }
        return new Routes(Weights.TOTAL - status.canaryWeight(), status.canaryWeight(), reported.mirrored());
    }

    /** The phase failed after claiming its tick: give the claim back so a retry acts at once. */
    void releaseClaim() {
        claim.release(gateClosedSince);
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
        return services.runs().activeRun(spec.id()).map(a -> !a.runId().equals(input.runId())).orElse(true);
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
                        || !next.isBefore(deadline.minus(TickClaim.MARGIN))) {
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
        services.runs().appendWeight(spec.id(), input.runId(), routes.canary(), services.clock().instant());
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
        events.forEach(services.history()::append);
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
    PhaseOutput finish(Decision decision) {
        return finish(decision, intervalSeconds());
    }

    PhaseOutput finish(Decision decision, int waitSeconds) {
        Optional<TickMemo> other = claim.complete(status, decision.wire(), gateClosedSince, waitSeconds);
        if (other.isPresent()) {
            return answer(other.get());
        }
        EmfMetrics.canary(spec.id(), status.canaryWeight(), status.failedChecks(), now);
        return output(decision.wire(), waitSeconds);
    }

    PhaseOutput output(Decision decision) {
        return output(decision.wire(), input.intervalSeconds());
    }

    private PhaseOutput output(String decision, int waitSeconds) {
        return new PhaseOutput(input.canary(), input.runId(), input.revision(), intervalSeconds(), waitSeconds, decision);
    }

    /** The canary's interval as the state machine waits it (the document may have changed since start). */
    int intervalSeconds() {
        return (int) Math.max(1, spec.interval().toSeconds());
    }
}
