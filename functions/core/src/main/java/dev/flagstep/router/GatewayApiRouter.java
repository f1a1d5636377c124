package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Gateway API ({@code gateway_api.go}): HTTPRoute {@code {apex}} with {@code parentRefs} from
 * {@code service.gatewayRefs}, {@code hostnames} from {@code service.hosts}, and in {@code rules[0].backendRefs}
 * the primary and canary services with their weights. A/B: rules[0] carries the analysis matches and a second
 * rule sends all other traffic to the primary. Mirroring: a {@code RequestMirror} filter on rules[0].
 */
public final class GatewayApiRouter extends OwnedObjectRouter implements TrafficRouter {

    /** @param kind {@link ResourceKind#HTTP_ROUTE} ({@code gatewayapi:v1}) or {@link ResourceKind#HTTP_ROUTE_V1BETA1} */
    public GatewayApiRouter(KubeClient kube, CanarySpec canary, ResourceKind kind) {
        super(kube, canary, kind, "HTTPRoute");
    }

    @Override
    public void reconcile() {
        if (canary.service().gatewayRefs().isEmpty()) {
            throw new RouterException("gatewayapi: service.gatewayRefs is required (the Gateway(s) the HTTPRoute attaches to)");
        }
        reconcileOwned();
    }

    @Override
    public Routes getRoutes() {
        ObjectNode route = kube.require(ref());
        long generation = route.path("metadata").path("generation").asLong(0);
        for (JsonNode parent : route.path("status").path("parents")) {
            for (JsonNode c : parent.path("conditions")) {
                if ("Accepted".equals(c.path("type").asText())
                        && (!"True".equals(c.path("status").asText()) || c.path("observedGeneration").asLong(0) < generation)) {
                    throw new RouterNotReady(ref() + " parent " + parent.path("parentRef").path("name").asText()
                            + " is not ready (status: " + c.path("status").asText() + ", observed generation: "
                            + c.path("observedGeneration").asLong(0) + ", current generation: " + generation + ")");
                }
            }
        }
        return readRequired(route);
    }

    @Override
    void writeSpec(ObjectNode spec) {
        ArrayNode parents = spec.putArray("parentRefs");
        canary.service().gatewayRefs().forEach(g -> parents.add(g.deepCopy()));
        if (!canary.service().hosts().isEmpty()) {
            ArrayNode hosts = spec.putArray("hostnames");
            canary.service().hosts().forEach(hosts::add);
        }
        List<ObjectNode> matches = Matches.toGatewayApi(canary.service().match());
        if (matches.isEmpty()) matches = List.of(Matches.defaultGatewayMatch());
        ArrayNode rules = spec.putArray("rules");
        List<JsonNode> ab = RouterObjects.abMatch(canary);
        if (ab.isEmpty()) {
            rule(rules, matches, List.of(backend(RouterObjects.primary(canary), 100), backend(RouterObjects.canary(canary), 0)));
        } else {
            rule(rules, Matches.mergeGatewayApi(Matches.toGatewayApi(ab), matches),
                    List.of(backend(RouterObjects.primary(canary), 100), backend(RouterObjects.canary(canary), 0)));
            rule(rules, matches, List.of(backend(RouterObjects.primary(canary), 100)));
        }
    }

    private void rule(ArrayNode rules, List<ObjectNode> matches, List<ObjectNode> backends) {
        ObjectNode r = rules.addObject();
        ArrayNode m = r.putArray("matches");
        matches.forEach(x -> m.add(x.deepCopy()));
        ArrayNode b = r.putArray("backendRefs");
        b.addAll(backends);
        canary.service().timeout().ifPresent(t -> r.putObject("timeouts").put("request", t));
    }

    private ObjectNode serviceRef(String name) {
        return JsonNodeFactory.instance.objectNode()
                .put("group", "").put("kind", "Service").put("name", name).put("port", canary.service().port());
    }

    private ObjectNode backend(String name, int weight) {
        return serviceRef(name).put("weight", weight);
    }

    @Override
    Optional<Routes> read(ObjectNode o) {
        for (JsonNode rule : o.path("spec").path("rules")) {
            Optional<Integer> p = weightOf(rule, RouterObjects.primary(canary));
            Optional<Integer> c = weightOf(rule, RouterObjects.canary(canary));
            if (p.isPresent() && c.isPresent()) {
                boolean mirrored = false;
                for (JsonNode f : rule.path("filters")) {
                    if ("RequestMirror".equals(f.path("type").asText())
                            && RouterObjects.canary(canary).equals(f.path("requestMirror").path("backendRef").path("name").asText())) {
                        mirrored = true;
                    }
                }
                return Optional.of(new Routes(p.get(), c.get(), mirrored));
            }
        }
        return Optional.empty();
    }

    @Override
    void write(ObjectNode o, Routes r) {
        for (JsonNode rule : o.path("spec").path("rules")) {
            if (weightOf(rule, RouterObjects.primary(canary)).isEmpty()
                    || weightOf(rule, RouterObjects.canary(canary)).isEmpty()) continue;
            RouterObjects.setWeights(rule.path("backendRefs"), "/name", canary, r);
            ObjectNode ruleObj = (ObjectNode) rule;
            List<JsonNode> filters = new ArrayList<>();
            rule.path("filters").forEach(f -> {
                if (!"RequestMirror".equals(f.path("type").asText())) filters.add(f);
            });
            if (r.mirrored()) {
                ObjectNode mirror = JsonNodeFactory.instance.objectNode().put("type", "RequestMirror");
                mirror.putObject("requestMirror").set("backendRef", serviceRef(RouterObjects.canary(canary)));
                filters.add(mirror);
            }
            if (filters.isEmpty()) ruleObj.remove("filters");
            else ruleObj.putArray("filters").addAll(filters);
            return; // Flagger weighs rules[0] only; an A/B default rule stays all-primary
        }
    }

    private static Optional<Integer> weightOf(JsonNode rule, String service) {
        for (JsonNode b : rule.path("backendRefs")) {
            if (service.equals(b.path("name").asText())) return Optional.of(b.path("weight").asInt(1));
        }
        return Optional.empty();
    }
}
