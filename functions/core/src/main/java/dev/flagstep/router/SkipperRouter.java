package dev.flagstep.router;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.ObjectRef;

import java.util.ArrayList;
import java.util.List;

/**
 * Skipper ({@code skipper.go}): Ingress {@code {ingressRef.name}-canary}, a clone of the user's {@code ingressRef}
 * (never modified) in which every path to {@code {apex}} goes to {@code {apex}-primary} and is doubled by a path to
 * {@code {apex}-canary}; the split is the {@code zalando.org/backend-weights} annotation, and the
 * {@code zalando.org/skipper-predicate} starts with {@code Weight(100)} so the clone wins over the user's Ingress,
 * or with {@code False()} at canary weight 0 so traffic falls back to it. Revert deletes the clone, as Flagger's
 * Finalize does. No A/B (Flagger has none), no mirroring (ignored).
 */
public final class SkipperRouter implements TrafficRouter {

    static final String BACKEND_WEIGHTS = "zalando.org/backend-weights";
    static final String PREDICATE = "zalando.org/skipper-predicate";
    static final String ROUTE_WEIGHT = "Weight(100)";
    static final String ROUTE_DISABLE = "False()";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubeClient kube;
    private final CanarySpec canary;

    public SkipperRouter(KubeClient kube, CanarySpec canary) {
        this.kube = kube;
        this.canary = canary;
    }

    private String userIngressName() {
        return canary.ingressRef().map(ObjectRef::name).orElseThrow(() ->
                new RouterException("skipper: spec.ingressRef is required (the Ingress to clone for the canary)"));
    }

    KubeRef canaryIngress() {
        return ResourceKind.INGRESS.ref(RouterObjects.namespace(canary), userIngressName() + "-canary");
    }

    @Override
    public void reconcile() {
        KubeRef userRef = ResourceKind.INGRESS.ref(RouterObjects.namespace(canary), userIngressName());
        ObjectNode user = kube.get(userRef).orElseThrow(() ->
                new RouterException("skipper: " + userRef + " (spec.ingressRef) not found: create your Ingress first"));
        ObjectNode spec = ((ObjectNode) user.path("spec")).deepCopy();
        boolean found = false;
        for (JsonNode rule : spec.path("rules")) {
            if (!(rule.path("http").path("paths") instanceof ArrayNode paths)) continue;
            List<JsonNode> copies = new ArrayList<>();
            for (JsonNode p : paths) {
                JsonNode svc = p.path("backend").path("service");
                if (RouterObjects.apex(canary).equals(svc.path("name").asText())) {
                    ((ObjectNode) svc).put("name", RouterObjects.primary(canary));
                    ObjectNode copy = p.deepCopy();
                    ((ObjectNode) copy.path("backend").path("service")).put("name", RouterObjects.canary(canary));
                    copies.add(copy);
                    found = true;
                }
            }
            paths.addAll(copies);
        }
        if (!found) {
            throw new RouterException("skipper: no path of ingress " + userIngressName() + " goes to backend " + RouterObjects.apex(canary));
        }
        KubeRef ref = canaryIngress();
        ObjectNode desired = RouterObjects.generated(ResourceKind.INGRESS, ref.name(), ref.namespace());
        RouterObjects.copyUserMetadata(user, desired);
        ObjectNode ann = RouterObjects.annotations(desired);
        RouterObjects.markGenerated(desired);
        desired.set("spec", spec);
        write(ann, Routes.allPrimary(), ROUTE_WEIGHT);
        if (kube.createIfAbsent(ResourceKind.INGRESS, desired).isPresent()) return;
        kube.edit(ref, o -> {
            // Flagger resets the weights here; a reconcile mid-rollout must not move traffic
            Routes keep = read(o);
            o.set("spec", spec.deepCopy());
            ObjectNode current = RouterObjects.annotations(o);
            current.removeAll();
            current.setAll(ann.deepCopy());
            setRoutes(current, keep);
        });
    }

    @Override
    public Routes getRoutes() {
        return read(kube.require(canaryIngress()));
    }

    private Routes read(ObjectNode ingress) {
        String raw = ingress.path("metadata").path("annotations").path(BACKEND_WEIGHTS).asText("");
        if (raw.isEmpty()) throw new RouterException(canaryIngress() + " has no annotation " + BACKEND_WEIGHTS + ": run Initialize to reconcile it");
        JsonNode weights;
        try {
            weights = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new RouterException(canaryIngress() + ": annotation " + BACKEND_WEIGHTS + " is not JSON: '" + raw + "'");
        }
        int p = weight(weights, RouterObjects.primary(canary));
        int c = weight(weights, RouterObjects.canary(canary));
        try {
            return new Routes(p, c, false);
        } catch (IllegalArgumentException e) {
            throw new RouterException(canaryIngress() + ": annotation " + BACKEND_WEIGHTS + ": " + e.getMessage());
        }
    }

    private int weight(JsonNode weights, String service) {
        if (!weights.path(service).canConvertToInt()) {
            throw new RouterException(canaryIngress() + ": annotation " + BACKEND_WEIGHTS + " has no weight for " + service);
        }
        return weights.get(service).asInt();
    }

    @Override
    public void setRoutes(Routes routes) {
        kube.edit(canaryIngress(), o -> setRoutes(RouterObjects.annotations(o), routes));
    }

    private void setRoutes(ObjectNode ann, Routes routes) {
        // weight 0 switches the clone's routes off, so the user's Ingress serves everything again
        write(ann, routes, routes.canary() == 0 ? ROUTE_DISABLE : ROUTE_WEIGHT);
    }

    /** Flagger's makeAnnotations: the weights as Go marshals a map (keys sorted: canary first; no spaces), {@code first} leading the predicate. */
    private void write(ObjectNode ann, Routes routes, String first) {
        ann.put(BACKEND_WEIGHTS, "{\"" + RouterObjects.canary(canary) + "\":" + routes.canary()
                + ",\"" + RouterObjects.primary(canary) + "\":" + routes.primary() + "}");
        ann.put(PREDICATE, insertPredicate(ann.path(PREDICATE).asText(""), first));
    }

    /** Flagger's insertPredicate: {@code first} at the head, the others kept in order minus empty and conflicting ones. */
    static String insertPredicate(String raw, String first) {
        List<String> out = new ArrayList<>(List.of(first));
        for (String x : raw.split("&&", -1)) {
            String p = x.strip();
            if (p.isEmpty() || p.equals(ROUTE_WEIGHT) || p.equals(ROUTE_DISABLE)) continue;
            out.add(p);
        }
        return String.join(" && ", out);
    }

    /** Flagger's Finalize: the clone is ours; deleting it leaves the user's Ingress serving everything. */
    @Override
    public void revert() {
        if (canary.ingressRef().isEmpty()) return;
        kube.delete(canaryIngress());
    }
}
