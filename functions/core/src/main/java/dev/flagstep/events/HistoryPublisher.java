package dev.flagstep.events;

import dev.flagstep.store.CanaryStore;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/** Records events in the canary's event history ({@code GET /canaries/{ns}/{name}} shows them). */
public final class HistoryPublisher implements EventPublisher {

    private static final System.Logger LOG = System.getLogger(HistoryPublisher.class.getName());

    private final CanaryStore store;

    public HistoryPublisher(CanaryStore store) {
        this.store = store;
    }

    @Override
    public PublishResult publish(List<CanaryEvent> events) {
        int delivered = 0;
        List<PublishResult.Failure> failures = new ArrayList<>();
        for (CanaryEvent event : events) {
            try {
                store.append(event);
                delivered++;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "event for {0} not recorded in history: {1}", event.canary(), e.getMessage());
                failures.add(new PublishResult.Failure(event, "history", e.getMessage()));
            }
        }
        return new PublishResult(delivered, failures);
    }
}
