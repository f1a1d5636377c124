package dev.flagstep.kubernetes;

import dev.flagstep.net.ClusterServiceException;
import dev.flagstep.net.ClusterServices;
import dev.flagstep.net.Route;
import dev.flagstep.net.ServiceAddress;
import dev.flagstep.net.ServiceRouter;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Routes URLs that name cluster Services ({@link ClusterServices}) through the Kubernetes API server's
 * service proxy, over the phases' own {@link KubeClient}: its server URL, its TLS (cluster CA) and a fresh
 * bearer token per request. Any other URL is {@link Route.Direct}. The client is asked for on the first
 * URL that needs it, so a container whose URLs are all public never builds one.
 *
 * <p>Namespace lookups (for {@code name.ns} hosts) are remembered per container ({@link KubeNamespaces}).
 */
public final class ServiceProxy implements ServiceRouter {

    private final Supplier<KubeClient> kube;
    private final ClusterServices services;

    /**
     * @param kube          the phases' client (e.g. {@code EksAccess::client}), asked for lazily
     * @param clusterDomain {@code cluster.local} unless the cluster says otherwise
     * @param clock         ages the namespace answers
     * @throws IllegalArgumentException when {@code clusterDomain} is not a DNS name
     */
    public ServiceProxy(Supplier<KubeClient> kube, String clusterDomain, Clock clock) {
        this.kube = kube;
        this.services = new ClusterServices(clusterDomain, new KubeNamespaces(kube, clock));
    }

    /** With the default cluster domain and the system clock (the local runtime over a kubeconfig or the simulated cluster). */
    public ServiceProxy(KubeClient kube) {
        this(() -> kube, ClusterServices.DEFAULT_DOMAIN, Clock.systemUTC());
    }

    @Override
    public Route route(URI url, String namespace) {
        Optional<ServiceAddress> service = services.serviceOf(url, namespace);
        if (service.isEmpty()) {
            // serviceOf looked this namespace up and found none: say so if the name then does not resolve
            return new Route.Direct(ClusterServices.twoLabelNamespace(url).map(ns -> "not taken for a cluster Service: namespace "
                    + ns + " does not exist in the cluster"));
        }
        KubeClient client;
        Optional<String> authorization;
        try {
            client = kube.get();
            authorization = client.authorization();
        } catch (RuntimeException e) {
            throw new ClusterServiceException("cannot reach service " + service.get().shown()
                    + " through the Kubernetes API server: " + e.getMessage(), false);
        }
        return new Route.Proxied(service.get(), proxyUri(client.endpoint().server(), service.get(), url), client.http(), authorization);
    }

    /** The API server URL reaching {@code url}'s path and query on {@code service}. */
    static URI proxyUri(URI server, ServiceAddress service, URI url) {
        return URI.create(server + service.proxyPath(url.getRawPath(), Optional.ofNullable(url.getRawQuery())));
    }
}
