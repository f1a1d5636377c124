package dev.flagstep.router;

/**
 * Provider {@code kubernetes} (Flagger's NopRouter): blue/green without a traffic router. The apex service
 * always selects the primary; the canary is tested through {@code {apex}-canary} and promoted by copying its
 * template. There are no weights to read or write: routes always read 100/0 and writes are no-ops.
 */
public final class KubernetesRouter implements TrafficRouter {

    @Override
    public void reconcile() {
        // nothing to create: the three services are the workload's (DeploymentController.bootstrap)
    }

    @Override
    public Routes getRoutes() {
        return Routes.ALL_PRIMARY;
    }

    @Override
    public void setRoutes(int primaryWeight, int canaryWeight, boolean mirrored) {
        // no router object
    }
}
