package dev.flagstep.router;

import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeException;

/**
 * One canary's traffic router, Flagger's {@code Interface} in {@code pkg/router/router.go}: it owns the objects
 * that split traffic between {@code {apex}-primary} and {@code {apex}-canary}. Every method reads the cluster
 * afresh; nothing is cached between calls (each Lambda invocation may build a new router).
 */
public sealed interface TrafficRouter
        permits GatewayApiRouter,
        IstioRouter,
        NginxRouter,
        AlbRouter,
        SmiRouter,
        KumaRouter,
        ApisixRouter,
        GlooRouter,
        SkipperRouter,
        TraefikRouter,
        ContourRouter,
        KnativeRouter,
        NopRouter {

    /** Creates the router objects if absent, or brings their spec in line with the canary keeping the current weights. */
    void reconcile();

    /** The weights as stored now. Throws {@link RouterNotReady} when they cannot be trusted yet (retry next tick). */
    Routes getRoutes();

    /** Writes the weights (and mirroring, where the provider has it). */
    void setRoutes(Routes routes);

    /** {@link #setRoutes(Routes)} of {@code new Routes(primaryWeight, canaryWeight, mirrored)} (which validates them). */
    default void setRoutes(int primaryWeight, int canaryWeight, boolean mirrored) {
        setRoutes(new Routes(primaryWeight, canaryWeight, mirrored));
    }

    /**
     * Flagger's router {@code Finalize}, for a canary deleted with {@code revertOnDeletion}, once its apex service
     * selects the target again. Flagger's garbage collector then deletes the router objects Flagger created (they
     * carry its owner reference); flagstep sets none and deletes nothing that may be the user's, so by default the
     * router sends all traffic to the primary: the canary, whose analysis ended unfinished, gets none through it.
     * A router whose objects are absent has nothing to revert.
     */
    default void revert() {
        try {
            setRoutes(Routes.allPrimary());
        } catch (KubeException.NotFound | RouterException absent) {
            // never reconciled (or already removed): nothing routes through it
        }
    }
}
