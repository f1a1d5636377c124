package dev.flagstep.workload;

import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;
import java.time.Clock;

/** Chooses the workload controller for a {@code targetRef.kind} (Flagger's {@code canary.Factory.Controller}). */
public final class TargetControllers {

    private TargetControllers() {}

    /**
     * @throws IllegalArgumentException for a kind flagstep does not support (Flagger falls back to the Deployment
     *                                  controller; the validator refuses such a canary before it gets here)
     */
    /** The resource a {@code targetRef.kind} names; throws as {@link #forKind} for a kind flagstep does not support. */
    public static ResourceKind resourceKind(String targetKind) {
        return switch (targetKind) {
            case "Deployment" -> ResourceKind.DEPLOYMENT;
            case "DaemonSet" -> ResourceKind.DAEMON_SET;
            default -> throw unsupported(targetKind);
        };
    }

    public static TargetController forKind(KubeClient kube, CanarySpec canary, Clock clock) {
        return switch (canary.targetRef().kind()) {
            case "Deployment" -> new DeploymentController(kube, canary, clock);
            case "DaemonSet" -> new DaemonSetController(kube, canary, clock);
            default -> throw unsupported(canary.targetRef().kind());
        };
    }

    private static IllegalArgumentException unsupported(String kind) {
        return new IllegalArgumentException("targetRef.kind " + kind + " is not supported; use a Deployment or a DaemonSet");
    }
}
