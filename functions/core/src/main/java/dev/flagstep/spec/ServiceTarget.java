package dev.flagstep.spec;

import java.util.List;

/**
 * A plain Kubernetes Service target ({@code apiVersion: v1}, {@code kind: Service}; the reader takes {@code v1} when
 * the apiVersion is left out): Flagger's {@code ServiceController} makes {@code {name}-primary} and
 * {@code {name}-canary} as copies of it and its routers split the target's traffic between them.
 */
public final class ServiceTarget {

    public static final String API_VERSION = "v1";
    /**
     * {@code service} fields only the Services generated for a workload target use (Flagger's
     * {@code KubernetesDefaultRouter}); its {@code ServiceController} copies the target Service instead and ignores them.
     */
    static final List<String> GENERATED_SERVICES_ONLY = List.of("appProtocol", "headless", "unmanagedMetadata", "primary", "canary");

    private ServiceTarget() {}

    public static boolean is(ObjectRef target) {
        return "Service".equals(target.kind()) && API_VERSION.equals(target.apiVersion());
    }

    /**
     * What Flagger would get wrong with a Service target: an {@code autoscalerRef} (Flagger copies the autoscaler onto a
     * {@code {name}-primary} workload that does not exist), and a {@code service.name} other than the target's (its
     * routers would send traffic to {@code {service.name}-primary}, while the copies are {@code {target}-primary}).
     */
    static void check(CanarySpec canary, List<SpecError> errors) {
        if (!is(canary.targetRef())) return;
        String target = canary.targetRef().name();
        if (canary.autoscalerRef().isPresent()) {
            errors.add(new SpecError("autoscalerRef", "not supported with a Service target: there is no workload to scale"));
        }
        canary.service().name().filter(n -> !n.isEmpty() && !n.equals(target)).ifPresent(n -> errors.add(new SpecError(
                "service.name", "must be the target's name (" + target + ") or left out with a Service target: the "
                        + "traffic goes to " + target + "-primary and " + target + "-canary, not " + n + "-primary and " + n + "-canary")));
    }

    /** The generated Services' fields, which Flagger ignores with a Service target (the copies are the target's). */
    static List<String> ignored(CanarySpec canary) {
        if (!is(canary.targetRef())) return List.of();
        List<String> set = new java.util.ArrayList<>();
        for (String field : GENERATED_SERVICES_ONLY) {
            if (FieldReader.present(canary.service().extra().path(field))) set.add("service." + field);
        }
        if (canary.service().targetPort().isPresent()) set.add("service.targetPort");
        return set;
    }
}
