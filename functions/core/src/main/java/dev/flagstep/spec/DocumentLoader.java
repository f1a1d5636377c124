package dev.flagstep.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Turns submitted text (YAML, possibly several {@code ---} documents, or JSON) into Jackson trees,
 * with hard limits so hostile input is an error and never an OOM or a stack overflow.
 *
 * <p>YAML goes through SnakeYAML's composer (not Jackson's YAML parser, which turns aliases into the
 * anchor's name as a string) so anchors, aliases and {@code <<} merge keys mean what they mean to
 * kubectl. Aliases are expanded here, under a budget of values, which is what bounds a
 * "billion laughs" document. JSON that fails to parse is reported with Jackson's JSON message,
 * which is clearer than a YAML parser's view of broken JSON.
 */
final class DocumentLoader {

    static final int MAX_CODE_POINTS = 256 * 1024;
    static final int MAX_DEPTH = 64;
    static final int MAX_ALIASES = 20;
    static final int MAX_VALUES = 100_000;

    /** The documents in order (empty documents dropped), or the one reason the text is unreadable. */
    sealed interface Loaded {
        record Documents(List<JsonNode> documents) implements Loaded {}

        record Unreadable(SpecError error) implements Loaded {}
    }

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private DocumentLoader() {}

    static Loaded load(String text) {
        if (text.length() > 4 * MAX_CODE_POINTS || text.codePointCount(0, text.length()) > MAX_CODE_POINTS) {
            return unreadable("the document is larger than " + MAX_CODE_POINTS / 1024 + " KB");
        }
        String trimmed = text.strip();
        if (LOOKS_LIKE_JSON.matcher(trimmed).lookingAt()) {
            // Broken JSON is often valid YAML ({"a": 1,} is); read it as the JSON the user meant.
            try {
                return new Loaded.Documents(List.of(JSON.readTree(trimmed)));
            } catch (JsonProcessingException e) {
                return unreadable(jsonMessage(e));
            } catch (RuntimeException e) {
                return unreadable("not valid JSON: " + e.getMessage());
            }
        }
        return loadYaml(text); // YAML flow style ({a: 1}) included
    }

    /** An object whose first key is quoted, or an array: JSON, as no Canary in YAML flow style starts so. */
    private static final Pattern LOOKS_LIKE_JSON = Pattern.compile("\\{\\s*(\"|\\})|\\[");

