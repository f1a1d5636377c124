package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;

import java.util.Optional;

/**
 * Traefik ({@code traefik.go}): TraefikService {@code {apex}} ({@code traefik.io/v1alpha1}) whose
 * {@code spec.weighted.services} list {@code {apex}-primary} and, only while it has traffic, {@code {apex}-canary},
 * each with its namespace and {@code service.port}; a zero weight is written as an absent field, as Traefik's Go
 * types do. Users point their IngressRoute at it ({@code kind: TraefikService}). No A/B, no mirroring (ignored,
 * as in Flagger).
 */
public final class TraefikRouter extends OwnedObjectRouter implements TrafficRouter {

    public static final ResourceKind TRAEFIK_SERVICE = new ResourceKind("traefik.io", "v1alpha1", "TraefikService", "traefikservices");

    public TraefikRouter(KubeClient kube, CanarySpec canary) {
        super(kube, canary, TRAEFIK_SERVICE, "TraefikService");
    }

    @Override
    public void setRoutes(Routes routes) {
        super.setRoutes(RouterObjects.requireWeights("traefik", routes));
    }

    @Override
    void writeSpec(ObjectNode spec) {
        services(spec.putObject("weighted").putArray("services"), Routes.allPrimary());
    }

    /** Flagger's GetRoutes: the primary entry's weight (absent = 0); the canary gets the rest. */
    @Override
    Optional<Routes> read(ObjectNode o) {
        for (JsonNode s : o.at("/spec/weighted/services")) {
            if (s.path("name").asText().equals(RouterObjects.primary(canary))) {
                return RouterObjects.fromPrimary(s.path("weight").asInt(0));
            }
        }
        return Optional.empty();
    }

    /** Flagger's SetRoutes: the list is rewritten, the canary listed only when its weight is above 0. */
    @Override
    void write(ObjectNode o, Routes r) {
        services(o.withObjectProperty("spec").withObjectProperty("weighted").putArray("services"), r);
    }

    private void services(ArrayNode services, Routes r) {
        entry(services, RouterObjects.primary(canary), r.primary());
        if (r.canary() > 0) entry(services, RouterObjects.canary(canary), r.canary());
    }

    private void entry(ArrayNode services, String name, int weight) {
        ObjectNode s = services.addObject().put("name", name).put("namespace", RouterObjects.namespace(canary))
                .put("port", canary.service().port());
        if (weight > 0) s.put("weight", weight);
    }
}
