package dev.flagstep.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.SpecError;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders a Canary object as flagstep's canary document (pure): the Canary ({@code apiVersion}, {@code kind},
 * {@code metadata.name}/{@code namespace}, the annotations routers read ({@code CanarySpec.ANNOTATIONS}) and
 * {@code spec} only: labels, other annotations, resourceVersion and status change without changing the canary), then the MetricTemplates its {@code analysis.metrics[].templateRef} name,
 * then the AlertProviders its {@code analysis.alerts[].providerRef} name (a reference without a namespace means
 * the canary's), each once, ordered by namespace and name. Keys are sorted and every string quoted, so the text
 * is the same for the same objects whatever order the API server lists them in, and changes exactly when one of
 * them changed. A template that is missing is reported with its field; a missing AlertProvider is left out (the
 * phases report it in a Warning event when an alert would go to it; Flagger too only logs it when it alerts).
 */
public final class CanaryRenderer {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .build());

    private CanaryRenderer() {}

    public static CanaryRendering render(JsonNode canary, Map<CanaryId, ObjectNode> templates,
                                         Map<CanaryId, ObjectNode> providers) {
        CanaryId id = ClusterInventory.idOf(canary);
        JsonNode analysis = canary.path("spec").path("analysis");
        List<SpecError> missing = new ArrayList<>();
        TreeMap<String, JsonNode> usedTemplates = new TreeMap<>();
        JsonNode metrics = analysis.path("metrics");
        for (int i = 0; i < metrics.size(); i++) {
            JsonNode ref = metrics.get(i).path("templateRef");
            if (!ref.isObject() || ref.path("name").asText("").isEmpty()) continue; // the parser names that
            CanaryId wanted = refTo(ref, id);
            ObjectNode template = wanted.valid() ? templates.get(wanted) : null;
            if (template == null) {
                missing.add(new SpecError("analysis.metrics[" + i + "].templateRef", "no MetricTemplate \""
                        + wanted.name() + "\" in namespace \"" + wanted.namespace()
                        + "\" in the cluster (or its namespace is not watched)"));
            } else {
                usedTemplates.put(wanted.toString(), template);
            }
        }
        TreeMap<String, JsonNode> usedProviders = new TreeMap<>();
        for (JsonNode alert : analysis.path("alerts")) {
            JsonNode ref = alert.path("providerRef");
            if (!ref.isObject() || ref.path("name").asText("").isEmpty()) continue;
            CanaryId wanted = refTo(ref, id);
            ObjectNode provider = wanted.valid() ? providers.get(wanted) : null;
            if (provider != null) usedProviders.put(wanted.toString(), provider);
        }
        List<String> documents = new ArrayList<>();
        documents.add(yaml(manifest(canary)));
        usedTemplates.values().forEach(t -> documents.add(yaml(manifest(t))));
        usedProviders.values().forEach(p -> documents.add(yaml(manifest(p))));
        return new CanaryRendering(String.join("---\n", documents), missing);
    }

    private static CanaryId refTo(JsonNode ref, CanaryId canary) {
        String ns = ref.path("namespace").asText("");
        return new CanaryId(ns.isEmpty() ? canary.namespace() : ns, ref.path("name").asText(""));
    }

    /** The object as a manifest: identity and spec, nothing the server or other tools add. */
    static ObjectNode manifest(JsonNode object) {
        ObjectNode m = NODES.objectNode();
        m.set("apiVersion", object.path("apiVersion").deepCopy());
        m.set("kind", object.path("kind").deepCopy());
        ObjectNode md = m.putObject("metadata");
        md.put("name", object.path("metadata").path("name").asText(""));
        md.put("namespace", object.path("metadata").path("namespace").asText(""));
        // only the annotations a router reads (Kuma's mesh): others change nothing
        JsonNode annotations = object.path("metadata").path("annotations");
        for (String name : new TreeSet<>(CanarySpec.ANNOTATIONS)) {
            if (annotations.path(name).isTextual()) md.withObjectProperty("annotations").put(name, annotations.path(name).textValue());
        }
        if (object.has("spec")) m.set("spec", sorted(object.get("spec")));
        return m;
    }

    /** A copy with every object's keys in order, so the text does not depend on the server's key order. */
    static JsonNode sorted(JsonNode node) {
        if (node instanceof ObjectNode o) {
            ObjectNode out = NODES.objectNode();
            TreeSet<String> keys = new TreeSet<>();
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) keys.add(it.next());
            keys.forEach(k -> out.set(k, sorted(o.get(k))));
            return out;
        }
        if (node instanceof ArrayNode a) {
            ArrayNode out = NODES.arrayNode();
            a.forEach(e -> out.add(sorted(e)));
            return out;
        }
        return node;
    }

    private static String yaml(ObjectNode document) {
        try {
            return YAML.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree as YAML", e);
        }
    }
}
