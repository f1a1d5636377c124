package dev.flagstep.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.events.CanaryEventJson;
import dev.flagstep.events.EventPublisher;
import dev.flagstep.events.PublishResult;
import dev.flagstep.phases.EventHookHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The local stand-in for the EventBridge bus: every canary event, wrapped exactly as the
 * {@code Canary Event} rule delivers it, goes to {@link EventHookHandler} (the canary's event
 * webhooks) off the rollout's thread, and to any local listener (the progress display).
 */
public final class LocalEventBus implements EventPublisher, AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ExecutorService delivery = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Consumer<CanaryEvent>> listeners = new CopyOnWriteArrayList<>();
    private volatile EventHookHandler eventHooks;

    void deliverTo(EventHookHandler handler) {
        this.eventHooks = handler;
    }

    public void listen(Consumer<CanaryEvent> listener) {
        listeners.add(listener);
    }

    @Override
    public PublishResult publish(List<CanaryEvent> events) {
        for (CanaryEvent event : events) {
            listeners.forEach(l -> l.accept(event));
            EventHookHandler handler = eventHooks;
            if (handler != null) {
                ObjectNode envelope = MAPPER.createObjectNode();
                envelope.put("source", "flagstep");
                envelope.put("detail-type", "Canary Event");
                envelope.set("detail", CanaryEventJson.detail(event));
                delivery.submit(() -> handler.handle(envelope));
            }
        }
        return new PublishResult(events.size(), List.of());
    }

    @Override
    public void close() {
        delivery.shutdown();
        try {
            delivery.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
