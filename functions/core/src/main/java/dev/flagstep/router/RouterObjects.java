package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.Analysis;
import dev.flagstep.spec.CanarySpec;

import java.util.List;
import java.util.Optional;

/**
 * What every router derives from the canary for its router objects: the service names as Flagger names
 * them, the metadata of the objects it generates, and the primary/canary weights among their backends.
 */
final class RouterObjects {

    /** Flux must not revert what we write to generated objects (Flagger sets both). */
    static final String FLUX_KUSTOMIZE = "kustomize.toolkit.fluxcd.io/reconcile";
    static final String FLUX_HELM = "helm.toolkit.fluxcd.io/driftDetection";

    private RouterObjects() {
    }

    static String apex(CanarySpec c) {
        return c.apexName();
    }

    static String primary(CanarySpec c) {
        return c.apexName() + "-primary";
    }

    static String canary(CanarySpec c) {
        return c.apexName() + "-canary";
    }

    static String namespace(CanarySpec c) {
        return c.id().namespace();
    }

    static List<JsonNode> abMatch(CanarySpec c) {
        return c.analysis().map(Analysis::match).orElse(List.of());
    }

    static int mirrorWeight(CanarySpec c) {
        return c.analysis().map(Analysis::mirrorWeight).orElse(0);
    }

    /** Flagger's GetRoutes on routers that store only the primary's share: the canary has the rest. */
    static Optional<Routes> fromPrimary(int primary) {
        return primary < 0 || primary > 100 ? Optional.empty() : Optional.of(new Routes(primary, 100 - primary, false));
    }

    /** Flagger's SetRoutes check on routers without a mirror: both weights 0 would route nothing. */
    static Routes requireWeights(String provider, Routes r) {
        if (r.primary() == 0 && r.canary() == 0) throw new RouterException(provider + ": no valid weights (both 0)");
        return r.unmirrored();
    }

    /**
     * The user's labels and annotations on a copy flagstep generates from the user's object (Skipper's Ingress,
     * APISIX's route), without kubectl's last-applied configuration, which describes the user's object.
     */
    static void copyUserMetadata(JsonNode user, ObjectNode generated) {
        JsonNode labels = user.path("metadata").path("labels");
        if (labels.isObject() && !labels.isEmpty()) generated.withObjectProperty("metadata").set("labels", labels.deepCopy());
        ObjectNode ann = annotations(generated);
        user.path("metadata").path("annotations").properties().forEach(e -> {
            if (!e.getKey().equals(dev.flagstep.kubernetes.LastApplied.ANNOTATION)) ann.set(e.getKey(), e.getValue().deepCopy());
        });
    }

    /** {@code apiVersion}, {@code kind} and metadata of an object flagstep generates and owns (namespace "" for none). */
    static ObjectNode generated(ResourceKind kind, String name, String namespace) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("apiVersion", kind.apiVersion()).put("kind", kind.kind());
        ObjectNode md = o.putObject("metadata");
        md.put("name", name);
        if (!namespace.isEmpty()) md.put("namespace", namespace); // empty: a cluster-scoped kind
        markGenerated(o);
        return o;
    }

    static void markGenerated(ObjectNode o) {
        annotations(o).put(FLUX_KUSTOMIZE, "disabled").put(FLUX_HELM, "disabled");
    }

    /** {@code metadata.annotations}, created (replacing a non-object) when absent. */
    static ObjectNode annotations(ObjectNode o) {
        ObjectNode md = o.withObjectProperty("metadata");
        return md.has("annotations") && md.get("annotations").isObject()
                ? (ObjectNode) md.get("annotations") : md.putObject("annotations");
    }

    /**
     * The primary and canary weights among {@code entries} (TrafficSplit backends, ALB target groups), each
     * entry naming its service at {@code name} (a JSON Pointer); empty unless both are there. A missing weight reads 0.
     */
    static Optional<Routes> weights(JsonNode entries, String name, CanarySpec c) {
        Integer p = null;
        Integer w = null;
        for (JsonNode e : entries) {
            String s = e.at(name).asText();
            if (s.equals(primary(c))) p = e.path("weight").asInt(0);
            if (s.equals(canary(c))) w = e.path("weight").asInt(0);
        }
        return p == null || w == null ? Optional.empty() : Optional.of(new Routes(p, w, false));
    }

    /** Sets {@code weight} on every entry of {@code entries} whose {@code name} (a JSON Pointer) is the primary or the canary. */
    static void setWeights(JsonNode entries, String name, CanarySpec c, Routes r) {
        for (JsonNode e : entries) {
            String s = e.at(name).asText();
            if (s.equals(primary(c))) ((ObjectNode) e).put("weight", r.primary());
            if (s.equals(canary(c))) ((ObjectNode) e).put("weight", r.canary());
        }
    }
}
