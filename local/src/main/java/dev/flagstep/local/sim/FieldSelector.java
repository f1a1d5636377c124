package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@code fieldSelector} ({@code involvedObject.name=podinfo,involvedObject.uid=...}, {@code metadata.name!=x}) applied
 * by the front: the mock only knows {@code metadata.name}, and answers an empty list to the selectors
 * {@code kubectl describe} sends for events. Any field path is matched against the object's JSON, a missing field
 * as the empty string.
 */
record FieldSelector(List<Term> terms) {

    record Term(String path, String value, boolean equal) {
    }

    static Optional<FieldSelector> parse(Optional<String> selector) {
        if (selector.isEmpty() || selector.get().isBlank()) return Optional.empty();
        List<Term> terms = new ArrayList<>();
        for (String t : selector.get().split(",")) {
            int ne = t.indexOf("!=");
            if (ne > 0) {
                terms.add(new Term(t.substring(0, ne).trim(), t.substring(ne + 2).trim(), false));
                continue;
            }
            int eq = t.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("invalid field selector term \"" + t + "\"");
            String value = t.substring(eq + 1).startsWith("=") ? t.substring(eq + 2) : t.substring(eq + 1);
            terms.add(new Term(t.substring(0, eq).trim(), value.trim(), true));
        }
        return Optional.of(new FieldSelector(List.copyOf(terms)));
    }

    boolean matches(JsonNode object) {
        for (Term t : terms) {
            JsonNode v = object;
            for (String p : t.path().split("\\.")) v = v.path(p);
            String actual = v.isValueNode() ? v.asText() : "";
            if (actual.equals(t.value()) != t.equal()) return false;
        }
        return true;
    }
}
