package dev.flagstep.phases;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Message;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The events of one tick. Flagger changes a canary's status on copies inside a tick, so every event it
 * records carries the phase the tick started with ({@link #phase}), except those it records on an
 * explicit copy (a {@link Message#recordedPhase()}). And because events go to receivers as they happen,
 * each is marked with its place in the tick ({@link #next}): a delivery that runs the tick again after an
 * earlier one failed or was killed skips the events that one already recorded ({@link #sentBefore}).
 */
final class TickEvents {

    private final Optional<String> tick;
    private final Supplier<CanaryPhase> phase;
    private final BooleanSupplier redelivery;
    private int ordinal;
    /** The marks an earlier delivery recorded: read once, and only by a redelivery. */
    private Set<String> recorded;

    /**
     * @param tick the tick's key in its run ({@code runId/tick}); empty when invoked by hand, outside the state machine
     * @param phase the phase the tick started with
     * @param redelivery whether an earlier delivery of this very tick claimed it and never decided it
     */
    TickEvents(Optional<String> tick, Supplier<CanaryPhase> phase, BooleanSupplier redelivery) {
        this.tick = tick;
        this.phase = phase;
        this.redelivery = redelivery;
    }

    /** Outside a tick: events carry the status's phase as it stands, and are never skipped. */
    static TickEvents none(Supplier<dev.flagstep.analysis.CanaryStatus> status) {
        return new TickEvents(Optional.empty(), () -> status.get().phase(), () -> false);
    }

    CanaryPhase phase() {
        return phase.get();
    }

    /** The mark of the tick's next event: its tick, its place in the tick, and a digest of its text. */
    Optional<String> next(Message m) {
        int place = ordinal++;
        return tick.map(t -> t + "#" + place + ":" + HexFormat.of().toHexDigits(m.text().hashCode()));
    }

    /** True when an earlier delivery of this tick already recorded (and so sent) the event with this mark. */
    boolean sentBefore(String mark, Supplier<Set<String>> recordedMarks) {
        if (!redelivery.getAsBoolean()) {
            return false;
        }
        if (recorded == null) {
            recorded = recordedMarks.get();
        }
        return recorded.contains(mark);
    }
}
