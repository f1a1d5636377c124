package dev.flagstep.analysis;

import dev.flagstep.spec.HookType;
import java.util.List;
import java.util.Optional;

/**
 * A pure decision for one part of a tick: the status to save, the events and alerts to publish, and
 * what the handler does next. Handlers apply {@code routes} (when present) before saving the status,
 * as Flagger calls SetRoutes before its status writes.
 */
public sealed interface Step {

    CanaryStatus status();

    List<Message> messages();

    List<Alert> alerts();

    /** Apply {@code routes} if present, save {@code status}; the run goes on (its phase says where). */
    record Proceed(CanaryStatus status, Optional<Routes> routes, List<Message> messages, List<Alert> alerts)
            implements Step {
        public Proceed {
            messages = List.copyOf(messages);
            alerts = List.copyOf(alerts);
        }
    }

    /** Run the hooks of {@code gate} and hand their outcome to {@code afterGate}; save nothing yet. */
    record NeedsGate(HookType gate, CanaryStatus status, List<Message> messages, List<Alert> alerts)
            implements Step {
        public NeedsGate {
            messages = List.copyOf(messages);
            alerts = List.copyOf(alerts);
        }
    }

    /** A confirm-* gate is closed: save {@code status}, publish, and try again after an interval. */
    record Halted(CanaryStatus status, List<Message> messages, List<Alert> alerts) implements Step {
        public Halted {
            messages = List.copyOf(messages);
            alerts = List.copyOf(alerts);
        }
    }

    /**
     * Promotion approved: publish the messages (the last is "Copying ..."), copy the canary's pod
     * template to the primary, and only if that worked save {@code status} (phase Promoting).
     */
    record Promote(CanaryStatus status, List<Message> messages, List<Alert> alerts) implements Step {
        public Promote {
            messages = List.copyOf(messages);
            alerts = List.copyOf(alerts);
        }
    }

    /** Flagger does nothing this tick (e.g. stepWeight 0 and no stepWeights: the canary never advances). */
    record Hold(CanaryStatus status, List<Message> messages, List<Alert> alerts) implements Step {
        public Hold {
            messages = List.copyOf(messages);
            alerts = List.copyOf(alerts);
        }
    }
}
