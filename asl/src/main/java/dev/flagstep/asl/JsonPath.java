package dev.flagstep.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An ASL Reference Path: {@code $}, {@code $.a.b}, {@code $.a[0]}, {@code $['a']}, and the same
 * under {@code $$} for the context object. Only paths that name a single node are supported
 * (no wildcards, filters, slices or deep scan), which is all the canary definition needs and all
 * ResultPath may use anyway.
 */
public final class JsonPath {

    sealed interface Segment permits Field, Index {
    }

    record Field(String name) implements Segment {
    }

    record Index(int index) implements Segment {
    }

    private final String text;
    private final boolean context;
    private final List<Segment> segments;

    private JsonPath(String text, boolean context, List<Segment> segments) {
        this.text = text;
        this.context = context;
        this.segments = List.copyOf(segments);
    }

    /** @throws IllegalArgumentException naming what is wrong or unsupported */
    public static JsonPath parse(String text) {
        if (!text.startsWith("$")) {
            throw new IllegalArgumentException("'" + text + "' is not a path: it must start with '$'");
        }
        boolean context = text.startsWith("$$");
        int i = context ? 2 : 1;
        List<Segment> segments = new ArrayList<>();
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '.') {
                int end = i + 1;
                while (end < text.length() && text.charAt(end) != '.' && text.charAt(end) != '[') {
                    end++;
                }
                String name = text.substring(i + 1, end);
                if (name.isEmpty() || name.equals("*")) {
                    throw unsupported(text, name.isEmpty() ? "deep scan '..' or a trailing '.'" : "wildcard '*'");
                }
                segments.add(new Field(name));
                i = end;
            } else if (c == '[') {
                i = bracket(text, i, segments);
            } else {
                throw new IllegalArgumentException("'" + text + "' is not a path: unexpected '" + c + "' at " + i);
            }
        }
        return new JsonPath(text, context, segments);
    }

    /** {@code ['name']}, {@code ["name"]} or {@code [3]}; returns the index after the closing bracket. */
    private static int bracket(String text, int open, List<Segment> segments) {
        int i = open + 1;
        if (i < text.length() && (text.charAt(i) == '\'' || text.charAt(i) == '"')) {
            char quote = text.charAt(i);
            StringBuilder name = new StringBuilder();
            i++;
            while (i < text.length() && text.charAt(i) != quote) {
                if (text.charAt(i) == '\\' && i + 1 < text.length()) {
                    i++;
                }
                name.append(text.charAt(i++));
            }
            if (i + 1 >= text.length() || text.charAt(i + 1) != ']') {
                throw new IllegalArgumentException("'" + text + "' is not a path: unclosed [" + quote);
            }
            segments.add(new Field(name.toString()));
            return i + 2;
        }
        int close = text.indexOf(']', i);
        if (close < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a path: unclosed '['");
        }
        String inside = text.substring(i, close).trim();
        if (!inside.matches("[0-9]+")) {
            throw unsupported(text, "'[" + inside + "]' (only [index] and ['name'] are supported)");
        }
        segments.add(new Index(Integer.parseInt(inside)));
        return close + 1;
    }

    private static IllegalArgumentException unsupported(String text, String what) {
        return new IllegalArgumentException("path '" + text + "' uses " + what + ", which is not supported");
    }

    /** True for {@code $$...} paths, which read the context object instead of the data. */
    public boolean isContext() {
        return context;
    }

    public boolean isRoot() {
        return segments.isEmpty();
    }

    /** The node the path names in {@code data} (or in {@code contextObject} for {@code $$}); empty if none. */
    public Optional<JsonNode> read(JsonNode data, JsonNode contextObject) {
        JsonNode node = context ? contextObject : data;
        for (Segment segment : segments) {
            node = switch (segment) {
                case Field f -> node.isObject() ? node.get(f.name()) : null;
                case Index ix -> node.isArray() ? node.get(ix.index()) : null;
            };
            if (node == null) {
                return Optional.empty();
            }
        }
        return Optional.of(node);
    }

    /** Like {@link #read} but a missing node is the States.Runtime error AWS raises. */
    JsonNode require(JsonNode data, JsonNode contextObject, String field) {
        return read(data, contextObject).orElseThrow(() -> StatesError.runtime(
                "The JSONPath '" + text + "' specified for the field '" + field + "' could not be found in the input '"
                        + Json.abbreviate(context ? contextObject : data) + "'"));
    }

    /**
     * ResultPath: a copy of {@code target} with {@code value} placed at this path. Missing objects on
     * the way are created, as AWS does; anything else in the way is a States.Runtime error.
     */
    JsonNode write(JsonNode target, JsonNode value) {
        if (segments.isEmpty()) {
            return value;
        }
        JsonNode root = target.deepCopy();
        JsonNode node = root;
        for (int i = 0; i < segments.size(); i++) {
            boolean last = i == segments.size() - 1;
            Segment segment = segments.get(i);
            switch (segment) {
                case Field f -> {
                    if (!(node instanceof ObjectNode object)) {
                        throw cannotWrite(target, "'" + f.name() + "' is not inside an object");
                    }
                    if (last) {
                        object.set(f.name(), value);
                    } else {
                        JsonNode child = object.get(f.name());
                        if (child == null) {
                            child = object.putObject(f.name());
                        }
                        node = child;
                    }
                }
                case Index ix -> {
                    if (!(node instanceof ArrayNode array) || ix.index() >= array.size()) {
                        throw cannotWrite(target, "there is no array element [" + ix.index() + "]");
                    }
                    if (last) {
                        array.set(ix.index(), value);
                    } else {
                        node = array.get(ix.index());
                    }
                }
            }
        }
        return root;
    }

    private StatesError cannotWrite(JsonNode target, String why) {
        return StatesError.runtime("Unable to apply ReferencePath " + text + " to input '"
                + Json.abbreviate(target) + "': " + why);
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonPath other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
