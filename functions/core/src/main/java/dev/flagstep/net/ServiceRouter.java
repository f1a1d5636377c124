package dev.flagstep.net;

import java.net.URI;

/**
 * The one seam every caller of a canary-chosen URL (webhooks, event hooks, metrics providers) asks, for
 * each request and each redirect hop, how to reach it. Built once per container by the wiring.
 */
@FunctionalInterface
public interface ServiceRouter {

    /**
     * @param namespace the canary's namespace (where a one-label host such as {@code http://loadtester/} lives)
     * @throws ClusterServiceException when the URL may name a Service but that cannot be told or reached
     */
    Route route(URI url, String namespace);

    /** Every URL direct: {@code ClusterServiceAccess: off}, and callers with no cluster. */
    static ServiceRouter direct() {
        Route direct = new Route.Direct();
        return (url, namespace) -> direct;
    }
}
