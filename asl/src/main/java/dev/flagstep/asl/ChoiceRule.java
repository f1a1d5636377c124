package dev.flagstep.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One Boolean expression of a Choice state: a comparison of the {@code Variable} with a literal or
 * with another path, a type test, or And/Or/Not of rules. A Variable that matches nothing is a
 * States.Runtime error (as in AWS), except for {@code IsPresent}, whose purpose is to ask; a value of
 * the wrong type for the operator simply does not match.
 */
sealed interface ChoiceRule {

    boolean matches(JsonNode input, JsonNode context);

    /** A top-level rule with the state it leads to. */
    record Branch(ChoiceRule rule, String next) {
    }

    record And(List<ChoiceRule> rules) implements ChoiceRule {
        @Override
        public boolean matches(JsonNode input, JsonNode context) {
            return rules.stream().allMatch(r -> r.matches(input, context));
        }
    }

    record Or(List<ChoiceRule> rules) implements ChoiceRule {
        @Override
        public boolean matches(JsonNode input, JsonNode context) {
            return rules.stream().anyMatch(r -> r.matches(input, context));
        }
    }

    record Not(ChoiceRule rule) implements ChoiceRule {
        @Override
        public boolean matches(JsonNode input, JsonNode context) {
            return !rule.matches(input, context);
        }
    }

    /** The operand type; the label is the operator's prefix ({@code Numeric}LessThan). */
    enum Family {
        STRING("String"), NUMERIC("Numeric"), BOOLEAN("Boolean"), TIMESTAMP("Timestamp");

        final String label;

        Family(String label) {
            this.label = label;
        }
    }

    enum Relation { Equals, LessThan, GreaterThan, LessThanEquals, GreaterThanEquals }

    /** {@code StringEquals}, {@code NumericLessThanPath}, ...: operand is a literal or a path. */
    record Compare(JsonPath variable, Family family, Relation relation, Expression operand) implements ChoiceRule {
        @Override
        public boolean matches(JsonNode input, JsonNode context) {
            JsonNode value = valueOf(variable, input, context);
            JsonNode other = operand.evaluate(input, context, "Choices");
            Optional<Integer> order = compare(family, value, other);
            return order.map(c -> switch (relation) {
                case Equals -> c == 0;
                case LessThan -> c < 0;
                case GreaterThan -> c > 0;
                case LessThanEquals -> c <= 0;
                case GreaterThanEquals -> c >= 0;
            }).orElse(false);
        }

        /** Empty when either side is not of the family's type: such a rule does not match. */
        private static Optional<Integer> compare(Family family, JsonNode a, JsonNode b) {
            return switch (family) {
                case STRING -> a.isTextual() && b.isTextual()
                        ? Optional.of(a.textValue().compareTo(b.textValue())) : Optional.empty();
                case NUMERIC -> a.isNumber() && b.isNumber()
                        ? Optional.of(a.decimalValue().compareTo(b.decimalValue())) : Optional.empty();
                case BOOLEAN -> a.isBoolean() && b.isBoolean()
                        ? Optional.of(a.booleanValue() == b.booleanValue() ? 0 : 1) : Optional.empty();
                case TIMESTAMP -> timestamp(a).flatMap(x -> timestamp(b).map(x::compareTo));
            };
        }
    }

    /** {@code StringMatches}: {@code *} is any run of characters, {@code \*} a literal star. */
    record Matches(JsonPath variable, Pattern pattern) implements ChoiceRule {
        @Override
        public boolean matches(JsonNode input, JsonNode context) {
            JsonNode value = valueOf(variable, input, context);
            return value.isTextual() && pattern.matcher(value.textValue()).matches();
        }

        static Pattern compile(String wildcard) {
            StringBuilder regex = new StringBuilder();
            StringBuilder literal = new StringBuilder();
            for (int i = 0; i < wildcard.length(); i++) {
                char c = wildcard.charAt(i);
                if (c == '\\' && i + 1 < wildcard.length()) {
                    literal.append(wildcard.charAt(++i));
                } else if (c == '*') {
                    regex.append(Pattern.quote(literal.toString())).append(".*");
                    literal.setLength(0);
                } else {
                    literal.append(c);
                }
            }
            regex.append(Pattern.quote(literal.toString()));
            return Pattern.compile(regex.toString(), Pattern.DOTALL);
        }
    }

    enum TypeCheck { IsPresent, IsNull, IsString, IsNumeric, IsBoolean, IsTimestamp }

    /** {@code "IsNull": true} and friends; {@code false} asks for the opposite. */
    record TypeTest(JsonPath variable, TypeCheck check, boolean expected) implements ChoiceRule {
        @Override
        public boolean matches(JsonNode input, JsonNode context) {
            if (check == TypeCheck.IsPresent) {
                return variable.read(input, context).isPresent() == expected;
            }
            JsonNode value = valueOf(variable, input, context);
            boolean actual = switch (check) {
                case IsPresent -> true;
                case IsNull -> value.isNull();
                case IsString -> value.isTextual();
                case IsNumeric -> value.isNumber();
                case IsBoolean -> value.isBoolean();
                case IsTimestamp -> timestamp(value).isPresent();
            };
            return actual == expected;
        }
    }

