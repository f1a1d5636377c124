package dev.flagstep.notifier;

import dev.flagstep.analysis.FlaggerMessages;
import dev.flagstep.analysis.Strategy;
import dev.flagstep.spec.Analysis;
import dev.flagstep.spec.CanarySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The fields of Flagger's {@code alert()}: "Cluster" when a cluster name is configured, then, for the two alerts
 * that ask for metadata (a new revision, an initialization), {@code alertMetadata}'s Target, Failed checks
 * threshold, Progress deadline and Traffic routing. Pure.
 */
public final class AlertFields {

    private AlertFields() {}

    public static List<Field> of(String message, CanarySpec canary, String provider, Optional<String> clusterName) {
        List<Field> fields = new ArrayList<>();
        clusterName.filter(c -> !c.isEmpty()).ifPresent(c -> fields.add(new Field("Cluster", c)));
        if (withMetadata(message)) {
            fields.addAll(metadata(canary, provider));
        }
        return List.copyOf(fields);
    }

    /** Flagger passes {@code metadata=true} for "New revision detected ..." and "New {kind} detected, initialization completed." */
    static boolean withMetadata(String message) {
        return message.equals(FlaggerMessages.Alerts.NEW_REVISION)
                || (message.startsWith("New ") && message.endsWith(FlaggerMessages.Alerts.initialized("").substring(4)));
    }

    static List<Field> metadata(CanarySpec canary, String provider) {
        List<Field> fields = new ArrayList<>();
        Optional<Analysis> analysis = canary.analysis();
        fields.add(new Field("Target", canary.targetRef().kind() + "/" + canary.targetRef().name() + "." + canary.id().namespace()));
        fields.add(new Field("Failed checks threshold", String.valueOf(analysis.map(a -> Math.max(1, a.threshold())).orElse(1))));
        fields.add(new Field("Progress deadline", canary.progressDeadlineSeconds() + "s"));
        analysis.flatMap(a -> routing(a, provider)).ifPresent(r -> fields.add(new Field("Traffic routing", r)));
        return fields;
    }

    private static Optional<String> routing(Analysis a, String provider) {
        return switch (Strategy.of(a, provider)) {
            case AB_TESTING -> Optional.of("A/B Testing");
            case BLUE_GREEN -> Optional.of("Blue/Green");
            case CANARY -> a.stepWeight() > 0
                    ? Optional.of("Weight step: " + a.stepWeight() + " max: " + a.maxWeight())
                    : a.stepWeights().isEmpty() ? Optional.empty()
                    : Optional.of("Weight steps: " + a.stepWeights().stream().map(String::valueOf).collect(Collectors.joining(","))
                            + " max: " + a.maxWeight());
        };
    }
}
