package dev.flagstep.workload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.kubernetes.KubeRef;
import java.util.List;

/**
 * Flagger's {@code getSelectorLabel}: the label a target's pods are selected by is the first of Flagger's default
 * {@code -selector-labels} its {@code spec.selector.matchLabels} holds. The primary selects {@code {label}: {name}-primary},
 * the services select by that label. Pure.
 */
public final class SelectorLabels {

    /** Flagger's default {@code -selector-labels}, in order of preference. */
    static final List<String> SELECTOR_LABELS = List.of("app", "name", "app.kubernetes.io/name");

    private SelectorLabels() {}

    /** @throws IllegalArgumentException naming {@code ref} when the target's selector has none of them */
    static String of(KubeRef ref, JsonNode target) {
        JsonNode match = target.path("spec").path("selector").path("matchLabels");
        for (String l : SELECTOR_LABELS) if (match.has(l)) return l;
        throw new IllegalArgumentException(ref + " spec.selector.matchLabels must contain one of "
                + String.join(", ", SELECTOR_LABELS) + " (Flagger's selector labels)");
    }
}
