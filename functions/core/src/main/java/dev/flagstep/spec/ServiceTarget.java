package dev.flagstep.spec;

import java.util.List;

/**
 * A plain Kubernetes Service target ({@code apiVersion: v1}, {@code kind: Service}; the reader takes {@code v1} when
 * the apiVersion is left out): Flagger's {@code ServiceController} makes {@code {name}-primary} and
 * {@code {name}-canary} as copies of it and its routers split the target's traffic between them.
 */
public final class ServiceTarget {

    public static final String API_VERSION = "v1";

    private ServiceTarget() {}

    public static boolean is(ObjectRef target) {
        return "Service".equals(target.kind()) && API_VERSION.equals(target.apiVersion());
    }

    /**
     * What Flagger would run and get wrong: an {@code autoscalerRef} (it copies the autoscaler onto a
     * {@code {name}-primary} workload that does not exist), and a {@code service.name} other than the target's (its
     * routers would send traffic to {@code {service.name}-primary}, while the copies are {@code {target}-primary}).
     */
    static void check(CanarySpec canary, List<SpecError> errors) {
        if (!is(canary.targetRef())) return;
        if (canary.autoscalerRef().isPresent()) {
            errors.add(new SpecError("autoscalerRef", "not supported with a Service target: there is no workload to scale"));
        }
        String target = canary.targetRef().name();
        canary.service().name().filter(n -> !n.isEmpty() && !n.equals(target)).ifPresent(n -> errors.add(new SpecError(
                "service.name", "must be the target's name (" + target + ") or left out with a Service target: the "
                        + "traffic goes to " + target + "-primary and " + target + "-canary, not " + n + "-primary and " + n + "-canary")));
    }
}
