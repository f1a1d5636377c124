package dev.flagstep.store;

import dev.flagstep.aws.dynamodb.AttributeValue;
import dev.flagstep.aws.dynamodb.DynamoDb;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds update and condition expressions with placeholders for every attribute name and value, so
 * DynamoDB's long list of reserved words (name, open, when, status, ...) never bites.
 */
final class Expr {

    private final Map<String, String> names = new LinkedHashMap<>();
    private final Map<String, AttributeValue> values = new LinkedHashMap<>();
    private final List<String> sets = new ArrayList<>();
    private final List<String> removes = new ArrayList<>();
    private String condition = "";

    /** {@code #attr}, registered. Attribute names here are plain identifiers. */
    String n(String attribute) {
        String placeholder = "#" + attribute;
        names.put(placeholder, attribute);
        return placeholder;
    }

    /** {@code :vN}, registered. */
    String v(AttributeValue value) {
        String placeholder = ":v" + values.size();
        values.put(placeholder, value);
        return placeholder;
    }

    Expr set(String attribute, AttributeValue value) {
        sets.add(n(attribute) + " = " + v(value));
        return this;
    }

    /** A SET clause written with {@link #n} and {@link #v}, e.g. list_append. */
    Expr setRaw(String clause) {
        sets.add(clause);
        return this;
    }

    Expr remove(String attribute) {
        removes.add(n(attribute));
        return this;
    }

    Expr condition(String expression) {
        this.condition = expression;
        return this;
    }

    String update() {
        StringBuilder sb = new StringBuilder();
        if (!sets.isEmpty()) {
            sb.append("SET ").append(String.join(", ", sets));
        }
        if (!removes.isEmpty()) {
            sb.append(sb.isEmpty() ? "" : " ").append("REMOVE ").append(String.join(", ", removes));
        }
        return sb.toString();
    }

    Optional<String> conditionExpression() {
        return condition.isEmpty() ? Optional.empty() : Optional.of(condition);
    }

    DynamoDb.Placeholders placeholders() {
        return new DynamoDb.Placeholders(names, values);
    }
}
