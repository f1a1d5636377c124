package dev.flagstep.workload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.workload.config.TrackedConfigs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Flagger's {@code canary.Controller} for one {@code targetRef} kind ({@link TargetControllers#forKind}): bootstrap
 * {@code {name}-primary} and the ClusterIP services, scale the canary, promote, readiness, revertOnDeletion. Every
 * write is a guarded patch of the difference, so running any of them twice changes nothing.
 */
public sealed interface TargetController permits DeploymentController, DaemonSetController, WithoutWorkload {

    /** What {@link #bootstrap()} created; both empty when everything existed. */
    record Bootstrap(boolean primaryCreated, List<String> servicesCreated) {
        public Bootstrap {
            servicesCreated = List.copyOf(servicesCreated);
        }
    }

    KubeRef target();

    KubeRef primary();

    /**
     * {@link #initialize()} then {@link #reconcileApex()}: what every Initialize of an onboarded canary reconciles.
     * The apex service comes first in {@link Bootstrap#servicesCreated()} when it was created.
     */
    default Bootstrap bootstrap() {
        Bootstrap b = initialize();
        List<String> created = new ArrayList<>();
        if (reconcileApex()) created.add(apexName());
        created.addAll(b.servicesCreated());
        return new Bootstrap(b.primaryCreated(), created);
    }

    /** The apex service's name ({@code service.name}, else the target's). */
    String apexName();

    /**
     * Flagger's {@code kubeRouter.Initialize} and the controller's {@code Initialize}: creates {@code {name}-primary}
     * if absent, and the services {@code {apex}-primary} and {@code {apex}-canary}. Nothing here carries the apex's
     * traffic, so it is safe before the primary is ready.
     *
     * @throws TargetRefused when the target is of a form Flagger does not run canaries of (retried, never a rollback)
     */
    Bootstrap initialize();

    /** Flagger's {@code kubeRouter.Reconcile}: the apex service selects the primary, created if absent. True when created. */
    boolean reconcileApex();

    /** Deletes the primary unless the apex service selects it (an onboarding that gave up); true when deleted. */
    boolean removeUnservedPrimary();

    /** While the apex does not select the primary (it never served), the primary's template is kept the target's. */
    void refreshUnservedPrimary();

    /** Flagger's {@code ScaleFromZero}. */
    void scaleCanaryUp();

    /** Flagger's {@code ScaleToZero}. */
    void scaleCanaryToZero();

    /** Flagger's {@code Promote}: the tracked configs' copies, then the target's pod template, onto the primary. */
    void promote();

    /** The ConfigMaps and Secrets the target's pod spec reads that are tracked (Flagger's {@code GetTargetConfigs}). */
    TrackedConfigs trackedConfigs();

    /**
     * The target's {@code spec.template} as its revision is computed from: what flagstep itself changes on it to
     * scale it (a DaemonSet's scale-to-zero node selector) is left out, so scaling is never a new revision.
     */
    JsonNode revisionTemplate(JsonNode target);

    /**
     * The target's revision id as Flagger's {@code HasTargetChanged} compares it: the hash of {@link #revisionTemplate}
     * and the tracked configs' checksums ({@link Revisions}).
     */
    default String revision(JsonNode target, Map<String, String> trackedConfigs) {
        return Revisions.of(revisionTemplate(target), trackedConfigs);
    }

    /** Flagger's {@code Finalize} for revertOnDeletion: the target serves again on its own. */
    void restoreTarget();

    /** The apex service selects the target's pods again (Flagger's {@code KubernetesDefaultRouter.Finalize}). */
    void revertApex();

    /**
     * Flagger's {@code IsCanaryReady}.
     *
     * @param lastTransitionTime the canary's {@code status.lastTransitionTime}: a kind without progress conditions of
     *                           its own (DaemonSet) counts its progress deadline from there, as Flagger does
     */
    Readiness canaryReadiness(Instant lastTransitionTime);

    /** Flagger's {@code IsPrimaryReady}; {@code lastTransitionTime} as for {@link #canaryReadiness(Instant)}. */
    Readiness primaryReadiness(Instant lastTransitionTime);

    /**
     * {@link #primaryReadiness(Instant)}, and at least one pod available: what the apex service may be pointed at.
     * Flagger's threshold alone lets a primary with no available pod pass; the apex must never select zero ready pods.
     */
    Readiness primaryReadyToServe(Instant lastTransitionTime);
}
