package dev.flagstep.router;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;

import java.util.Optional;

/**
 * SMI ({@code smi_v1alpha2.go}, {@code smi_v1alpha3.go}): TrafficSplit {@code {apex}} with
 * {@code spec.service} (the first host, else the apex) and {@code spec.backends} canary then primary, integer
 * weights. SMI has no A/B and no mirroring: a mirror request is ignored, as in Flagger.
 */
public final class SmiRouter extends OwnedObjectRouter implements TrafficRouter {

    /** @param kind {@link ResourceKind#TRAFFIC_SPLIT_V1ALPHA2} or {@link ResourceKind#TRAFFIC_SPLIT_V1ALPHA3} */
    public SmiRouter(KubeClient kube, CanarySpec canary, ResourceKind kind) {
        super(kube, canary, kind, "TrafficSplit");
    }

    @Override
    public void reconcile() {
        reconcileOwned();
    }

    @Override
    public Routes getRoutes() {
        return readRequired(kube.require(ref()));
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
    }

    @Override
    Optional<Routes> read(ObjectNode o) {
        return RouterObjects.weights(o.path("spec").path("backends"), "/service", canary);
    }

    @Override
    void write(ObjectNode o, Routes r) {
        RouterObjects.setWeights(o.path("spec").path("backends"), "/service", canary, r);
    }
}
