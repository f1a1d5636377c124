package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;

import java.util.Optional;

/**
 * SMI ({@code smi.go}, {@code smi_v1alpha2.go}, {@code smi_v1alpha3.go}): TrafficSplit {@code {apex}} with
 * {@code spec.service} (the first host, else the apex) and {@code spec.backends} canary then primary. Weights are
 * integers, except in v1alpha1 (Flagger's {@code linkerd} provider), where they are Kubernetes quantities that
 * Flagger's client writes as strings ({@code "100"}); either form is read. SMI has no A/B and no mirroring: a
 * match is not applied and a mirror request is ignored, as in Flagger.
 */
public final class SmiRouter extends OwnedObjectRouter implements TrafficRouter {

    private final boolean quantityWeights;

    /** @param kind {@link ResourceKind#TRAFFIC_SPLIT_V1ALPHA1}, {@code _V1ALPHA2} or {@code _V1ALPHA3} */
    public SmiRouter(KubeClient kube, CanarySpec canary, ResourceKind kind) {
        super(kube, canary, kind, "TrafficSplit");
        this.quantityWeights = kind.equals(ResourceKind.TRAFFIC_SPLIT_V1ALPHA1);
    }

    @Override
    public void setRoutes(Routes routes) {
        super.setRoutes(routes.unmirrored());
    }

    @Override
    void writeSpec(ObjectNode spec) {
        spec.put("service", canary.service().hosts().isEmpty() ? RouterObjects.apex(canary) : canary.service().hosts().get(0));
        var backends = spec.putArray("backends");
        backends.addObject().put("service", RouterObjects.canary(canary)).put("weight", 0);
        backends.addObject().put("service", RouterObjects.primary(canary)).put("weight", 100);
        asQuantities(backends);
    }

    @Override
    Optional<Routes> read(ObjectNode o) {
        return RouterObjects.weights(o.path("spec").path("backends"), "/service", canary);
    }

    @Override
    void write(ObjectNode o, Routes r) {
        RouterObjects.setWeights(o.path("spec").path("backends"), "/service", canary, r);
        asQuantities(o.path("spec").path("backends"));
    }

    /** v1alpha1's {@code resource.Quantity} weights, as Flagger's Go client serializes them: {@code "100"}. */
    private void asQuantities(JsonNode backends) {
        if (!quantityWeights) return;
        for (JsonNode b : backends) {
            if (b.path("weight").isNumber()) ((ObjectNode) b).put("weight", b.path("weight").asText());
        }
    }
}
