package dev.flagstep.store;

import dev.flagstep.events.CanaryEvent;
import dev.flagstep.spec.CanaryId;
import java.util.Optional;
import java.util.Set;

/** The canary's events, as {@code kubectl describe canary} shows Flagger's. */
public interface EventHistory {

    /** Records one event; events of the same millisecond are all kept. Expires after the retention. */
    default void append(CanaryEvent event) {
        append(event, Optional.empty());
    }

    /**
     * Records one event, marked with {@code tickEvent}: which event of which tick it is (see
     * {@link #tickEvents}), so a redelivered tick knows which of its events were already sent.
     */
    void append(CanaryEvent event, Optional<String> tickEvent);

    /** The {@code tickEvent} marks among the canary's newest {@code limit} events. */
    Set<String> tickEvents(CanaryId id, int limit);

    /** The canary's events, newest first. */
    Page<CanaryEvent> events(CanaryId id, int limit, Optional<String> cursor);
}
