package dev.flagstep.analysis;

import dev.flagstep.spec.HookType;
import java.util.List;
import java.util.Optional;

/**
 * A pure decision for one part of a tick: the status to save, the events and alerts to publish, and
 * what the handler does next. Handlers apply a step in one way ({@code Tick.apply}): {@code routes}
 * (when present) first, as Flagger calls SetRoutes before its status writes, then the status, then
 * the events.
 */
public sealed interface Step {

    CanaryStatus status();

    /** What the step tells: Flagger's events and alerts. */
    Notes notes();

    default List<Message> messages() {
        return notes().messages();
    }

    default List<Alert> alerts() {
        return notes().alerts();
    }

    /** The events to record and the alerts to send, in order; immutable. */
    record Notes(List<Message> messages, List<Alert> alerts) {
        public Notes {
            messages = List.copyOf(messages);
            alerts = List.copyOf(alerts);
        }

        /** Events only, no alert. */
        public static Notes of(List<Message> messages) {
            return new Notes(messages, List.of());
        }
    }

    /** Apply {@code routes} if present, save {@code status}; the run goes on (its phase says where). */
    record Proceed(CanaryStatus status, Optional<Routes> routes, Notes notes) implements Step {}

    /** Run the hooks of {@code gate} and hand their outcome to {@code afterGate}; save nothing yet. */
    record NeedsGate(HookType gate, CanaryStatus status, Notes notes) implements Step {}

    /** A confirm-* gate is closed: save {@code status}, publish, and try again after an interval. */
    record Halted(CanaryStatus status, Notes notes) implements Step {}

    /**
     * Promotion approved: copy the canary's pod template to the primary, and only if that worked save
     * {@code status} (phase Promoting) and publish the messages (the last is "Copying ..."), recorded
     * with the phase before the promotion, as Flagger records them.
     */
    record Promote(CanaryStatus status, Notes notes) implements Step {}

    /** Flagger does nothing this tick (e.g. stepWeight 0 and no stepWeights: the canary never advances). */
    record Hold(CanaryStatus status, Notes notes) implements Step {}
}
