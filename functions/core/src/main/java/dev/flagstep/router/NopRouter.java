package dev.flagstep.router;

import dev.flagstep.analysis.Routes;

/**
 * Flagger's NopRouter, for provider {@code kubernetes}: blue/green without a traffic router (Flagger's own
 * {@code KubernetesRouter} is its Service reconciler, here {@code TargetController.bootstrap}). The apex service
 * always selects the primary; the canary is tested through {@code {apex}-canary} and promoted by copying its
 * template (with a Service target, the target Service is the apex and promotion copies its spec onto
 * {@code {name}-primary}, Flagger's {@code KubernetesNoopRouter}). There are no weights to read or write: routes always
 * read 100/0 and writes are no-ops.
 * Flagger's reads 0/100 once the analysis has an iteration (only its weight gauge shows it); flagstep reports
 * where the apex sends traffic, without reading the status (docs/migrating-from-flagger.md).
 */
public final class NopRouter implements TrafficRouter {

    @Override
    public void reconcile() {
        // nothing to create: the three services are the workload's (TargetController.bootstrap)
    }

    @Override
    public Routes getRoutes() {
        return Routes.allPrimary();
    }

    @Override
    public void setRoutes(Routes routes) {
        // no router object
    }
}
