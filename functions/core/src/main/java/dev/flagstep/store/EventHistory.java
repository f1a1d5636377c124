package dev.flagstep.store;

import dev.flagstep.events.CanaryEvent;
import dev.flagstep.spec.CanaryId;
import java.util.Optional;

/** The canary's events, as {@code kubectl describe canary} shows Flagger's. */
public interface EventHistory {

    /** Records one event; events of the same millisecond are all kept. Expires after the retention. */
    void append(CanaryEvent event);

    /** The canary's events, newest first. */
    Page<CanaryEvent> events(CanaryId id, int limit, Optional<String> cursor);
}
