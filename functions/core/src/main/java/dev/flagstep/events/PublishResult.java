package dev.flagstep.events;

import java.util.ArrayList;
import java.util.List;

/**
 * What a publish did: how many deliveries succeeded (one per event and destination) and each event
 * that could not be delivered, with the destination and the reason.
 */
public record PublishResult(int delivered, List<Failure> failures) {

    public PublishResult {
        failures = List.copyOf(failures);
    }

    public record Failure(CanaryEvent event, String destination, String reason) {}

    public static PublishResult none() {
        return new PublishResult(0, List.of());
    }

    public boolean allDelivered() {
        return failures.isEmpty();
    }

    public PublishResult plus(PublishResult other) {
        List<Failure> all = new ArrayList<>(failures);
        all.addAll(other.failures);
        return new PublishResult(delivered + other.delivered, all);
    }
}
