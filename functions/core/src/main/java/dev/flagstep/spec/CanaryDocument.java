package dev.flagstep.spec;

import java.util.List;
import java.util.Optional;

/**
 * What a user submits: one Canary plus the MetricTemplates beside it, and the text exactly as given
 * (stored as submitted, so nothing the user wrote is lost).
 */
public record CanaryDocument(CanarySpec canary, List<MetricTemplate> metricTemplates, String source) {

    public CanaryDocument {
        metricTemplates = List.copyOf(metricTemplates);
    }

    /** Resolves {@code templateRef} as Flagger does: by name, in the given namespace or the canary's. */
    public Optional<MetricTemplate> template(TemplateRef ref) {
        String ns = ref.namespace().orElse(canary.id().namespace());
        return metricTemplates.stream()
                .filter(t -> t.name().equals(ref.name()) && t.namespace().equals(ns))
                .findFirst();
    }
}
