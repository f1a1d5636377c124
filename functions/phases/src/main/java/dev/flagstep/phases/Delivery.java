package dev.flagstep.phases;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.phases.wiring.Services;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.StaleStatusException;
import dev.flagstep.store.StatusRecord;
import dev.flagstep.store.StatusStore;
import dev.flagstep.store.TickMemo;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One delivery: one Lambda invocation of a Task, and its claim on the tick that Task runs. Step
 * Functions may deliver the Task of one tick more than once; this protocol decides which delivery
 * acts. Who may act on one tick is an idempotency record (the tick memo saved with the status, in the
 * same conditional write). Step Functions may deliver a task twice, and may deliver it again while a
 * first delivery is still running or after Lambda killed it (a timeout or an out-of-memory crash runs
 * no Java code, so nothing is released). The memo, as a delivery sees it, is in one of four states:
 * <ul>
 *   <li>{@link Free}: nothing claimed, or a claim given back by a delivery that failed;</li>
 *   <li>{@link InProgress}: a delivery acts on tick {@code key} until its lease ends: the end of its
 *       own invocation (Lambda's deadline), after which it cannot be running any more;</li>
 *   <li>{@link Expired}: claimed, but the lease has passed: that delivery was killed, take over;</li>
 *   <li>{@link Completed}: tick {@code key} decided; another delivery of it answers the same.</li>
 * </ul>
 * A delivery that finds its own tick in progress waits for that answer, and a phase that must not
 * run beside a superseded run's straggler waits for it, both at most until the other's lease ends or
 * until shortly before its own deadline, whichever is first: past that it throws a
 * {@link TransientFault}, which the state machine retries, so a wait never outlives the function.
 */
final class Delivery {

    /** A waiting delivery stops this long before its own deadline, leaving time to fail cleanly. */
    static final Duration MARGIN = Duration.ofSeconds(5);
    private static final Duration FIRST_POLL = Duration.ofMillis(100);
    private static final Duration MAX_POLL = Duration.ofSeconds(1);
    private static final int MAX_WRITE_ATTEMPTS = 5;
    /** The decision of a memo whose claim was given back, followed by the tick's key. */
    private static final String RELEASED = "released ";

    /** The memo as one delivery sees it at one instant. */
    sealed interface State permits Free, InProgress, Expired, Completed {}

    record Free() implements State {}

    record InProgress(String key, Instant leaseUntil) implements State {}

    record Expired(String key) implements State {}

    record Completed(TickMemo memo) implements State {}

    /** What trying to claim the tick came to. */
    sealed interface Outcome permits Owned, Answered, Superseded {}

    /** This delivery holds the tick and acts. */
    record Owned() implements Outcome {}

    /** Another delivery of the same tick decided it: answer the same. */
    record Answered(TickMemo memo) implements Outcome {}

    /** A newer run holds the canary: this run steps aside. */
    record Superseded() implements Outcome {}

    private final StatusStore store;
    private final Services services;
    private final CanaryId canary;
    private final String tick;
    private final String key;
    private final String runId;
    private final Instant deadline;
    private StatusRecord record;
    /** The status as it stood when this delivery claimed the tick: what a release restores. */
    private CanaryStatus loaded;
    private boolean held;
    private boolean redelivery;

    /**
     * @param record the status as read, with the version a write is conditioned on
     * @param deadline when this invocation ends (Lambda kills it then): its lease, and the bound of its waits
     */
    Delivery(Services services, PhaseInput input, CanaryId canary, StatusRecord record, Instant deadline) {
        this.services = services;
        this.store = services.statuses();
        this.canary = canary;
        this.tick = input.tick();
        this.runId = input.runId();
        // the key names the run: a claim left by this run's own earlier phase is never waited for
        this.key = input.runId() + "/" + input.tick();
        this.deadline = deadline;
        this.record = record;
        this.loaded = record.status();
    }

    /** The memo's state at {@code now}: pure, so every case is tested on its own. */
    static State state(Optional<TickMemo> memo, Instant now) {
        if (memo.isEmpty() || memo.get().tick().isEmpty()) {
            return new Free();
        }
        TickMemo m = memo.get();
        if (!m.inProgress()) {
            return new Completed(m);
        }
        return m.leaseUntil().filter(now::isBefore)
                .<State>map(lease -> new InProgress(m.tick(), lease))
                .orElseGet(() -> new Expired(m.tick()));
    }

    /** The status as last read or written (after {@link #acquire}, the one this delivery acts on). */
    CanaryStatus status() {
        return record.status();
    }

    Optional<TickMemo> memo() {
        return record.memo();
    }

    /**
     * True when an earlier delivery of this very tick claimed it and never decided it (Lambda killed
     * it, or it failed and gave the claim back): some of its effects on the cluster may have happened.
     */
    boolean redelivery() {
        return redelivery;
    }

    /** The answer this very tick already gave, if Step Functions delivered it twice. */
    Optional<TickMemo> replayed() {
        return claimable() && state(record.memo(), now()) instanceof Completed c && c.memo().tick().equals(key)
                ? Optional.of(c.memo()) : Optional.empty();
    }

    /**
     * Claims the tick with a conditional write before the phase acts, so two deliveries of one task
     * never both act; the loser waits for the winner's answer. An expired claim is taken over.
     *
     * @param gateClosedSince carried in the memo across ticks, kept as it is
     * @param yieldsToNewerRun whether this phase steps aside for a newer run (all but Initialize, Rollback, PostRollout)
     * @param superseded whether a newer run holds the canary now (a store read)
     */
    Outcome acquire(Optional<Instant> gateClosedSince, boolean yieldsToNewerRun, BooleanSupplier superseded) {
        if (!claimable()) {
            return new Owned(); // invoked by hand, outside the state machine: nothing to pair with
        }
        for (int attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
            State current = state(record.memo(), now());
            if (current instanceof Completed c && c.memo().tick().equals(key)) {
                return new Answered(c.memo());
            }
            if (current instanceof InProgress p && p.key().equals(key)) {
                Optional<TickMemo> answer = awaitOtherDelivery(p);
                if (answer.isPresent()) {
                    return new Answered(answer.get());
                }
                continue; // its lease passed, or it gave the tick back: try again on what is stored now
            }
            if (current instanceof InProgress p && !p.key().startsWith(runId + "/")) {
                // another run's phase is acting on this canary right now (StopExecution does not stop a
                // running Lambda): a superseded run steps aside; the run holding the canary lets the
                // straggler finish, so that its last write cannot land after ours
                if (yieldsToNewerRun && superseded.getAsBoolean()) {
                    return new Superseded();
                }
                if (!yieldsToNewerRun) {
                    awaitForeignDelivery(p);
                    continue;
                }
            }
            try {
                boolean takeover = current instanceof Expired e && e.key().equals(key) || releasedByThisTick(record.memo());
                TickMemo claim = new TickMemo(key, "", gateClosedSince, 0, Optional.of(deadline));
                long version = store.saveStatus(canary, record.status(), record.version(), claim);
                loaded = record.status();
                record = new StatusRecord(record.status(), version, Optional.of(claim));
                held = true;
                redelivery = takeover;
                return new Owned();
            } catch (StaleStatusException e) {
                record = reload();
                if (yieldsToNewerRun && superseded.getAsBoolean()) {
                    return new Superseded();
                }
            }
        }
        throw new TransientFault("canary " + canary + ": could not claim tick " + tick
                + " against other writers of its status");
    }

    /**
     * Saves the tick's status with its decision, which ends the claim.
     *
     * @return empty when saved; the answer of another delivery of the same tick that saved first
     * @throws StaleStatusException when any other writer saved in between
     */
    Optional<TickMemo> complete(CanaryStatus status, String decision, Optional<Instant> gateClosedSince, int waitSeconds) {
        TickMemo done = new TickMemo(key, decision, gateClosedSince, waitSeconds, Optional.empty());
        try {
            long version = store.saveStatus(canary, status, record.version(), done);
            record = new StatusRecord(status, version, Optional.of(done));
            held = false;
            return Optional.empty();
        } catch (StaleStatusException e) {
            Optional<TickMemo> other = store.statusRecord(canary).flatMap(StatusRecord::memo)
                    .filter(m -> claimable() && m.tick().equals(key) && !m.inProgress());
            if (other.isPresent()) {
                return other;
            }
            throw e;
        }
    }

    /**
     * The phase failed after claiming its tick: give the claim back (the status as it was read, the
     * memo no longer naming this tick), so a retry of the same task acts at once. Best effort: when
     * even this write fails (DynamoDB is what failed), the claim lapses at its lease, this
     * invocation's deadline, and the retry takes it over then.
     */
    void release(Optional<Instant> gateClosedSince) {
        if (!held) {
            return;
        }
        try {
            long version = store.saveStatus(canary, loaded, record.version(),
                    new TickMemo("", RELEASED + key, gateClosedSince, 0, Optional.empty()));
            record = new StatusRecord(loaded, version, Optional.empty());
            held = false;
        } catch (RuntimeException e) {
            System.getLogger("flagstep").log(System.Logger.Level.WARNING, "could not release tick " + tick + " of "
                    + canary + " (it lapses at " + deadline + "): " + e.getMessage());
        }
    }

    /**
     * Waits for the other delivery of this very tick.
     *
     * @return its answer; empty when it is gone (lease passed, claim given back) and this one may claim
     * @throws TransientFault when this delivery's own time runs out first
     */
    private Optional<TickMemo> awaitOtherDelivery(InProgress other) {
        Instant until = earlier(other.leaseUntil(), deadline.minus(MARGIN));
        Duration poll = FIRST_POLL;
        while (true) {
            record = reload();
            State now = state(record.memo(), now());
            if (now instanceof Completed c && c.memo().tick().equals(key)) {
                return Optional.of(c.memo());
            }
            if (!(now instanceof InProgress p && p.key().equals(key))) {
                return Optional.empty();
            }
            if (!now().isBefore(until)) {
                throw new TransientFault("canary " + canary + ": another delivery of " + tick
                        + " is still running (its lease ends " + p.leaseUntil() + ")");
            }
            poll = pause(poll, until);
        }
    }

    /**
     * Waits until a superseded run's phase, still running, is done with the canary.
     *
     * @throws TransientFault when this delivery's own time runs out while the straggler's lease holds
     */
    private void awaitForeignDelivery(InProgress straggler) {
        Instant until = earlier(straggler.leaseUntil(), deadline.minus(MARGIN));
        Duration poll = FIRST_POLL;
        while (true) {
            record = reload();
            if (!(state(record.memo(), now()) instanceof InProgress p && p.key().equals(straggler.key()))) {
                return;
            }
            if (!now().isBefore(until)) {
                throw new TransientFault("canary " + canary + ": a phase of a superseded run (" + straggler.key()
                        + ") is still acting on it (its lease ends " + p.leaseUntil() + ")");
            }
            poll = pause(poll, until);
        }
    }

    /** Sleeps one poll (never past {@code until}) and returns the next, longer one. */
    private Duration pause(Duration poll, Instant until) {
        Duration left = Duration.between(now(), until);
        try {
            services.sleeper().sleep(left.compareTo(poll) < 0 ? left : poll);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFault("canary " + canary + ": interrupted while waiting to claim " + tick, e);
        }
        Duration next = poll.multipliedBy(2);
        return next.compareTo(MAX_POLL) > 0 ? MAX_POLL : next;
    }

    private StatusRecord reload() {
        return store.statusRecord(canary)
                .orElseThrow(() -> new PhaseException("canary " + canary + " lost its status while claiming a tick"));
    }

    /** A claim given back by a delivery of this tick: its decision names the tick. */
    private boolean releasedByThisTick(Optional<TickMemo> memo) {
        return memo.filter(m -> m.tick().isEmpty() && m.decision().equals(RELEASED + key)).isPresent();
    }

    private boolean claimable() {
        return !tick.isEmpty();
    }

    private Instant now() {
        return services.clock().instant();
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
