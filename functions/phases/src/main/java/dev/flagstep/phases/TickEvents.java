package dev.flagstep.phases;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Message;
import java.time.Instant;
import java.time.format.DateTimeParseException;
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

    /**
     * The mark of the tick's next event: its tick ({@code runId/State@EnteredTime}), its place in the tick, a
     * digest of its text, and the phase the tick started with ({@link #phaseOfLastTick}).
     */
    Optional<String> next(Message m) {
        int place = ordinal++;
        return tick.map(t -> t + "#" + place + ":" + HexFormat.of().toHexDigits(m.text().hashCode()) + "@"
                + phase().wireName());
    }

    /**
     * The phase the latest tick of run {@code runId} before {@code before} started with, among the recorded
     * {@code marks}: what Flagger's events carry when it records them later in that same tick (the post-rollout
     * hooks of a rollback run inside the tick that rolled back, on the canary as that tick read it).
     */
    static Optional<CanaryPhase> phaseOfLastTick(Set<String> marks, String runId, Instant before) {
        String prefix = runId + "/";
        Instant latest = Instant.MIN;
        Optional<CanaryPhase> phase = Optional.empty();
        for (String mark : marks) {
            int place = mark.lastIndexOf('#');
            int at = mark.indexOf('@', prefix.length());
            int phaseAt = mark.lastIndexOf('@');
            if (!mark.startsWith(prefix) || place < 0 || at < 0 || at > place || phaseAt < place) {
                continue;
            }
            Optional<Instant> entered = instant(mark.substring(at + 1, place));
            if (entered.isPresent() && entered.get().isBefore(before) && entered.get().isAfter(latest)) {
                latest = entered.get();
                phase = CanaryPhase.fromWire(mark.substring(phaseAt + 1));
            }
        }
        return phase;
    }

    private static Optional<Instant> instant(String text) {
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
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
