package dev.flagstep.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * The object as the user last applied it with {@code kubectl apply}, from the annotation kubectl leaves on it:
 * what Flagger's finalizer restores a Service's selector and an Istio VirtualService's spec from.
 */
public final class LastApplied {

    public static final String ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";
    private static final ObjectMapper JSON = new ObjectMapper();

    private LastApplied() {
    }

    /** The applied object, or a missing node when the annotation is absent or not JSON (then not kubectl's). */
    public static JsonNode of(JsonNode object) {
        JsonNode raw = object.path("metadata").path("annotations").path(ANNOTATION);
        if (!raw.isTextual()) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode applied = JSON.readTree(raw.asText());
            return applied == null ? MissingNode.getInstance() : applied;
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }
}
