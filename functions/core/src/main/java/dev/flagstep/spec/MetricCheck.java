package dev.flagstep.spec;

import java.util.Map;
import java.util.Optional;

/**
 * One entry of {@code analysis.metrics}. {@code interval} stays as written (a Go duration such as
 * {@code 1m}) because it is rendered into queries as {@code {{ interval }}}; builtin metrics default
 * it to 1m at check time, exactly as Flagger does, and templateRef metrics do not.
 */
public record MetricCheck(
        String name,
        ThresholdRange thresholdRange,
        Optional<Double> threshold,
        Optional<String> interval,
        Optional<String> query,
        Optional<TemplateRef> templateRef,
        Map<String, String> templateVariables) {

    public MetricCheck {
        templateVariables = Map.copyOf(templateVariables);
    }

    /** Flagger's builtin checks, evaluated with the router's own query. */
    public boolean isBuiltin() {
        return templateRef.isEmpty() && query.isEmpty()
                && (name.equals("request-success-rate") || name.equals("request-duration"));
    }
}
