package dev.flagstep.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Flagger's {@code CustomMetadata}: the labels and annotations of {@code service.apex}, {@code service.primary} and
 * {@code service.canary}, which go on the generated Services (and, for the apex, on some routers' objects).
 */
public record CustomMetadata(Map<String, String> labels, Map<String, String> annotations) {

    public static final CustomMetadata NONE = new CustomMetadata(Map.of(), Map.of());
    static final List<String> FIELDS = List.of("labels", "annotations");

    public CustomMetadata {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }

    /** {@code service.{block}} ({@code apex}, {@code primary} or {@code canary}); what the validator refuses is left out. */
    public static CustomMetadata of(ServiceSpec service, String block) {
        JsonNode node = service.extra().path(block);
        return new CustomMetadata(strings(node.path("labels")), strings(node.path("annotations")));
    }

    private static Map<String, String> strings(JsonNode map) {
        Map<String, String> out = new TreeMap<>();
        map.properties().forEach(e -> {
            if (e.getValue().isTextual()) out.put(e.getKey(), e.getValue().textValue());
        });
        return out;
    }

    /** The CRD's shape: an object of {@code labels} and {@code annotations}, each a map of strings. */
    static void check(JsonNode node, String path, List<SpecError> errors) {
        if (node.isMissingNode() || node.isNull()) return;
        if (!node.isObject()) {
            errors.add(new SpecError(path, "must be an object with labels and annotations"));
            return;
        }
        node.properties().forEach(field -> {
            String at = path + "." + field.getKey();
            if (!FIELDS.contains(field.getKey())) {
                errors.add(new SpecError(at, "unknown field; expected labels or annotations"));
            } else if (!field.getValue().isObject() && !field.getValue().isNull()) {
                errors.add(new SpecError(at, "must be a map of strings"));
            } else {
                field.getValue().properties().stream().filter(e -> !e.getValue().isTextual()).forEach(e ->
                        errors.add(new SpecError(at + "." + e.getKey(), "must be a string, got " + FieldReader.describe(e.getValue()))));
            }
        });
    }
}
