package dev.flagstep.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.net.ServiceAddress;
import java.util.Optional;

/**
 * Whether a cluster Service a canary calls exists and has a ready endpoint, read from its Service and Endpoints
 * objects (what kube-proxy and the API server's service proxy use); the Service itself is never called.
 */
public final class ServiceHealth {

    static final ResourceKind ENDPOINTS = new ResourceKind("", "v1", "Endpoints", "endpoints");

    private final KubeClient kube;

    public ServiceHealth(KubeClient kube) {
        this.kube = kube;
    }

    /** @param role what the canary uses it for, e.g. {@code webhook "load-test"} */
    public Finding check(String subject, String role, ServiceAddress service) {
        String shown = "service " + service.name() + "." + service.namespace();
        if (kube.get(ResourceKind.SERVICE.ref(service.namespace(), service.name())).isEmpty()) {
            return Finding.fail(subject, role + ": " + shown + " not found",
                    "deploy the receiver, or correct the URL; check with: kubectl -n " + service.namespace()
                            + " get service " + service.name());
        }
        Optional<JsonNode> endpoints = kube.get(ENDPOINTS.ref(service.namespace(), service.name())).map(JsonNode.class::cast);
        boolean ready = endpoints.stream().flatMap(e -> java.util.stream.StreamSupport.stream(e.path("subsets").spliterator(), false))
                .anyMatch(s -> s.path("addresses").isArray() && !s.path("addresses").isEmpty());
        if (!ready) {
            return Finding.fail(subject, role + ": " + shown + " has no ready endpoints (its pods are missing or not ready)",
                    "kubectl -n " + service.namespace() + " get endpoints " + service.name()
                            + "; kubectl -n " + service.namespace() + " describe service " + service.name());
        }
        return Finding.pass(subject, role + ": " + shown + " has ready endpoints");
    }
}
