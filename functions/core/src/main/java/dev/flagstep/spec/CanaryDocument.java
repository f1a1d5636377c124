package dev.flagstep.spec;

import java.util.List;
import java.util.Optional;

/**
 * What a user submits: one Canary plus the MetricTemplates and AlertProviders beside it, and the text exactly as given
 * (stored as submitted, so nothing the user wrote is lost).
 */
public record CanaryDocument(CanarySpec canary, List<MetricTemplate> metricTemplates, List<AlertProvider> alertProviders,
                             String source) {

    public CanaryDocument {
        metricTemplates = List.copyOf(metricTemplates);
        alertProviders = List.copyOf(alertProviders);
    }

    /** A document without AlertProviders. */
    public CanaryDocument(CanarySpec canary, List<MetricTemplate> metricTemplates, String source) {
        this(canary, metricTemplates, List.of(), source);
    }

    /** Resolves an alert's {@code providerRef} as Flagger does: by name, in the given namespace or the canary's. */
    public Optional<AlertProvider> provider(AlertRef ref) {
        String ns = ref.providerNamespace().filter(n -> !n.isEmpty()).orElse(canary.id().namespace());
        return alertProviders.stream()
                .filter(p -> p.name().equals(ref.providerName()) && p.namespace().equals(ns))
                .findFirst();
    }

    /** Resolves {@code templateRef} as Flagger does: by name, in the given namespace or the canary's. */
    public Optional<MetricTemplate> template(TemplateRef ref) {
        String ns = ref.namespace().orElse(canary.id().namespace());
        return metricTemplates.stream()
                .filter(t -> t.name().equals(ref.name()) && t.namespace().equals(ns))
                .findFirst();
    }
}
