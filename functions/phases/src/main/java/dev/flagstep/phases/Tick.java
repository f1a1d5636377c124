package dev.flagstep.phases;

import dev.flagstep.analysis.Alert;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.FlaggerMessages;
import dev.flagstep.analysis.PhaseContext;
import dev.flagstep.analysis.Routes;
import dev.flagstep.analysis.Step;
import dev.flagstep.analysis.Weights;
import dev.flagstep.observability.FlaggerMetrics;
import dev.flagstep.phases.wiring.EmfMetrics;
import dev.flagstep.phases.wiring.Services;
import dev.flagstep.spec.Analysis;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import dev.flagstep.store.SpecRecord;
import dev.flagstep.store.StatusRecord;
import dev.flagstep.store.TickMemo;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One tick, in Flagger's sense: one pass of one phase over the canary, as a unit of work. It holds
 * the canary as loaded and its status in memory; a handler changes the status ({@link #update},
 * {@link #apply}) and ends the tick with a decision ({@link #finish}), which saves the status once,
 * together with the decision, through this delivery's claim on the tick ({@link Delivery}). Reads and
 * effects outside the status go through {@link #io}.
 */
final class Tick {

    private static final SpecParser PARSER = new SpecParser();

    private static final System.Logger LOG = System.getLogger("flagstep");

    final PhaseInput input;
    final CanaryDocument document;
    final CanarySpec spec;
    final String provider;
    final Instant now;
    final FlaggerMessages messages;
    final PhaseContext phaseContext;
    /** The cluster, hooks, metrics, events, gates and run of this canary. */
    final CanaryIo io;
    private final Delivery delivery;
    private Optional<Instant> gateClosedSince;
    private CanaryStatus status;
    /** The phase this tick started with: what its events carry, as Flagger's ({@link TickEvents}). */
    private CanaryPhase startPhase;
    /** Set by Initialize when this run took the canary over from a running one. */
    boolean supersededAnotherRun;
    /** This run as stored, read once on first use (its operations); empty until then and for a missing run. */
    private Optional<dev.flagstep.store.Run> run = Optional.empty();
    private boolean runRead;

    private Tick(Services services, PhaseInput input, CanaryDocument document, StatusRecord record, Instant deadline,
            SpecRecord stored) {
        this.input = input;
        this.document = document;
        this.spec = document.canary();
        this.provider = spec.provider().orElse(services.defaultProvider());
        this.now = services.clock().instant();
        this.messages = FlaggerMessages.of(spec);
        this.phaseContext = PhaseContext.of(spec, provider);
        this.status = record.status();
        this.startPhase = status.phase();
        this.delivery = new Delivery(services, input, spec.id(), record, deadline);
        this.gateClosedSince = record.memo().flatMap(TickMemo::gateClosedSince);
        this.io = new CanaryIo(services, spec, provider, input.runId(), deadline, this::status,
                stored.fromCluster() ? Optional.of(new CanaryIo.CanaryObject(services.canaryObjects(), stored.problem()))
                        : Optional.empty(),
                new TickEvents(input.tick().isEmpty() ? Optional.empty() : Optional.of(input.runId() + "/" + input.tick()),
                        () -> startPhase, delivery::redelivery));
    }

    /**
     * Loads the canary named by the input; a document that no longer parses fails the phase with its errors.
     *
     * @param deadline when this invocation ends: the lease of its claim on the tick and the bound of its waits
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
        return new Tick(services, input, document, record, deadline, stored);
    }

    CanaryStatus status() {
        return status;
    }

    /** This run as stored (its operations, its control, the run it retries), read once per tick. */
    Optional<dev.flagstep.store.Run> run() {
        if (!runRead) {
            run = io.run();
            runRead = true;
        }
        return run;
    }

    /**
     * When this run claimed the canary, for the metrics: empty when the store has no such run or cannot say now
     * (a metric must never fail, and so repeat, the tick that records it). The same read as {@link #run()}.
     */
    Optional<Instant> runStartedAt() {
        try {
            return run().map(dev.flagstep.store.Run::startedAt);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.INFO, "run " + input.runId() + " start not read for its metrics: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** What an operator asked of this run (promote, abort, pause), if anything. */
    Optional<dev.flagstep.operation.RunControl> control() {
        return run().flatMap(dev.flagstep.store.Run::control);
    }

    /** The phase this tick's events carry from now on, where Flagger records them in an earlier tick ({@link TickEvents}). */
    void eventsCarry(CanaryPhase phase) {
        startPhase = phase;
    }

    /** When the state machine entered this tick's state ({@code State@EnteredTime}); empty when invoked by hand. */
    Optional<Instant> entered() {
        int at = input.tick().indexOf('@');
        try {
            return at < 0 ? Optional.empty() : Optional.of(Instant.parse(input.tick().substring(at + 1)));
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }

    Analysis analysis() {
        return spec.analysis().orElseThrow(() -> new PhaseException("canary " + spec.id() + " has no analysis block"));
    }

    /** The answer this very tick already gave, if Step Functions delivered it twice. */
    Optional<PhaseOutput> replayed() {
        return delivery.replayed().map(this::answer);
    }

    /**
     * Begins the unit of work: this delivery claims the tick ({@link Delivery}); a copy of the task
     * running at the same time waits for the other's answer, a superseded run steps aside.
     *
     * @return the other delivery's answer (or {@code superseded}), or empty when this delivery owns the tick
     */
    Optional<PhaseOutput> begin(boolean yieldsToNewerRun) {
        return switch (delivery.acquire(gateClosedSince, yieldsToNewerRun, io::superseded)) {
            case Delivery.Owned owned -> {
                status = delivery.status();
                startPhase = status.phase();
                yield Optional.empty();
            }
            case Delivery.Answered other -> Optional.of(answer(other.memo()));
            case Delivery.Superseded newer -> Optional.of(output(Decision.SUPERSEDED));
        };
    }

    /** The phase failed after claiming its tick: give the claim back so a retry acts at once. */
    void abort() {
        delivery.release(gateClosedSince);
    }

    /**
     * The traffic a weight step is planned from. Flagger plans from what the router reports; but when an
     * earlier delivery of this very tick was killed or failed after changing the weights, the router
     * already shows its step, so the tick plans from the weights it started with (the status), and a
     * redelivered tick moves traffic once.
     */
    Routes plannedFrom(Routes reported) {
        if (!delivery.redelivery() || reported.canary() == status.canaryWeight()) {
            return reported;
        }
        return new Routes(Weights.TOTAL - status.canaryWeight(), status.canaryWeight(), reported.mirrored());
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

    /** Keeps a new status in memory; {@link #finish} writes it with the tick's decision. */
    void update(CanaryStatus next) {
        status = next;
    }

    /** Applies a pure decision with no cluster change beyond its routes (see {@link #apply(Step, Runnable)}). */
    void apply(Step step) {
        apply(step, () -> { });
    }

    /**
     * Applies a pure decision, in Flagger's order: the traffic first (the step's routes, then
     * {@code clusterChange}: promoting the primary, scaling the canary to zero), then the status, then
     * the events. A delivery that fails while changing the cluster has emitted nothing and saved
     * nothing, so its retry runs the tick again and emits each event once; the status is written by
     * {@link #finish}, after the events, so a tick is only answered from its memo once all of it happened.
     * Promote's events ("Copying ... template spec") carry the status they were recorded with, before
     * the promotion, as Flagger records them.
     */
    void apply(Step step, Runnable clusterChange) {
        if (step instanceof Step.Proceed p) {
            p.routes().ifPresent(io::setRoutes);
        }
        clusterChange.run();
        CanaryStatus before = status;
        update(step.status());
        io.publish(step.messages(), step instanceof Step.Promote ? before : status);
        io.alert(document, step.alerts());
    }

    /** Sends one of Flagger's alerts raised outside a {@link Step} (after its event). */
    void alert(Alert alert) {
        io.alert(document, List.of(alert));
    }

    /**
     * Ends the unit of work: saves the status with this tick's decision, conditioned on the version
     * read. If another delivery of the same tick saved first, its decision is the answer; any other
     * conflict is an error (two executions must never drive one canary). A saved status is then
     * mirrored onto the canary's {@code Canary} object when it comes from the cluster ({@link CanaryIo#mirrorStatus}).
     */
    PhaseOutput finish(Decision decision) {
        return finish(decision, intervalSeconds());
    }

    PhaseOutput finish(Decision decision, int waitSeconds) {
        Optional<TickMemo> other = delivery.complete(status, decision.wire(), gateClosedSince, waitSeconds);
        if (other.isPresent()) {
            return answer(other.get());
        }
        EmfMetrics.canary(spec.id(), status.canaryWeight(), status.failedChecks(), now);
        EmfMetrics.write(EmfMetrics.tickLines(FlaggerMetrics.Canary.of(spec), status.phase(), status.canaryWeight(),
                io.meshProvider(), now));
        io.mirrorStatus(status);
        return output(decision.wire(), waitSeconds);
    }

    /** An answer that saves nothing (a superseded run stepping aside). */
    PhaseOutput output(Decision decision) {
        return output(decision.wire(), input.intervalSeconds());
    }

    private PhaseOutput answer(TickMemo m) {
        return output(m.decision(), m.waitSeconds() > 0 ? m.waitSeconds() : intervalSeconds());
    }

    private PhaseOutput output(String decision, int waitSeconds) {
        return new PhaseOutput(input.canary(), input.runId(), input.revision(), intervalSeconds(), waitSeconds, decision);
    }

    /** The canary's interval as the state machine waits it (the document may have changed since start). */
    int intervalSeconds() {
        return (int) Math.max(1, spec.interval().toSeconds());
    }
}
