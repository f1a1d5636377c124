package dev.flagstep.phases;

import dev.flagstep.gate.GateOutcome;
import dev.flagstep.analysis.Message;
import dev.flagstep.observability.FlaggerMetrics;
import dev.flagstep.observability.RolloutFigures;
import dev.flagstep.phases.wiring.EmfMetrics;
import dev.flagstep.spec.Analysis;
import dev.flagstep.spec.HookType;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A closed confirm-* gate. Flagger waits forever (#738, #1450); with the optional
 * {@code analysis.gateTimeout} flagstep rolls back once the gate has stayed closed that long, and
 * parks no longer than the time left.
 */
final class GateWait {

    private GateWait() {}

    /** The gate opened: the time it stayed closed is recorded, and the next closed gate starts its own clock. */
    static void opened(Tick t, HookType gate) {
        t.gateClosedSince().ifPresent(since -> recordWait(t, gate, since));
        t.gateClosedSince(Optional.empty());
    }

    /** {@code flagstep_gate_wait_seconds}: how long the rollout waited on a closed gate, once it opened or timed out. */
    private static void recordWait(Tick t, HookType gate, Instant since) {
        EmfMetrics.write(RolloutFigures.gateWait(FlaggerMetrics.Canary.of(t.spec), gate.wireName(), Duration.between(since, t.now), t.now));
    }

    static PhaseOutput closed(Tick t, HookType gate, GateOutcome outcome) {
        Instant since = t.gateClosedSince().orElse(t.now);
        Optional<Duration> timeout = t.spec.analysis().flatMap(Analysis::gateTimeout);
        int wait = t.intervalSeconds();
        if (timeout.isPresent()) {
            Duration waited = Duration.between(since, t.now);
            if (waited.compareTo(timeout.get()) >= 0) {
                String hook = outcome instanceof GateOutcome.Closed c ? c.hook() : gate.wireName();
                t.io.publish(Message.warning("Halt " + t.spec.id().dotted() + " advancement " + gate.wireName() + " gate "
                        + hook + " stayed closed for " + timeout.get().toSeconds()
                        + "s (analysis.gateTimeout): rolling back"));
                recordWait(t, gate, since);
                t.gateClosedSince(Optional.empty());
                return t.finish(Decision.ROLLBACK);
            }
            wait = (int) Math.max(1, Math.min(wait, timeout.get().minus(waited).toSeconds()));
        }
        t.gateClosedSince(Optional.of(since));
        return t.finish(Decision.CLOSED, wait);
    }
}
