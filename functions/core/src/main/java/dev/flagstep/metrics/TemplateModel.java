package dev.flagstep.metrics;

import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.ObjectRef;
import java.util.Map;

/**
 * What a query template can see: Flagger's {@code MetricTemplateModel} plus the metric's
 * {@code templateVariables}. {@code interval} is empty for a templateRef metric without one, as in Flagger.
 */
public record TemplateModel(
        String name,
        String namespace,
        String target,
        String service,
        String ingress,
        String route,
        String interval,
        Map<String, String> variables) {

    public TemplateModel {
        variables = Map.copyOf(variables);
    }

    /** This model with {@code route} replaced (a Knative target's latest created revision). */
    public TemplateModel withRoute(String route) {
        return new TemplateModel(name, namespace, target, service, ingress, route, interval, variables);
    }

    /**
     * Flagger's {@code toMetricModel}: service is {@code service.name} else the target's name; ingress
     * is {@code ingressRef.name} else the target's name; route is {@code routeRef.name} else the target's name.
     */
    public static TemplateModel of(CanarySpec canary, String interval, Map<String, String> variables) {
        String target = canary.targetRef().name();
        String route = canary.extra().path("routeRef").path("name").asText("");
        return new TemplateModel(
                canary.id().name(),
                canary.id().namespace(),
                target,
                canary.apexName(),
                canary.ingressRef().map(ObjectRef::name).orElse(target),
                route.isEmpty() ? target : route,
                interval,
                variables);
    }
}
