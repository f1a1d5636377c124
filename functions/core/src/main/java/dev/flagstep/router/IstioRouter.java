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
import dev.flagstep.spec.SessionAffinity;

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

    private final CookieValues cookieValues;

    public IstioRouter(KubeClient kube, CanarySpec canary) {
        this(kube, canary, CookieValues.RANDOM);
    }

    /** @param cookieValues where new session-affinity cookie values come from */
    public IstioRouter(KubeClient kube, CanarySpec canary, CookieValues cookieValues) {
        super(kube, canary, ResourceKind.VIRTUAL_SERVICE, "VirtualService");
        this.cookieValues = cookieValues;
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
        JsonNode gateways = canary.service().extra().path("gateways");
        if (delegation()) {
            // a delegate VirtualService, included by the user's root one, has neither (the validator refused them)
            spec.putArray("gateways");
        } else {
            canary.service().hosts().forEach(hosts::add);
            if (!canary.service().hosts().contains(RouterObjects.apex(canary)) && !canary.service().hosts().contains("*")) {
                hosts.add(RouterObjects.apex(canary));
            }
            if (gateways.isArray() && !gateways.isEmpty()) spec.set("gateways", gateways.deepCopy());
        }
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
            // Flagger's GetIstioRewrite keeps uri and authority; type is for gatewayapi, unknown to Istio
            if (f.equals("rewrite") && h.get(f) instanceof ObjectNode rewrite) rewrite.retain("uri", "authority");
        }
        canary.service().timeout().ifPresent(t -> h.put("timeout", t));
        ArrayNode route = h.putArray("route");
        route.add(destination(RouterObjects.primary(canary), 100));
        if (withCanary) route.add(destination(RouterObjects.canary(canary), 0));
    }

    /**
     * Flagger's {@code makeDestination}: with {@code portDiscovery} the Services have several ports, so a route from a
     * gateway (or a delegate) names the canary's port.
     */
    private ObjectNode destination(String host, int weight) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        ObjectNode destination = d.putObject("destination").put("host", host);
        JsonNode gateways = canary.service().extra().path("gateways");
        boolean fromGateway = gateways.size() > 0 && !"mesh".equals(gateways.path(0).asText());
        if (canary.service().portDiscovery() && (fromGateway || delegation())) {
            destination.putObject("port").put("number", canary.service().port());
        }
        d.put("weight", weight);
        return d;
    }

    private boolean delegation() {
        return canary.service().extra().path("delegation").asBoolean(false);
    }

    @Override
    Optional<Routes> read(ObjectNode o) {
        JsonNode h = weighted(o.path("spec").path("http"));
        Optional<Integer> p = weightOf(h, RouterObjects.primary(canary));
        Optional<Integer> c = weightOf(h, RouterObjects.canary(canary));
        if (p.isEmpty() || c.isEmpty()) return Optional.empty();
        boolean mirrored = RouterObjects.canary(canary).equals(h.path("mirror").path("host").asText());
        return Optional.of(new Routes(p.get(), c.get(), mirrored));
    }

    @Override
    void write(ObjectNode o, Routes r) {
        if (!(o.path("spec").path("http") instanceof ArrayNode http) || !(http.path(0) instanceof ObjectNode)) return;
        Optional<SessionAffinity> affinity = SessionAffinity.of(canary);
        if (affinity.isPresent()) {
            for (int i = http.size() - 1; i >= 0; i--) {
                if (isSticky(http.get(i))) http.remove(i);
                else http.get(i).path("route").forEach(d -> ((ObjectNode) d).remove("headers"));
            }
        }
        ObjectNode h = (ObjectNode) http.path(0);
        RouterObjects.setWeights(h.path("route"), "/destination/host", canary, r);
        h.remove("mirror");
        h.remove("mirrorPercentage");
        if (r.mirrored()) {
            h.putObject("mirror").put("host", RouterObjects.canary(canary));
            int mw = RouterObjects.mirrorWeight(canary);
            if (mw > 0) h.putObject("mirrorPercentage").put("value", (double) mw);
        }
        affinity.ifPresent(a -> sticky(o, http, h, r, a));
    }

    /** The weighted route: the first that is no session-affinity route. */
    private JsonNode weighted(JsonNode http) {
        for (JsonNode h : http) {
            if (!isSticky(h)) return h;
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** The sticky routes of {@link StickyRules} on a VirtualService, before the weighted route. */
    private void sticky(ObjectNode o, ArrayNode http, ObjectNode weighted, Routes r, SessionAffinity a) {
        List<ObjectNode> before = stickyRules.before(o, weighted, r, a, canary, cookieValues);
        for (int i = before.size() - 1; i >= 0; i--) http.insert(0, before.get(i));
    }

    /**
     * Routes by the cookie on a VirtualService: {@code Set-Cookie} in {@code headers.response.add}. Mirroring stays
     * on the weighted route (Flagger mirrors {@code http[0]}, the sticky route, which only ever holds the canary).
     */
    private final StickyRules stickyRules = new StickyRules() {
        @Override
        public ObjectNode sticky(ObjectNode weighted, String cookie, Routes routes) {
            ObjectNode route = withCookie(weighted, cookie);
            RouterObjects.setWeights(route.path("route"), "/destination/host", canary, routes);
            route.remove("mirror");
            route.remove("mirrorPercentage");
            return route;
        }

        @Override
        public void setCookie(ObjectNode weighted, String service, String setCookie) {
            destination(weighted, service).ifPresent(d -> IstioRouter.setCookie(d, setCookie));
        }

        @Override
        public ObjectNode expiring(ObjectNode weighted, String cookie, String setCookie) {
            ObjectNode expire = withCookie(weighted, cookie);
            IstioRouter.setCookie(expire, setCookie);
            return expire;
        }
    };

    /** Flagger's {@code mergeMatchConditions}: each match with its headers replaced by the cookie regex. */
    private static ObjectNode withCookie(ObjectNode route, String cookie) {
        ObjectNode copy = route.deepCopy();
        copy.path("route").forEach(d -> ((ObjectNode) d).remove("headers"));
        ObjectNode headers = JsonNodeFactory.instance.objectNode();
        headers.putObject("Cookie").put("regex", SessionAffinity.cookieRegex(cookie));
        ArrayNode match = copy.withArray("match");
        if (match.isEmpty()) match.addObject();
        match.forEach(m -> ((ObjectNode) m).set("headers", headers.deepCopy()));
        return copy;
    }

    /** {@code headers.response.add[Set-Cookie]} on a destination or a route, keeping the other headers there. */
    private static void setCookie(ObjectNode target, String value) {
        target.withObjectProperty("headers").withObjectProperty("response").withObjectProperty("add").put("Set-Cookie", value);
    }

    private static Optional<ObjectNode> destination(JsonNode route, String host) {
        for (JsonNode d : route.path("route")) {
            if (host.equals(d.path("destination").path("host").asText())) return Optional.of((ObjectNode) d);
        }
        return Optional.empty();
    }

    /** A route matching a session-affinity cookie of this canary (sticky or expiring). */
    private boolean isSticky(JsonNode route) {
        Optional<SessionAffinity> a = SessionAffinity.of(canary);
        if (a.isEmpty()) return false;
        for (JsonNode m : route.path("match")) {
            String v = m.path("headers").path("Cookie").path("regex").asText("");
            if (v.startsWith(".*" + a.get().cookieName() + ".*")
                    || a.get().primaryCookieName().filter(p -> v.startsWith(".*" + p + ".*")).isPresent()) {
                return true;
            }
        }
        return false;
    }

    private static Optional<Integer> weightOf(JsonNode http, String host) {
        for (JsonNode d : http.path("route")) {
            if (host.equals(d.path("destination").path("host").asText())) return Optional.of(d.path("weight").asInt(0));
        }
        return Optional.empty();
    }
}
