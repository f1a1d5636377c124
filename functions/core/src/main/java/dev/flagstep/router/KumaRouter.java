package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.CustomMetadata;

import java.util.Optional;

/**
 * Kuma ({@code kuma.go}): the cluster-scoped TrafficRoute {@code {apex}} (no namespace, so two canaries with one
 * apex name in different namespaces share it, as in Flagger) in the mesh named by the Canary's {@code kuma.io/mesh}
 * annotation, {@code default} without one, set when it is created. Its split sends the apex's Kuma service
 * {@code {apex}_{ns}_svc_{port}} to the primary's and the canary's; it carries {@code service.apex}'s labels and
 * annotations. Kuma has no A/B and no mirroring here: a match
 * is not applied and a mirror request is ignored, as in Flagger.
 */
public final class KumaRouter extends OwnedObjectRouter implements TrafficRouter {

    public static final ResourceKind TRAFFIC_ROUTE = new ResourceKind("kuma.io", "v1alpha1", "TrafficRoute", "trafficroutes", true);
    static final String DEFAULT_MESH = "default";
    private static final String SERVICE_TAG = "kuma.io/service";

    public KumaRouter(KubeClient kube, CanarySpec canary) {
        super(kube, canary, TRAFFIC_ROUTE, "TrafficRoute");
    }

    @Override
    public void setRoutes(Routes routes) {
        super.setRoutes(routes.unmirrored());
    }

    /** Kuma names a Kubernetes Service's traffic {@code {name}_{namespace}_svc_{port}}. */
    private String kumaService(String service) {
        return service + "_" + RouterObjects.namespace(canary) + "_svc_" + canary.service().port();
    }

    @Override
    void writeOnCreate(ObjectNode object) {
        object.put("mesh", canary.annotations().getOrDefault(CanarySpec.KUMA_MESH, DEFAULT_MESH));
    }

    /** Flagger puts {@code service.apex}'s labels and annotations on the TrafficRoute too. */
    @Override
    void writeMetadata(ObjectNode object) {
        CustomMetadata apex = CustomMetadata.of(canary.service(), "apex");
        if (!apex.labels().isEmpty()) apex.labels().forEach(object.withObjectProperty("metadata").withObjectProperty("labels")::put);
        apex.annotations().forEach(RouterObjects.annotations(object)::put);
    }

    @Override
    void writeSpec(ObjectNode spec) {
        spec.putArray("sources").addObject().putObject("match").put(SERVICE_TAG, "*");
        spec.putArray("destinations").addObject().putObject("match").put(SERVICE_TAG, kumaService(RouterObjects.apex(canary)));
        setSplit(spec, Routes.allPrimary());
    }

    /** Flagger reads the primary's weight (the split whose service starts with {@code {apex}-primary_}); the canary has the rest. */
    @Override
    Optional<Routes> read(ObjectNode o) {
        for (JsonNode split : o.path("spec").path("conf").path("split")) {
            String service = split.path("destination").path(SERVICE_TAG).asText("");
            if (service.split("_", -1)[0].equals(RouterObjects.primary(canary))) {
                int primary = split.path("weight").asInt(0);
                return Optional.of(new Routes(primary, 100 - primary, false));
            }
        }
        return Optional.empty();
    }

    @Override
    void write(ObjectNode o, Routes r) {
        setSplit(o.withObjectProperty("spec"), r);
    }

    /** Flagger's SetRoutes replaces {@code spec.conf} with the primary then the canary, both weights written (0 too). */
    private void setSplit(ObjectNode spec, Routes r) {
        ArrayNode split = spec.putObject("conf").putArray("split");
        split.addObject().put("weight", r.primary()).putObject("destination")
                .put(SERVICE_TAG, kumaService(RouterObjects.primary(canary)));
        split.addObject().put("weight", r.canary()).putObject("destination")
                .put(SERVICE_TAG, kumaService(RouterObjects.canary(canary)));
    }
}
