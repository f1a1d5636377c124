package dev.flagstep.events;

import java.lang.System.Logger.Level;
import java.util.List;

/**
 * Publishes to several destinations in order (history first, then the bus); one destination
 * failing, even by throwing, neither stops the others nor reaches the rollout.
 */
public final class CompositePublisher implements EventPublisher {

    private static final System.Logger LOG = System.getLogger(CompositePublisher.class.getName());

    private final List<EventPublisher> publishers;

    public CompositePublisher(List<EventPublisher> publishers) {
        this.publishers = List.copyOf(publishers);
    }

    @Override
    public PublishResult publish(List<CanaryEvent> events) {
        PublishResult result = PublishResult.none();
        for (EventPublisher publisher : publishers) {
            try {
                result = result.plus(publisher.publish(events));
            } catch (RuntimeException e) {
                String destination = publisher.getClass().getSimpleName();
                LOG.log(Level.WARNING, "event publisher {0} threw: {1}", destination, e.toString());
                result = result.plus(new PublishResult(0, events.stream()
                        .map(ev -> new PublishResult.Failure(ev, destination, e.toString()))
                        .toList()));
            }
        }
        return result;
    }
}
