package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;

import java.util.Optional;

/**
 * Apache APISIX ({@code apisix.go}): ApisixRoute {@code {routeRef.name}-{apex}-canary}, a copy of the user's
 * {@code routeRef} (never modified) that keeps only its first {@code http} item with a backend {@code {apex}} (which
 * must be its only backend), at priority 10000, with that backend renamed {@code {apex}-primary} and a
 * {@code {apex}-canary} backend on the same port beside it; weights are always written, 0 included. No A/B (the
 * item keeps the user's {@code match}), no mirroring (ignored).
 */
public final class ApisixRouter implements TrafficRouter {

    public static final ResourceKind APISIX_ROUTE = new ResourceKind("apisix.apache.org", "v2", "ApisixRoute", "apisixroutes");
    static final int MAX_PRIORITY = 10000;

    private final KubeClient kube;
    private final CanarySpec canary;

    public ApisixRouter(KubeClient kube, CanarySpec canary) {
        this.kube = kube;
        this.canary = canary;
    }

    private String userRouteName() {
        String name = canary.extra().path("routeRef").path("name").asText("");
        if (name.isEmpty()) throw new RouterException("apisix: spec.routeRef is required (the ApisixRoute to copy for the canary)");
        return name;
    }

    KubeRef canaryRoute() {
        return APISIX_ROUTE.ref(RouterObjects.namespace(canary), userRouteName() + "-" + RouterObjects.apex(canary) + "-canary");
    }

    @Override
    public void reconcile() {
        KubeRef userRef = APISIX_ROUTE.ref(RouterObjects.namespace(canary), userRouteName());
        ObjectNode user = kube.get(userRef).orElseThrow(() ->
                new RouterException("apisix: " + userRef + " (spec.routeRef) not found: create your ApisixRoute first"));
        if (user.path("spec").path("http").isEmpty()) throw new RouterException("apisix: " + userRef + " has an empty spec.http");
        ObjectNode item = httpItem(user, RouterObjects.apex(canary)).map(ObjectNode::deepCopy).orElseThrow(() ->
                new RouterException("apisix: no spec.http item of " + userRef + " has a backend " + RouterObjects.apex(canary)));
        ArrayNode backends = (ArrayNode) item.get("backends");
        if (backends.size() != 1) {
            throw new RouterException("apisix: " + userRef + " http item '" + item.path("name").asText()
                    + "' has " + backends.size() + " backends; only one is supported");
        }
        item.put("priority", MAX_PRIORITY);
        ObjectNode primary = ((ObjectNode) backends.get(0)).put("serviceName", RouterObjects.primary(canary)).put("weight", 100);
        ObjectNode c = backends.addObject().put("serviceName", RouterObjects.canary(canary));
        c.set("servicePort", primary.path("servicePort").deepCopy());
        for (String f : new String[] {"resolveGranularity", "subset"}) {
            if (!primary.path(f).asText("").isEmpty()) c.put(f, primary.get(f).asText());
        }
        c.put("weight", 0);
        ObjectNode spec = ((ObjectNode) user.get("spec")).deepCopy();
        spec.putArray("http").add(item);

        KubeRef ref = canaryRoute();
        ObjectNode desired = RouterObjects.generated(APISIX_ROUTE, ref.name(), ref.namespace());
        RouterObjects.copyUserMetadata(user, desired);
        RouterObjects.markGenerated(desired);
        desired.set("spec", spec);
        if (kube.createIfAbsent(APISIX_ROUTE, desired).isPresent()) return;
        kube.edit(ref, o -> {
            // Flagger resets the weights here; a reconcile mid-rollout must not move traffic
            Optional<Routes> keep = read(o);
            o.set("spec", spec.deepCopy());
            keep.ifPresent(r -> write(o, r));
        });
    }

    /** Flagger's getTargetHttpRoute: the first {@code spec.http} item with a backend named {@code service}. */
    private static Optional<ObjectNode> httpItem(ObjectNode route, String service) {
        for (JsonNode item : route.path("spec").path("http")) {
            for (JsonNode b : item.path("backends")) {
                if (b.path("serviceName").asText().equals(service)) return Optional.of((ObjectNode) item);
            }
        }
        return Optional.empty();
    }

    private Optional<Routes> read(ObjectNode route) {
        return httpItem(route, RouterObjects.primary(canary)).flatMap(item -> {
            for (JsonNode b : item.path("backends")) {
                if (b.path("serviceName").asText().equals(RouterObjects.primary(canary))) {
                    return RouterObjects.fromPrimary(b.path("weight").asInt(0));
                }
            }
            return Optional.empty();
        });
    }

    private void write(ObjectNode route, Routes r) {
        httpItem(route, RouterObjects.primary(canary)).ifPresent(item ->
                RouterObjects.setWeights(item.path("backends"), "/serviceName", canary, r));
    }

    /** Flagger's GetRoutes: the primary backend's weight; the canary gets the rest. */
    @Override
    public Routes getRoutes() {
        return read(kube.require(canaryRoute())).orElseThrow(() -> new RouterException(canaryRoute()
                + " has no backend " + RouterObjects.primary(canary) + ": run Initialize to reconcile it"));
    }

    @Override
    public void setRoutes(Routes routes) {
        Routes r = RouterObjects.requireWeights("apisix", routes);
        kube.edit(canaryRoute(), o -> {
            if (read(o).isEmpty()) {
                throw new RouterException(canaryRoute() + " has no backend " + RouterObjects.primary(canary) + ": run Initialize to reconcile it");
            }
            write(o, r);
        });
    }
}
