package dev.flagstep.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads typed fields from one JSON object, recording a {@link SpecError} (with the field's path)
 * for every value of the wrong type instead of throwing, and answering "absent" so reading goes on
 * and the user sees every problem at once. A JSON {@code null} reads as absent, as it does in Go.
 */
final class FieldReader {

    private final ObjectNode node;
    private final String path;
    private final List<SpecError> errors;

    private FieldReader(ObjectNode node, String path, List<SpecError> errors) {
        this.node = node;
        this.path = path;
        this.errors = errors;
    }

    /** A reader for {@code value}, or empty (with an error) when it is not an object. */
    static Optional<FieldReader> of(JsonNode value, String path, List<SpecError> errors) {
        if (value instanceof ObjectNode object) {
            return Optional.of(new FieldReader(object, path, errors));
        }
        errors.add(new SpecError(path, "must be an object, got " + describe(value)));
        return Optional.empty();
    }

    String path() {
        return path;
    }

    ObjectNode node() {
        return node;
    }

    void error(String key, String message) {
        errors.add(new SpecError(pathOf(key), message));
    }

    /**
     * The path of a field. Flagger's docs name the big blocks by themselves ({@code analysis.interval},
     * {@code service.port}) and the plain fields of the Canary's spec with their prefix
     * ({@code spec.provider}), so a bare word never reads like a sentence.
     */
    String pathOf(String key) {
        if (path.equals("spec") && isSpecBlock(key)) {
            return key;
        }
        return path.isEmpty() ? key : path + "." + key;
    }

    private static boolean isSpecBlock(String key) {
        return switch (key) {
            case "analysis", "service", "targetRef", "ingressRef", "autoscalerRef", "routeRef", "upstreamRef" -> true;
            default -> false;
        };
    }

    boolean has(String key) {
        JsonNode value = node.get(key);
        return value != null && !value.isNull();
    }

    Optional<JsonNode> get(String key) {
        return has(key) ? Optional.of(node.get(key)) : Optional.empty();
    }

    /** Every field of this object that is not in {@code known} is an error, with a suggestion. */
    void rejectUnknown(Set<String> known, String block) {
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                error(name, KnownFields.unknownFieldMessage(name, known, block));
            }
        });
    }

    /** The fields named in {@code names} that are present, copied verbatim. */
    ObjectNode extra(Set<String> names) {
        ObjectNode extra = JsonNodeFactory.instance.objectNode();
        node.properties().forEach(e -> {
            if (names.contains(e.getKey())) {
                extra.set(e.getKey(), e.getValue().deepCopy());
            }
        });
        return extra;
    }

    Optional<FieldReader> object(String key) {
        return get(key).flatMap(v -> of(v, pathOf(key), errors));
    }

    Optional<String> string(String key) {
        return get(key).flatMap(v -> {
            if (v.isTextual()) {
                return Optional.of(v.textValue());
            }
            error(key, "must be a string, got " + describe(v));
            return Optional.empty();
        });
    }

    /** A required string: absent or empty is an error, and reads as "" so the caller can go on. */
    String requiredString(String key) {
        if (!has(key)) {
            error(key, "required");
            return "";
        }
        String value = string(key).orElse("");
        if (value.isEmpty() && node.get(key).isTextual()) {
            error(key, "required");
        }
        return value;
    }

    boolean bool(String key) {
        return get(key).map(v -> {
            if (v.isBoolean()) {
                return v.booleanValue();
            }
            error(key, "must be true or false, got " + describe(v));
            return false;
        }).orElse(false);
    }

    Optional<Integer> integer(String key) {
        return get(key).flatMap(v -> asInteger(v, pathOf(key)));
    }

    int integer(String key, int absent) {
        return integer(key).orElse(absent);
    }

    Optional<Integer> asInteger(JsonNode v, String at) {
        if (!v.isNumber() || (v.isFloatingPointNumber() && !isWhole(v))) {
            errors.add(new SpecError(at, "must be a whole number, got " + describe(v)));
            return Optional.empty();
        }
        if (!v.canConvertToInt()) {
            errors.add(new SpecError(at, "must be a whole number between " + Integer.MIN_VALUE + " and "
                    + Integer.MAX_VALUE + ", got " + describe(v)));
            return Optional.empty();
        }
        return Optional.of(v.intValue());
    }

    private static boolean isWhole(JsonNode v) {
        double d = v.doubleValue();
        return Double.isFinite(d) && d == Math.rint(d);
    }

    Optional<Double> number(String key) {
        return get(key).flatMap(v -> {
            if (v.isNumber() && Double.isFinite(v.doubleValue())) {
                return Optional.of(v.doubleValue());
            }
            error(key, "must be a finite number, got " + describe(v));
            return Optional.empty();
        });
    }

    /**
     * A Go duration ({@code 1m30s}). A string that Go cannot parse is an error naming the field:
     * Flagger would silently fall back to a default, or fail at run time.
     */
    Optional<Duration> duration(String key) {
        if (has(key) && !node.get(key).isTextual()) {
            error(key, "must be a Go duration string such as \"1m\" or \"30s\", got " + describe(node.get(key)));
            return Optional.empty();
        }
        return string(key).flatMap(text -> {
            Optional<Duration> parsed = GoDuration.parse(text);
            if (parsed.isEmpty()) {
                error(key, notADuration(text));
            }
            return parsed;
        });
    }

    static String notADuration(String text) {
        return "not a Go duration such as \"1m\" or \"30s\", got " + quote(text);
    }

    List<JsonNode> list(String key) {
        return get(key).map(v -> {
            if (v.isArray()) {
                List<JsonNode> items = new ArrayList<>();
                v.forEach(items::add);
                return items;
            }
            error(key, "must be a list, got " + describe(v));
            return List.<JsonNode>of();
        }).orElse(List.of());
    }

    /** A list of objects, each read by its own reader ({@code metrics[0]}, {@code metrics[1]}, ...). */
    List<Optional<FieldReader>> objects(String key) {
        List<JsonNode> items = list(key);
        List<Optional<FieldReader>> readers = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            readers.add(of(items.get(i), pathOf(key) + "[" + i + "]", errors));
        }
        return readers;
    }

    /** A list of objects kept verbatim (match conditions, gatewayRefs) for the routers. */
    List<JsonNode> rawObjects(String key) {
        List<JsonNode> kept = new ArrayList<>();
        List<JsonNode> items = list(key);
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).isObject()) {
                kept.add(items.get(i).deepCopy());
            } else {
                errors.add(new SpecError(pathOf(key) + "[" + i + "]", "must be an object, got " + describe(items.get(i))));
            }
        }
        return kept;
    }

    List<String> strings(String key) {
        List<String> kept = new ArrayList<>();
        List<JsonNode> items = list(key);
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).isTextual()) {
                kept.add(items.get(i).textValue());
            } else {
                errors.add(new SpecError(pathOf(key) + "[" + i + "]", "must be a string, got " + describe(items.get(i))));
            }
        }
        return kept;
    }

    List<Integer> integers(String key) {
        List<Integer> kept = new ArrayList<>();
        List<JsonNode> items = list(key);
        for (int i = 0; i < items.size(); i++) {
            asInteger(items.get(i), pathOf(key) + "[" + i + "]").ifPresent(kept::add);
        }
        return kept;
    }

    /** A string-to-string map; {@code why} explains, in the error, who rejects other value types. */
    Map<String, String> stringMap(String key, String why) {
        Map<String, String> map = new LinkedHashMap<>();
        object(key).ifPresent(reader -> reader.node.properties().forEach(e -> {
            if (e.getValue().isTextual()) {
                map.put(e.getKey(), e.getValue().textValue());
            } else {
                reader.error(e.getKey(), "must be a string" + why + ", got " + describe(e.getValue()));
            }
        }));
        return map;
    }

    /** How a wrong value reads in an error: strings quoted, scalars as written, containers by kind. */
    static String describe(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "nothing";
        }
        if (value.isTextual()) {
            return quote(value.textValue());
        }
        if (value.isArray()) {
            return "a list";
        }
        if (value.isObject()) {
            return "an object";
        }
        String text = value.asText();
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    /** Set to something: null, false, "", [] and {} say nothing (a field written that way is as good as absent). */
    static boolean present(JsonNode v) {
        return !(v.isMissingNode() || v.isNull() || v.isBoolean() && !v.asBoolean()
                || v.isTextual() && v.asText().isEmpty() || v.isContainerNode() && v.isEmpty());
    }

    static String quote(String text) {
        String shown = text.length() > 60 ? text.substring(0, 60) + "..." : text;
        return "\"" + shown + "\"";
    }
}
