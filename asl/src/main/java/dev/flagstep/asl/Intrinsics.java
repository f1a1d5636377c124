package dev.flagstep.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The intrinsic functions of JSONPath-mode ASL: parsing a call, and running it. The supported set is
 * the one in {@link #ARITY}; other {@code States.*} functions are refused when the definition loads.
 */
final class Intrinsics {

    /** Function name to {min, max} argument count; max -1 means variadic. */
    private static final Map<String, int[]> ARITY = Map.ofEntries(
            Map.entry("States.Format", new int[] {1, -1}),
            Map.entry("States.StringToJson", new int[] {1, 1}),
            Map.entry("States.JsonToString", new int[] {1, 1}),
            Map.entry("States.Array", new int[] {0, -1}),
            Map.entry("States.MathAdd", new int[] {2, 2}),
            Map.entry("States.UUID", new int[] {0, 0}),
            Map.entry("States.ArrayLength", new int[] {1, 1}),
            Map.entry("States.ArrayGetItem", new int[] {2, 2}),
            Map.entry("States.ArrayContains", new int[] {2, 2}),
            Map.entry("States.StringSplit", new int[] {2, 2}),
            Map.entry("States.JsonMerge", new int[] {3, 3}),
            Map.entry("States.Base64Encode", new int[] {1, 1}),
            Map.entry("States.Base64Decode", new int[] {1, 1}));

    private Intrinsics() {
    }

    /** @throws IllegalArgumentException for a malformed call or an unsupported function */
    static Expression.Call parse(String text) {
        Parser parser = new Parser(text);
        Expression.Call call = parser.call();
        parser.skipSpaces();
        if (parser.pos != text.length()) {
            throw parser.error("unexpected text after the call");
        }
        return call;
    }

    static JsonNode apply(String function, List<JsonNode> args, String field) {
        return switch (function) {
            case "States.Format" -> new TextNode(format(args, field));
            case "States.StringToJson" -> {
                try {
                    yield Json.parse(text(args.get(0), function, field));
                } catch (JsonProcessingException e) {
                    throw failure(function, field, "the argument is not JSON: " + e.getOriginalMessage());
                }
            }
            case "States.JsonToString" -> new TextNode(Json.write(args.get(0)));
            case "States.Array" -> Json.NODES.arrayNode().addAll(args);
            case "States.MathAdd" -> {
                long sum = integer(args.get(0), function, field) + (long) integer(args.get(1), function, field);
                // an int when it fits, like every other integer the interpreter reads from JSON
                yield sum == (int) sum ? Json.NODES.numberNode((int) sum) : Json.NODES.numberNode(sum);
            }
            case "States.UUID" -> new TextNode(UUID.randomUUID().toString());
            case "States.ArrayLength" -> Json.NODES.numberNode(array(args.get(0), function, field).size());
            case "States.ArrayGetItem" -> {
                ArrayNode array = array(args.get(0), function, field);
                int index = integer(args.get(1), function, field);
                if (index < 0 || index >= array.size()) {
                    throw failure(function, field, "index " + index + " is outside the array");
                }
                yield array.get(index);
            }
            case "States.ArrayContains" -> Json.NODES.booleanNode(
                    contains(array(args.get(0), function, field), args.get(1)));
            case "States.StringSplit" -> split(text(args.get(0), function, field), text(args.get(1), function, field));
            case "States.JsonMerge" -> merge(args, function, field);
            case "States.Base64Encode" -> new TextNode(Base64.getEncoder()
                    .encodeToString(text(args.get(0), function, field).getBytes(StandardCharsets.UTF_8)));
            case "States.Base64Decode" -> {
                try {
                    yield new TextNode(new String(Base64.getDecoder().decode(text(args.get(0), function, field)),
                            StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw failure(function, field, "the argument is not Base64");
                }
            }
            default -> throw new IllegalStateException("parse() admits only known functions: " + function);
        };
    }

    /**
     * {@code {}} takes the next argument; a backslash escapes the next character (so {@code \{} and
     * {@code \'} are literal). The template keeps its escapes until here: see {@link Parser#literal}.
     */
    private static String format(List<JsonNode> args, String field) {
        String template = text(args.get(0), "States.Format", field);
        StringBuilder out = new StringBuilder();
        int next = 1;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '\\' && i + 1 < template.length()) {
                out.append(template.charAt(++i));
            } else if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
                if (next >= args.size()) {
                    throw failure("States.Format", field, "more {} placeholders than arguments");
                }
                JsonNode arg = args.get(next++);
                if (arg.isContainerNode()) {
                    throw failure("States.Format", field, "arguments must be strings, numbers, booleans or null");
                }
                out.append(arg.isTextual() ? arg.textValue() : Json.write(arg));
                i++;
            } else {
                out.append(c);
            }
        }
        if (next != args.size()) {
            throw failure("States.Format", field, "more arguments than {} placeholders");
        }
        return out.toString();
    }

    private static boolean contains(ArrayNode array, JsonNode value) {
        for (JsonNode element : array) {
            if (element.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static ArrayNode split(String text, String delimiters) {
        ArrayNode out = Json.NODES.arrayNode();
        StringBuilder part = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (delimiters.indexOf(c) >= 0) {
                if (!part.isEmpty()) {
                    out.add(part.toString());
                }
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        if (!part.isEmpty()) {
            out.add(part.toString());
        }
        return out;
    }

    private static ObjectNode merge(List<JsonNode> args, String function, String field) {
        if (!args.get(0).isObject() || !args.get(1).isObject()) {
            throw failure(function, field, "both arguments must be objects");
        }
        if (!args.get(2).isBoolean() || args.get(2).booleanValue()) {
            throw failure(function, field, "only a shallow merge (false) is supported, as in AWS");
        }
        ObjectNode merged = args.get(0).deepCopy();
        merged.setAll((ObjectNode) args.get(1).deepCopy());
        return merged;
    }

    private static String text(JsonNode node, String function, String field) {
        if (!node.isTextual()) {
            throw failure(function, field, "expected a string, got " + Json.abbreviate(node));
        }
        return node.textValue();
    }

    private static ArrayNode array(JsonNode node, String function, String field) {
        if (!(node instanceof ArrayNode array)) {
            throw failure(function, field, "expected an array, got " + Json.abbreviate(node));
        }
        return array;
    }

    private static int integer(JsonNode node, String function, String field) {
        if (!Json.isIntegral(node) || node.decimalValue().abs().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            throw failure(function, field, "expected an integer, got " + Json.abbreviate(node));
        }
        return node.intValue();
    }

    private static StatesError failure(String function, String field, String why) {
        return StatesError.runtime("The intrinsic function " + function + " in the field '" + field
                + "' failed: " + why);
    }

    /** Recursive descent over {@code name(arg, ...)}; an argument is a literal, a path or a call. */
    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        Expression.Call call() {
            skipSpaces();
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
                pos++;
            }
            String name = text.substring(start, pos);
            int[] arity = ARITY.get(name);
            if (arity == null) {
                throw error("unsupported intrinsic function '" + name + "' (supported: "
                        + ARITY.keySet().stream().sorted().toList() + ")");
            }
            expect('(');
            List<Expression> args = new ArrayList<>();
            skipSpaces();
            if (peek() != ')') {
                do {
                    // the Format template keeps its escapes: format() must tell \{ from {
                    args.add(argument(name.equals("States.Format") && args.isEmpty()));
                    skipSpaces();
                } while (consume(','));
            }
            expect(')');
            if (args.size() < arity[0] || (arity[1] >= 0 && args.size() > arity[1])) {
                throw error(name + " takes " + (arity[0] == arity[1] ? String.valueOf(arity[0])
                        : arity[1] < 0 ? "at least " + arity[0] : arity[0] + " to " + arity[1])
                        + " arguments, not " + args.size());
            }
            if (name.equals("States.Format") && args.get(0) instanceof Expression.Literal template
                    && template.value().isTextual()) {
                checkPlaceholders(template.value().textValue(), args.size() - 1);
            }
            return new Expression.Call(name, args);
        }

        private Expression argument(boolean keepEscapes) {
            skipSpaces();
            char c = peek();
            if (c == '\'') {
                return new Expression.Literal(new TextNode(literal(keepEscapes)));
            }
            if (c == '$') {
                int start = pos;
                int depth = 0;
                char quote = 0;
                while (pos < text.length()) {
                    char d = text.charAt(pos);
                    if (quote != 0) {
                        quote = d == quote ? 0 : quote;
                    } else if (d == '\'' || d == '"') {
                        quote = d;
                    } else if (d == '[') {
                        depth++;
                    } else if (d == ']') {
                        depth--;
                    } else if (depth == 0 && (d == ',' || d == ')')) {
                        break;
                    }
                    pos++;
                }
                return new Expression.Path(JsonPath.parse(text.substring(start, pos).trim()));
            }
            if (text.startsWith("States.", pos)) {
                return call();
            }
            int start = pos;
            while (pos < text.length() && text.charAt(pos) != ',' && text.charAt(pos) != ')') {
                pos++;
            }
            String token = text.substring(start, pos).trim();
            try {
                JsonNode value = Json.parse(token);
                if (value == null || value.isContainerNode() || value.isTextual()) {
                    throw error("'" + token + "' is not an argument");
                }
                return new Expression.Literal(value);
            } catch (JsonProcessingException e) {
                throw error("'" + token + "' is not an argument");
            }
        }

        /** A single-quoted string; {@code \'}, {@code \\}, {@code \{}, {@code \}} are escapes. */
        private String literal(boolean keepEscapes) {
            expect('\'');
            StringBuilder out = new StringBuilder();
            while (pos < text.length() && text.charAt(pos) != '\'') {
                char c = text.charAt(pos++);
                if (c == '\\' && pos < text.length()) {
                    if (keepEscapes) {
                        out.append(c);
                    }
                    c = text.charAt(pos++);
                }
                out.append(c);
            }
            expect('\'');
            return out.toString();
        }

        private void checkPlaceholders(String template, int arguments) {
            int placeholders = 0;
            for (int i = 0; i < template.length(); i++) {
                if (template.charAt(i) == '\\') {
                    i++;
                } else if (template.startsWith("{}", i)) {
                    placeholders++;
                }
            }
            if (placeholders != arguments) {
                throw error("States.Format has " + placeholders + " {} placeholders but " + arguments + " arguments");
            }
        }

        void skipSpaces() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : 0;
        }

        private boolean consume(char c) {
            skipSpaces();
            if (peek() == c) {
                pos++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!consume(c)) {
                throw error("expected '" + c + "' at position " + pos);
            }
        }

        IllegalArgumentException error(String why) {
            return new IllegalArgumentException("'" + text + "': " + why);
        }
    }
}
