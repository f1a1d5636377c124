package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.Analysis;
import dev.flagstep.spec.CanarySpec;

import java.util.List;

/** Names and metadata every router derives from the canary, as Flagger names them. */
final class Canaries {

    static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Flux must not revert what we write to generated objects (Flagger sets both). */
    static final String FLUX_KUSTOMIZE = "kustomize.toolkit.fluxcd.io/reconcile";
    static final String FLUX_HELM = "helm.toolkit.fluxcd.io/driftDetection";

    private Canaries() {
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

    /** {@code apiVersion}, {@code kind} and metadata of an object flagstep generates and owns. */
    static ObjectNode generated(ResourceKind kind, String name, String namespace) {
        ObjectNode o = F.objectNode();
        o.put("apiVersion", kind.apiVersion()).put("kind", kind.kind());
        ObjectNode md = o.putObject("metadata");
        md.put("name", name).put("namespace", namespace);
        markGenerated(o);
        return o;
    }

    static void markGenerated(ObjectNode o) {
        ObjectNode md = o.withObjectProperty("metadata");
        ObjectNode ann = md.has("annotations") && md.get("annotations").isObject()
                ? (ObjectNode) md.get("annotations") : md.putObject("annotations");
        ann.put(FLUX_KUSTOMIZE, "disabled").put(FLUX_HELM, "disabled");
    }

    static ObjectNode annotations(ObjectNode o) {
        ObjectNode md = o.withObjectProperty("metadata");
        return md.has("annotations") && md.get("annotations").isObject()
                ? (ObjectNode) md.get("annotations") : md.putObject("annotations");
    }
}
