package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * The {@code status} a Gateway API implementation writes on an HTTPRoute it accepts: one entry per
 * {@code parentRef}, Accepted and ResolvedRefs, at the route's current generation. flagstep's
 * {@code GatewayApiRouter} refuses to read weights until every parent has accepted the current generation.
 */
final class RouteStatus {

    static final String CONTROLLER = "flagstep.dev/simulated-gateway";

    private RouteStatus() {
    }

    static ObjectNode of(JsonNode route, Instant now) {
        long generation = route.path("metadata").path("generation").asLong(1);
        JsonNode previousParents = route.path("status").path("parents");
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        ArrayNode parents = status.putArray("parents");
        for (JsonNode ref : route.path("spec").path("parentRefs")) {
            JsonNode previous = previousFor(previousParents, ref);
            ObjectNode p = parents.addObject();
            p.set("parentRef", ref.deepCopy());
            p.put("controllerName", CONTROLLER);
            ArrayNode conditions = p.putArray("conditions");
            conditions.add(Conditions.metav1(previous, "Accepted", "Accepted", "Route is accepted.", generation, now));
            conditions.add(Conditions.metav1(previous, "ResolvedRefs", "ResolvedRefs", "All references resolved.", generation, now));
        }
        return status;
    }

    private static JsonNode previousFor(JsonNode previousParents, JsonNode ref) {
        for (JsonNode p : previousParents) if (ref.equals(p.path("parentRef"))) return p.path("conditions");
        return JsonNodeFactory.instance.arrayNode();
    }
}
