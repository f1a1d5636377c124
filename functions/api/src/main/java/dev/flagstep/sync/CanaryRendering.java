package dev.flagstep.sync;

import dev.flagstep.spec.SpecError;
import java.util.List;

/**
 * A Canary object rendered as the document flagstep stores: the Canary and the MetricTemplates and
 * AlertProviders it references, as {@code ---} documents. {@code missing} names each reference that found no
 * object ({@code analysis.metrics[0].templateRef}); such a canary is invalid.
 */
public record CanaryRendering(String text, List<SpecError> missing) {

    public CanaryRendering {
        missing = List.copyOf(missing);
    }
}
