package dev.flagstep.local;

import dev.flagstep.events.CanaryEvent;
import dev.flagstep.events.EventPublisher;
import dev.flagstep.events.PublishResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The local stand-in for the EventBridge bus: every canary event goes to any local listener (the
 * progress display). The canary's event webhooks are posted by the phases themselves, in order.
 */
public final class LocalEventBus implements EventPublisher, AutoCloseable {

    private final List<Consumer<CanaryEvent>> listeners = new CopyOnWriteArrayList<>();

    public void listen(Consumer<CanaryEvent> listener) {
        listeners.add(listener);
    }

    @Override
    public PublishResult publish(List<CanaryEvent> events) {
        for (CanaryEvent event : events) {
            listeners.forEach(l -> l.accept(event));
        }
        return new PublishResult(events.size(), List.of());
    }

    @Override
    public void close() {
        // nothing runs off the caller's thread any more
    }
}
