package dev.flagstep.spec;

import java.util.List;

/**
 * Flagger's rules for a Knative Service target ({@code verifyKnativeCanary}): provider {@code knative} if and only if
 * the target is a {@code serving.knative.dev/v1} Service, and no {@code autoscalerRef} (Knative scales its revisions).
 * Such a canary needs no {@code service} block: nothing is generated for it.
 */
public final class KnativeTarget {

    public static final String API_VERSION = "serving.knative.dev/v1";

    private KnativeTarget() {}

    /** Flagger's {@code IsKnativeService}. */
    public static boolean is(ObjectRef target) {
        return "Service".equals(target.kind()) && API_VERSION.equals(target.apiVersion());
    }

    static void check(CanarySpec canary, List<SpecError> errors) {
        boolean knativeTarget = is(canary.targetRef());
        String provider = canary.provider().orElse("");
        if (knativeTarget != provider.equals("knative")) {
            if (knativeTarget) {
                errors.add(new SpecError("spec.provider", "can't use " + provider + " provider with Knative Service as target"));
            } else {
                errors.add(new SpecError("targetRef", "can't use " + canary.targetRef().apiVersion() + "/"
                        + canary.targetRef().kind() + " as target if provider is set to knative"));
            }
        }
        if (knativeTarget && canary.autoscalerRef().isPresent()) {
            errors.add(new SpecError("autoscalerRef", "can't use autoscaler with Knative Service"));
        }
    }
}
