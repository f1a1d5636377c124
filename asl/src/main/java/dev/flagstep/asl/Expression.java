package dev.flagstep.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A value computed from the state's data and the context object: the right-hand side of a
 * {@code "key.$"} field, an {@code ErrorPath}, a {@code SecondsPath}. Parsed when the definition is
 * loaded, so a bad path or an unknown intrinsic function is a load error, not a run-time surprise.
 */
sealed interface Expression permits Expression.Literal, Expression.Path, Expression.Call {

    /**
     * @param field the field being computed, for the States.Runtime message when data is missing
     */
    JsonNode evaluate(JsonNode input, JsonNode context, String field);

    /** A fixed value ({@code "Seconds": 10}, or a literal argument of an intrinsic function). */
    record Literal(JsonNode value) implements Expression {
        @Override
        public JsonNode evaluate(JsonNode input, JsonNode context, String field) {
            return value;
        }
    }

    record Path(JsonPath path) implements Expression {
        @Override
        public JsonNode evaluate(JsonNode input, JsonNode context, String field) {
            return path.require(input, context, field);
        }
    }

    /** An intrinsic function call such as {@code States.Format('{}-{}', $.a, $.b)}. */
    record Call(String function, List<Expression> args) implements Expression {
        @Override
        public JsonNode evaluate(JsonNode input, JsonNode context, String field) {
            List<JsonNode> values = args.stream().map(a -> a.evaluate(input, context, field)).toList();
            return Intrinsics.apply(function, values, field);
        }
    }

    /**
     * The value of a {@code ".$"} field: a path ({@code $...}, {@code $$...}) or an intrinsic call.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static Expression dynamic(String text) {
        String trimmed = text.trim();
        if (trimmed.startsWith("States.")) {
            return Intrinsics.parse(trimmed);
        }
        return new Path(JsonPath.parse(trimmed));
    }
}
