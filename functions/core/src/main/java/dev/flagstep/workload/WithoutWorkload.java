package dev.flagstep.workload;

import dev.flagstep.workload.config.TrackedConfigs;

/**
 * The targets flagstep makes no workload for (Knative Services, Kubernetes Services, as Flagger's Knative and
 * Service controllers): no apex to point, no primary Deployment to keep or remove, nothing to scale or restore,
 * no ConfigMaps or Secrets tracked ({@code HaveDependenciesChanged} is false for both).
 */
sealed interface WithoutWorkload extends TargetController permits KnativeController, ServiceController {

    @Override
    default boolean reconcileApex() {
        return false;
    }

    @Override
    default boolean removeUnservedPrimary() {
        return false;
    }

    @Override
    default void refreshUnservedPrimary() {
    }

    @Override
    default void scaleCanaryUp() {
    }

    @Override
    default void scaleCanaryToZero() {
    }

    @Override
    default TrackedConfigs trackedConfigs() {
        return TrackedConfigs.none();
    }

    /** The target was never changed: nothing to give back. */
    @Override
    default void restoreTarget() {
    }
}
