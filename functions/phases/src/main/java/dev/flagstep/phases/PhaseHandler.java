package dev.flagstep.phases;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.gate.GateType;
import dev.flagstep.phases.wiring.EmfMetrics;
import dev.flagstep.phases.wiring.HistoryBudget;
import dev.flagstep.phases.wiring.LambdaWiring;
import dev.flagstep.phases.wiring.Services;
import dev.flagstep.spec.HookType;
import dev.flagstep.store.ParkResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The shape every phase Lambda shares: JSON in, one {@link #run} of the phase, JSON out. Lambda
 * builds handlers with the no-argument constructor, which wires {@link Services} from the
 * environment once per container, on first use (never in static init, so SnapStart snapshots hold no
 * tokens or clocks); the local runtime passes its own Services.
 *
 * <p>In a waiting state the input carries a task token: the handler then parks it on its gate (and
 * returns at once) so that opening the gate through the API completes the token and the rollout
 * moves on immediately instead of at the next interval.
 */
public abstract class PhaseHandler implements RequestStreamHandler {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final PhaseJson JSON = new PhaseJson(MAPPER);

    /** An invocation's time when nothing says otherwise: template.yaml's Globals Timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    private final Supplier<Services> services;

    protected PhaseHandler() {
        this.services = LambdaWiring::services;
        Priming.register();
    }

    protected PhaseHandler(Services services) {
        this.services = () -> services;
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Duration remaining = context == null ? DEFAULT_TIMEOUT : Duration.ofMillis(context.getRemainingTimeInMillis());
        JsonNode result = handle(MAPPER.readTree(input), remaining);
        MAPPER.writeValue(output, result);
    }

    /** One invocation with {@link #DEFAULT_TIMEOUT} to run. */
    public final JsonNode handle(JsonNode input) {
        return handle(input, DEFAULT_TIMEOUT);
    }

    /**
     * One invocation, JSON to JSON: what the Lambda runtime and the local interpreter both call.
     *
     * @param remaining how long until the invocation is killed (Lambda's remaining time; the local
     *     runtime passes the function's timeout): the lease of the tick it claims, the bound of its waits
     */
    public final JsonNode handle(JsonNode input, Duration remaining) {
        return handle(input, services.get().clock().instant().plus(remaining));
    }

    /**
     * As {@link #handle(JsonNode, Duration)}, with the invocation's end as an instant of the services' clock.
     *
     * @throws TransientFault when the phase failed for a reason that passes by itself ({@link Transience}):
     *     the state machine tries it again; any other failure is thrown as it is and fails the release
     */
    public final JsonNode handle(JsonNode input, Instant deadline) {
        PhaseInput in = JSON.read(input);
        Services s = services.get();
        PhaseOutput out;
        try {
            out = in.taskToken().isEmpty() ? run(s, in, deadline)
                    : in.pauseWait() ? parkPaused(s, in, in.taskToken().get())
                    : park(s, in, in.taskToken().get());
        } catch (RuntimeException failure) {
            Optional<String> cause = Transience.cause(failure);
            if (cause.isEmpty()) {
                throw failure;
            }
            FaultWarning.publish(s, in, phaseName(in), cause.get());
            throw failure instanceof TransientFault t ? t : new TransientFault(cause.get(), failure);
        }
        HistoryBudget.Spent spent = s.historyBudget().after(in.ticks(), in.tick(), in.execution());
        if (spent.handover().isPresent()) {
            EmfMetrics.handover(in.canary(), s.clock().instant());
        }
        return JSON.write(out, spent);
    }

    /** The state this invocation runs for ({@code Analysis@2025-...} names it), else the handler's phase. */
    private String phaseName(PhaseInput in) {
        int at = in.tick().indexOf('@');
        return at > 0 ? in.tick().substring(0, at) : getClass().getSimpleName().replaceFirst("Handler$", "");
    }

    /**
     * Loads the canary, answers a task delivered twice from the tick memo, steps aside for a newer
     * run, claims the tick (a copy running at the same time waits for this one's answer), then lets
     * the phase act.
     */
    private PhaseOutput run(Services s, PhaseInput in, Instant deadline) {
        Tick t = Tick.load(s, in, deadline);
        Optional<PhaseOutput> replay = t.replayed();
        if (replay.isPresent()) {
            return replay.get();
        }
        if (yieldsToNewerRun() && t.io.superseded()) {
            return t.output(Decision.SUPERSEDED);
        }
        Optional<PhaseOutput> early = beforeClaim(t);
        if (early.isPresent()) {
            return early.get();
        }
        Optional<PhaseOutput> other = t.begin(yieldsToNewerRun());
        if (other.isPresent()) {
            return other.get();
        }
        try {
            return tick(t);
        } catch (RuntimeException | Error e) {
            t.abort();
            throw e;
        }
    }

    /** Work that must precede the tick claim (Initialize takes the canary's run claim there). */
    Optional<PhaseOutput> beforeClaim(Tick t) {
        return Optional.empty();
    }

    /** The phase itself, on a loaded canary. */
    abstract PhaseOutput tick(Tick t);

    /** False for the phases that must finish a run whoever holds the canary now (and for Initialize, which claims it). */
    boolean yieldsToNewerRun() {
        return true;
    }

    /** The gate a waiting state of this phase parks on; only the gate phases have one. */
    protected Optional<HookType> parkedGate() {
        return Optional.empty();
    }

    private PhaseOutput park(Services s, PhaseInput in, String token) {
        HookType gate = parkedGate().orElseThrow(() ->
                new PhaseException(getClass().getSimpleName() + " has no gate to wait on"));
        boolean alreadyOpen = false;
        for (var type : GateType.wakers(gate)) {
            if (s.gates().park(in.canary(), type, token, s.clock().instant()) instanceof ParkResult.AlreadyOpen) {
                alreadyOpen = true;
            }
        }
        if (alreadyOpen) {
            // opened between the check and the park: go on now rather than after a whole interval. Failing
            // to wake it costs only that interval (the wait times out, the next tick reads the gate), so it
            // must not fail the delivery.
            wakeQuietly(s, token);
        }
        return PhaseOutput.of(in, Decision.PARKED);
    }

    /** Completes a token this delivery just parked; failing costs only the wait's timeout, so it never fails the delivery. */
    private static void wakeQuietly(Services s, String token) {
        try {
            s.taskTokens().resume(token, "{}");
        } catch (RuntimeException e) {
            System.getLogger("flagstep").log(System.Logger.Level.INFO, "parked task not woken: " + e.getMessage());
        }
    }

    /**
     * WaitForResume: parks the token on the paused run, where {@code resume} (or a promote or abort) takes and
     * completes it. A run resumed between its paused tick and this park goes on at once.
     */
    private PhaseOutput parkPaused(Services s, PhaseInput in, String token) {
        if (!s.runs().parkPaused(in.canary(), in.runId(), token, s.clock().instant())) {
            wakeQuietly(s, token);
        }
        return PhaseOutput.of(in, Decision.PARKED);
    }
}