    private static Loaded loadYaml(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setAllowRecursiveKeys(false);
        try {
            List<JsonNode> documents = new ArrayList<>();
            Converter converter = new Converter();
            // What Yaml.composeAll does, without building the Yaml facade: its object constructor, representer
            // and dumper options (about 60 classes on a cold start) serve loading into and dumping Java objects.
            Composer composer = new Composer(new ParserImpl(new StreamReader(new StringReader(text)), options),
                    new Resolver(), options);
            while (composer.checkNode()) {
                JsonNode tree = converter.convert(composer.getNode(), 0);
                if (!tree.isNull()) {
                    documents.add(tree);
                }
            }
            return new Loaded.Documents(documents);
        } catch (MarkedYAMLException e) {
            String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
            return unreadable(at(e.getProblemMark()) + e.getProblem() + context);
        } catch (ReaderException e) {
            return unreadable(String.format(Locale.ROOT, "not valid YAML: character U+%04X at position %d is not allowed",
                    e.getCodePoint(), e.getPosition()));
        } catch (Unreadable e) {
            return unreadable(e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            // SnakeYAML reports its limits (aliases, code points) with plain YAMLExceptions.
            return unreadable("not valid YAML: " + e.getMessage());
        }
    }

    private static Loaded unreadable(String message) {
        return new Loaded.Unreadable(new SpecError("", message));
    }

    private static String at(Mark mark) {
        return mark == null ? "" : "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": ";
    }

    private static String jsonMessage(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        String where = location == null ? "" : "line " + location.getLineNr() + ", column " + location.getColumnNr() + ": ";
        // Jackson embeds "[Source: REDACTED ...; line: 1, column: 1]" in some messages; keep only the position.
        String message = String.valueOf(e.getOriginalMessage()).replaceAll("\\[Source: [^;\\]]*; ", "[");
        return "not valid JSON: " + where + message;
    }

    /** Thrown inside the conversion; always caught in {@link #loadYaml}. */
    private static final class Unreadable extends RuntimeException {
        Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    /** Node graph to Jackson tree, expanding aliases under a budget. */
    private static final class Converter {
        private final JsonNodeFactory factory = JsonNodeFactory.instance;
        private int values;

        JsonNode convert(Node node, int depth) {
            if (++values > MAX_VALUES) {
                throw new Unreadable("the document expands to more than " + MAX_VALUES
                        + " values (YAML aliases?); refusing to read it");
            }
            if (depth > MAX_DEPTH) { // only reachable through aliases, e.g. a list that contains itself
                throw new Unreadable(at(node.getStartMark()) + "nested deeper than " + MAX_DEPTH + " levels");
            }
            return switch (node) {
                case ScalarNode scalar -> scalar(scalar);
                case SequenceNode sequence -> {
                    ArrayNode array = factory.arrayNode();
                    for (Node item : sequence.getValue()) {
                        array.add(convert(item, depth + 1));
                    }
                    yield array;
                }
                case MappingNode mapping -> mapping(mapping, depth);
                default -> throw new Unreadable(at(node.getStartMark()) + "unsupported YAML node");
            };
        }

        private ObjectNode mapping(MappingNode mapping, int depth) {
            ObjectNode object = factory.objectNode();
            List<Node> merges = new ArrayList<>();
            for (NodeTuple tuple : mapping.getValue()) {
                Node keyNode = tuple.getKeyNode();
                if (keyNode.getTag().equals(Tag.MERGE)) {
                    merges.add(tuple.getValueNode());
                    continue;
                }
                if (!(keyNode instanceof ScalarNode key)) {
                    throw new Unreadable(at(keyNode.getStartMark()) + "a mapping key must be a plain value, not a list or mapping");
                }
                if (object.has(key.getValue())) {
                    throw new Unreadable(at(keyNode.getStartMark()) + "duplicate key \"" + key.getValue() + "\"");
                }
                object.set(key.getValue(), convert(tuple.getValueNode(), depth + 1));
            }
            // "<<: *defaults": explicit keys win, and among merged maps the first one wins (YAML merge spec).
            for (Node merge : merges) {
                List<Node> sources = merge instanceof SequenceNode list ? list.getValue() : List.of(merge);
                for (Node source : sources) {
                    if (!(convert(source, depth + 1) instanceof ObjectNode merged)) {
                        throw new Unreadable(at(source.getStartMark()) + "<< can only merge mappings");
                    }
                    merged.properties().forEach(e -> object.putIfAbsent(e.getKey(), e.getValue()));
                }
            }
            return object;
        }

        /** YAML 1.1 scalar resolution, as kubectl's YAML library does it (timestamps stay strings). */
        private JsonNode scalar(ScalarNode scalar) {
            String value = scalar.getValue();
            Tag tag = scalar.getTag();
            if (tag.equals(Tag.NULL)) {
                return factory.nullNode();
            }
            if (tag.equals(Tag.BOOL)) {
                String v = value.toLowerCase(Locale.ROOT);
                return factory.booleanNode(v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("y"));
            }
            if (tag.equals(Tag.INT)) {
                return integer(value).orElseGet(() -> factory.textNode(value));
            }
            if (tag.equals(Tag.FLOAT)) {
                return decimal(value).orElseGet(() -> factory.textNode(value));
            }
            return factory.textNode(value);
        }

        private Optional<JsonNode> integer(String text) {
            String v = text.replace("_", "");
            boolean negative = v.startsWith("-");
            if (v.startsWith("-") || v.startsWith("+")) {
                v = v.substring(1);
            }
            int radix = 10;
            if (v.startsWith("0x")) {
                radix = 16;
                v = v.substring(2);
            } else if (v.startsWith("0b")) {
                radix = 2;
                v = v.substring(2);
            } else if (v.startsWith("0o")) {
                radix = 8;
                v = v.substring(2);
            } else if (v.length() > 1 && v.startsWith("0")) {
                radix = 8; // YAML 1.1 octal, e.g. 0644
            }
            if (v.isEmpty() || v.length() > 1000) {
                return Optional.empty();
            }
            try {
                BigInteger number = new BigInteger(v, radix);
                number = negative ? number.negate() : number;
                // The node types Jackson's JSON parser makes, so YAML and JSON trees compare equal.
                if (number.bitLength() < Integer.SIZE) {
                    return Optional.of(factory.numberNode(number.intValue()));
                }
                return Optional.of(number.bitLength() < Long.SIZE
                        ? factory.numberNode(number.longValue()) : factory.numberNode(number));
            } catch (NumberFormatException e) {
                return Optional.empty(); // e.g. sexagesimal 1:30
            }
        }

        private Optional<JsonNode> decimal(String text) {
            String v = text.replace("_", "").toLowerCase(Locale.ROOT);
            if (v.endsWith(".inf") || v.endsWith(".nan")) {
                double d = v.endsWith(".nan") ? Double.NaN : v.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                return Optional.of(factory.numberNode(d));
            }
            if (v.length() > 1000) {
                return Optional.empty();
            }
            try {
                return Optional.of(factory.numberNode(new BigDecimal(v).doubleValue()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }
}