    private static JsonNode valueOf(JsonPath variable, JsonNode input, JsonNode context) {
        return variable.read(input, context).orElseThrow(() -> StatesError.runtime(
                "Invalid path '" + variable + "': The choice state's condition path references an invalid value."));
    }

    /** RFC 3339 timestamps, as the spec requires ({@code 2016-03-14T01:59:00Z}, offsets allowed). */
    static Optional<Instant> timestamp(JsonNode node) {
        if (!node.isTextual()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(node.textValue()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * Parses one rule. {@code where} is like {@code Choices[2].And[0]} so a refusal points at it.
     *
     * @param topLevel top-level rules need {@code Next}; nested ones must not have it
     */
    static ChoiceRule parse(JsonNode json, String state, String where, boolean topLevel) {
        if (!json.isObject()) {
            throw AslException.at(state, where, "a choice rule must be an object");
        }
        List<String> operators = new ArrayList<>();
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            switch (name) {
                case "Variable", "Comment" -> { }
                case "Next" -> {
                    if (!topLevel) {
                        throw AslException.at(state, where + ".Next", "only top-level choice rules have Next");
                    }
                }
                default -> operators.add(name);
            }
        }
        if (topLevel && !json.path("Next").isTextual()) {
            throw AslException.at(state, where + ".Next", "a top-level choice rule needs Next (a state name)");
        }
        if (operators.size() != 1) {
            throw AslException.at(state, where, operators.isEmpty()
                    ? "no comparison operator" : "exactly one operator allowed, found " + operators);
        }
        String operator = operators.get(0);
        String field = where + "." + operator;
        JsonNode operand = json.get(operator);
        switch (operator) {
            case "And", "Or" -> {
                if (json.has("Variable")) {
                    throw AslException.at(state, where + ".Variable", operator + " rules have no Variable");
                }
                if (!operand.isArray() || operand.isEmpty()) {
                    throw AslException.at(state, field, "must be a non-empty array of rules");
                }
                List<ChoiceRule> rules = new ArrayList<>();
                for (int i = 0; i < operand.size(); i++) {
                    rules.add(parse(operand.get(i), state, field + "[" + i + "]", false));
                }
                return operator.equals("And") ? new And(List.copyOf(rules)) : new Or(List.copyOf(rules));
            }
            case "Not" -> {
                if (json.has("Variable")) {
                    throw AslException.at(state, where + ".Variable", "Not rules have no Variable");
                }
                return new Not(parse(operand, state, field, false));
            }
            default -> {
                JsonPath variable = variable(json, state, where);
                return comparison(variable, operator, operand, state, field);
            }
        }
    }

    private static JsonPath variable(JsonNode json, String state, String where) {
        JsonNode variable = json.get("Variable");
        if (variable == null || !variable.isTextual()) {
            throw AslException.at(state, where + ".Variable", "a comparison needs Variable (a path)");
        }
        try {
            return JsonPath.parse(variable.textValue());
        } catch (IllegalArgumentException e) {
            throw AslException.at(state, where + ".Variable", e.getMessage());
        }
    }

    private static ChoiceRule comparison(JsonPath variable, String operator, JsonNode operand, String state, String field) {
        for (TypeCheck check : TypeCheck.values()) {
            if (check.name().equals(operator)) {
                if (!operand.isBoolean()) {
                    throw AslException.at(state, field, "must be true or false");
                }
                return new TypeTest(variable, check, operand.booleanValue());
            }
        }
        if (operator.equals("StringMatches")) {
            if (!operand.isTextual()) {
                throw AslException.at(state, field, "must be a string pattern");
            }
            return new Matches(variable, Matches.compile(operand.textValue()));
        }
        boolean path = operator.endsWith("Path");
        String base = path ? operator.substring(0, operator.length() - 4) : operator;
        for (Family family : Family.values()) {
            for (Relation relation : Relation.values()) {
                if (!base.equals(family.label + relation.name())
                        || (family == Family.BOOLEAN && relation != Relation.Equals)) {
                    continue;
                }
                if (path) {
                    if (!operand.isTextual()) {
                        throw AslException.at(state, field, "must be a path");
                    }
                    try {
                        return new Compare(variable, family, relation, new Expression.Path(JsonPath.parse(operand.textValue())));
                    } catch (IllegalArgumentException e) {
                        throw AslException.at(state, field, e.getMessage());
                    }
                }
                boolean fits = switch (family) {
                    case STRING -> operand.isTextual();
                    case NUMERIC -> operand.isNumber();
                    case BOOLEAN -> operand.isBoolean();
                    case TIMESTAMP -> timestamp(operand).isPresent();
                };
                if (!fits) {
                    throw AslException.at(state, field, "is not a valid " + family.label.toLowerCase(Locale.ROOT) + " operand: "
                            + Json.abbreviate(operand));
                }
                return new Compare(variable, family, relation, new Expression.Literal(operand));
            }
        }
        throw AslException.at(state, field, "unknown choice operator '" + operator + "'");
    }
}
