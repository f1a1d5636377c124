package dev.flagstep.events;

import java.util.List;

/**
 * Sends canary events somewhere (EventBridge, the event history). A delivery failure never fails a
 * rollout: implementations do not throw for it, they report it in the result (and log it).
 */
public interface EventPublisher {

    PublishResult publish(List<CanaryEvent> events);
}
