package dev.flagstep.workload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.knative.KnativeService;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.KnativeTarget;
import dev.flagstep.spec.ObjectRef;
import dev.flagstep.spec.ServiceTarget;
import java.time.Clock;
import java.util.Map;

/** Chooses the workload controller for a {@code targetRef.kind} (Flagger's {@code canary.Factory.Controller}). */
public final class TargetControllers {

    private TargetControllers() {}

    /**
     * @throws IllegalArgumentException for a kind flagstep does not support (Flagger falls back to the Deployment
     *                                  controller; the validator refuses such a canary before it gets here)
     */
    /** The resource a {@code targetRef.kind} names; throws as {@link #forKind} for a kind flagstep does not support. */
    public static ResourceKind resourceKind(ObjectRef targetRef) {
        if (KnativeTarget.is(targetRef)) return KnativeService.SERVICE;
        if (ServiceTarget.is(targetRef)) return ResourceKind.SERVICE;
        return resourceKind(targetRef.kind());
    }

    /** As {@link #resourceKind(ObjectRef)}, for a Deployment or a DaemonSet. */
    public static ResourceKind resourceKind(String targetKind) {
        return switch (targetKind) {
            case "Deployment" -> ResourceKind.DEPLOYMENT;
            case "DaemonSet" -> ResourceKind.DAEMON_SET;
            default -> throw unsupported(targetKind);
        };
    }

    public static TargetController forKind(KubeClient kube, CanarySpec canary, Clock clock) {
        if (KnativeTarget.is(canary.targetRef())) return new KnativeController(kube, canary);
        if (ServiceTarget.is(canary.targetRef())) return new ServiceController(kube, canary);
        return switch (canary.targetRef().kind()) {
            case "Deployment" -> new DeploymentController(kube, canary, clock);
            case "DaemonSet" -> new DaemonSetController(kube, canary, clock);
            default -> throw unsupported(canary.targetRef().kind());
        };
    }

    /**
     * A target's revision id (see {@link TargetController#revision}): a Knative Service's latest created revision name,
     * a Kubernetes Service's spec hash, else the hash of its {@link RevisionTemplate} and the tracked configs' checksums.
     */
    public static String revision(ObjectRef targetRef, JsonNode target, Map<String, String> trackedConfigs) {
        if (KnativeTarget.is(targetRef)) return KnativeService.latestCreated(target);
        if (ServiceTarget.is(targetRef)) return Revisions.of(target.path("spec"));
        return Revisions.of(RevisionTemplate.of(targetRef.kind(), target.path("spec").path("template")), trackedConfigs);
    }

    private static IllegalArgumentException unsupported(String kind) {
        return new IllegalArgumentException("targetRef.kind " + kind + " is not supported; use a Deployment, a DaemonSet or a Service");
    }
}
