package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.LastApplied;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;

import java.util.List;
import java.util.Optional;

/**
 * Istio ({@code istio.go}): DestinationRules {@code {apex}-primary} and {@code {apex}-canary}, and VirtualService
 * {@code {apex}} whose {@code http[0].route} holds the two destinations and their weights. A/B: http[0] carries
 * the merged match conditions, http[1] routes the rest to the primary. Mirroring: {@code http[0].mirror}
 * plus {@code mirrorPercentage} from {@code analysis.mirrorWeight}.
 */
public final class IstioRouter extends OwnedObjectRouter implements TrafficRouter {

    /** service fields copied verbatim onto each http route, as Flagger does */
    private static final List<String> HTTP_ROUTE_FIELDS = List.of("rewrite", "retries", "corsPolicy", "headers");

    public IstioRouter(KubeClient kube, CanarySpec canary) {
        super(kube, canary, ResourceKind.VIRTUAL_SERVICE, "VirtualService");
    }

    @Override
    public void reconcile() {
        for (String host : List.of(RouterObjects.primary(canary), RouterObjects.canary(canary))) {
            ObjectNode dr = RouterObjects.generated(ResourceKind.DESTINATION_RULE, host, RouterObjects.namespace(canary));
            ObjectNode spec = dr.putObject("spec").put("host", host);
            JsonNode policy = canary.service().extra().path("trafficPolicy");
            if (policy.isObject()) spec.set("trafficPolicy", policy.deepCopy());
            if (kube.createIfAbsent(ResourceKind.DESTINATION_RULE, dr).isEmpty()) {
                kube.edit(ResourceKind.DESTINATION_RULE.ref(RouterObjects.namespace(canary), host), o -> {
                    o.set("spec", spec.deepCopy());
                    RouterObjects.markGenerated(o);
                });
            }
        }
        reconcileOwned();
    }

    @Override
    public Routes getRoutes() {
        Routes r = readRequired(kube.require(ref()));
        if (r.primary() == 0 && r.canary() == 0) {
            throw new RouterException(ref() + " routes neither to " + RouterObjects.primary(canary) + " nor to "
                    + RouterObjects.canary(canary) + " (both weights are 0)");
        }
        return r;
    }

    /**
     * Flagger's {@code IstioRouter.Finalize}: a VirtualService the user applied gets back the spec kubectl recorded
     * in its last-applied annotation; one flagstep created sends all traffic to the primary ({@link TrafficRouter#revert()}).
     */
    @Override
    public void revert() {
        var vs = kube.get(ref());
        if (vs.isEmpty()) return;
        JsonNode applied = LastApplied.of(vs.get()).path("spec");
        if (!applied.isObject()) {
            TrafficRouter.super.revert();
            return;
        }
        kube.edit(ref(), o -> o.set("spec", applied.deepCopy()));
    }

    @Override
    void writeSpec(ObjectNode spec) {
        ArrayNode hosts = spec.putArray("hosts");
        canary.service().hosts().forEach(hosts::add);
        if (!canary.service().hosts().contains(RouterObjects.apex(canary)) && !canary.service().hosts().contains("*")) {
            hosts.add(RouterObjects.apex(canary));
        }
        JsonNode gateways = canary.service().extra().path("gateways");
        if (gateways.isArray() && !gateways.isEmpty()) spec.set("gateways", gateways.deepCopy());
        ArrayNode http = spec.putArray("http");
        List<JsonNode> ab = RouterObjects.abMatch(canary);
        if (ab.isEmpty()) {
            httpRoute(http, canary.service().match(), true);
        } else {
            httpRoute(http, Matches.mergeIstio(ab, canary.service().match()), true);
            httpRoute(http, canary.service().match(), false);
        }
    }

    private void httpRoute(ArrayNode http, List<JsonNode> match, boolean withCanary) {
        ObjectNode h = http.addObject();
        if (!match.isEmpty()) {
            ArrayNode m = h.putArray("match");
            match.forEach(x -> m.add(x.deepCopy()));
        }
        for (String f : HTTP_ROUTE_FIELDS) {
            JsonNode v = canary.service().extra().get(f);
            if (v != null && !v.isNull()) h.set(f, v.deepCopy());
        }
        canary.service().timeout().ifPresent(t -> h.put("timeout", t));
        ArrayNode route = h.putArray("route");
        route.add(destination(RouterObjects.primary(canary), 100));
        if (withCanary) route.add(destination(RouterObjects.canary(canary), 0));
    }

    private static ObjectNode destination(String host, int weight) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.putObject("destination").put("host", host);
        d.put("weight", weight);
        return d;
    }

    @Override
    Optional<Routes> read(ObjectNode o) {
        JsonNode h = o.path("spec").path("http").path(0);
        Optional<Integer> p = weightOf(h, RouterObjects.primary(canary));
        Optional<Integer> c = weightOf(h, RouterObjects.canary(canary));
        if (p.isEmpty() || c.isEmpty()) return Optional.empty();
        boolean mirrored = RouterObjects.canary(canary).equals(h.path("mirror").path("host").asText());
        return Optional.of(new Routes(p.get(), c.get(), mirrored));
    }

    @Override
    void write(ObjectNode o, Routes r) {
        ObjectNode h = (ObjectNode) o.path("spec").path("http").path(0);
        RouterObjects.setWeights(h.path("route"), "/destination/host", canary, r);
        h.remove("mirror");
        h.remove("mirrorPercentage");
        if (r.mirrored()) {
            h.putObject("mirror").put("host", RouterObjects.canary(canary));
            int mw = RouterObjects.mirrorWeight(canary);
            if (mw > 0) h.putObject("mirrorPercentage").put("value", (double) mw);
        }
    }

    private static Optional<Integer> weightOf(JsonNode http, String host) {
        for (JsonNode d : http.path("route")) {
            if (host.equals(d.path("destination").path("host").asText())) return Optional.of(d.path("weight").asInt(0));
        }
        return Optional.empty();
    }
}
