package dev.flagstep.aws.dynamodb;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A DynamoDB attribute value, of the types flagstep reads and writes: {@code S}, {@code N}, {@code BOOL},
 * {@code NULL}, {@code M}, {@code L}, {@code SS}, {@code NS}. The {@code as...} accessors answer empty
 * for a value of another type, as an absent attribute would read.
 */
public sealed interface AttributeValue {

    record S(String value) implements AttributeValue {}

    /** A number in DynamoDB's own decimal text. */
    record N(String value) implements AttributeValue {}

    record Bool(boolean value) implements AttributeValue {}

    record Null() implements AttributeValue {}

    record M(Map<String, AttributeValue> value) implements AttributeValue {
        public M {
            value = Map.copyOf(value);
        }
    }

    record L(List<AttributeValue> value) implements AttributeValue {
        public L {
            value = List.copyOf(value);
        }
    }

    record SS(List<String> value) implements AttributeValue {
        public SS {
            value = List.copyOf(value);
        }
    }

    record NS(List<String> value) implements AttributeValue {
        public NS {
            value = List.copyOf(value);
        }
    }

    static AttributeValue fromS(String value) {
        return new S(value);
    }

    static AttributeValue fromN(String value) {
        return new N(value);
    }

    static AttributeValue fromBool(boolean value) {
        return new Bool(value);
    }

    static AttributeValue fromM(Map<String, AttributeValue> value) {
        return new M(value);
    }

    static AttributeValue fromL(List<AttributeValue> value) {
        return new L(value);
    }

    default Optional<String> asS() {
        return this instanceof S s ? Optional.of(s.value()) : Optional.empty();
    }

    default Optional<String> asN() {
        return this instanceof N n ? Optional.of(n.value()) : Optional.empty();
    }

    default Optional<Boolean> asBool() {
        return this instanceof Bool b ? Optional.of(b.value()) : Optional.empty();
    }

    default Optional<Map<String, AttributeValue>> asM() {
        return this instanceof M m ? Optional.of(m.value()) : Optional.empty();
    }

    default Optional<List<AttributeValue>> asL() {
        return this instanceof L l ? Optional.of(l.value()) : Optional.empty();
    }
}
