package dev.flagstep.net;

/** Whether a namespace exists in the cluster: tells {@code name.ns} (a Service) from {@code example.com}. */
@FunctionalInterface
public interface NamespaceLookup {

    /**
     * @throws ClusterServiceException when it cannot be told (forbidden, API unavailable); its message
     *     names the namespace, and the caller adds the host
     */
    boolean exists(String namespace);
}
