package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.SessionAffinity;

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

    private final CookieValues cookieValues;
    /** {@code gatewayapi:v1}: Flagger writes the CORS filter on v1 routes only. */
    private final boolean v1;

    /** @param kind {@link ResourceKind#HTTP_ROUTE} ({@code gatewayapi:v1}) or {@link ResourceKind#HTTP_ROUTE_V1BETA1} */
    public GatewayApiRouter(KubeClient kube, CanarySpec canary, ResourceKind kind) {
        this(kube, canary, kind, CookieValues.RANDOM);
    }

    /** @param cookieValues where new session-affinity cookie values come from */
    public GatewayApiRouter(KubeClient kube, CanarySpec canary, ResourceKind kind, CookieValues cookieValues) {
        super(kube, canary, kind, "HTTPRoute");
        this.cookieValues = cookieValues;
        this.v1 = kind.equals(ResourceKind.HTTP_ROUTE);
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
        List<ObjectNode> filters = filters();
        if (!filters.isEmpty()) r.putArray("filters").addAll(filters);
        canary.service().timeout().ifPresent(t -> r.withObjectProperty("timeouts").put("request", t));
        backendTimeout().ifPresent(t -> r.withObjectProperty("timeouts").put("backendRequest", t));
    }

    private Optional<String> backendTimeout() {
        return Optional.of(canary.service().extra().path("backendTimeout").asText("")).filter(t -> !t.isEmpty());
    }

    /**
     * Flagger's {@code makeFilters}: {@code service.headers} (Istio's shape) as header modifiers, {@code service.rewrite}
     * as a URLRewrite, and each {@code service.mirror} entry (a Gateway API RequestMirror) as written.
     */
    private List<ObjectNode> filters() {
        JsonNode service = canary.service().extra();
        List<ObjectNode> filters = new ArrayList<>();
        for (String side : List.of("request", "response")) {
            JsonNode ops = service.path("headers").path(side);
            if (!ops.isObject()) continue;
            String type = side.equals("request") ? "RequestHeaderModifier" : "ResponseHeaderModifier";
            ObjectNode f = JsonNodeFactory.instance.objectNode().put("type", type);
            ObjectNode modifier = f.putObject(side + "HeaderModifier");
            for (String op : List.of("add", "set")) {
                if (!ops.path(op).isObject() || ops.path(op).isEmpty()) continue;
                ArrayNode headers = modifier.putArray(op);
                // Flagger sorts by name (then value): Go maps have no order
                ops.path(op).properties().stream().sorted(java.util.Map.Entry.comparingByKey())
                        .forEach(e -> headers.addObject().put("name", e.getKey()).put("value", e.getValue().asText()));
            }
            if (ops.path("remove").isArray() && !ops.path("remove").isEmpty()) {
                modifier.set("remove", ops.path("remove").deepCopy());
            }
            filters.add(f);
        }
        JsonNode rewrite = service.path("rewrite");
        if (rewrite.isObject()) {
            ObjectNode f = JsonNodeFactory.instance.objectNode().put("type", "URLRewrite");
            ObjectNode urlRewrite = f.putObject("urlRewrite");
            String authority = rewrite.path("authority").asText("");
            if (!authority.isEmpty()) urlRewrite.put("hostname", authority);
            String uri = rewrite.path("uri").asText("");
            if (!uri.isEmpty()) {
                boolean prefix = "ReplacePrefixMatch".equals(rewrite.path("type").asText()); // Flagger's GetType
                urlRewrite.putObject("path").put("type", prefix ? "ReplacePrefixMatch" : "ReplaceFullPath")
                        .put(prefix ? "replacePrefixMatch" : "replaceFullPath", uri);
            }
            filters.add(f);
        }
        for (JsonNode mirror : service.path("mirror")) {
            ObjectNode f = JsonNodeFactory.instance.objectNode().put("type", "RequestMirror");
            f.set("requestMirror", mirror.deepCopy());
            filters.add(f);
        }
        JsonNode cors = service.path("corsPolicy");
        if (cors.isObject() && v1) filters.add(corsFilter(cors));
        return filters;
    }

    /**
     * Flagger's {@code toV1CORSFilter} (v1 routes only): Istio's {@code corsPolicy} as a Gateway API CORS filter,
     * {@code allowOrigin} as the origins, {@code maxAge} (a Go duration) in seconds. What cannot be mapped
     * ({@code allowOrigins} patterns) is dropped, as Flagger drops it, and named in a validation warning.
     */
    private static ObjectNode corsFilter(JsonNode policy) {
        ObjectNode f = JsonNodeFactory.instance.objectNode().put("type", "CORS");
        ObjectNode cors = f.putObject("cors");
        for (String[] field : new String[][] {{"allowOrigin", "allowOrigins"}, {"allowMethods", "allowMethods"},
                {"allowHeaders", "allowHeaders"}, {"exposeHeaders", "exposeHeaders"}}) {
            JsonNode values = policy.path(field[0]);
            if (values.isArray() && !values.isEmpty()) cors.set(field[1], values.deepCopy());
        }
        if (policy.path("allowCredentials").asBoolean(false)) cors.put("allowCredentials", true);
        dev.flagstep.spec.GoDuration.parse(policy.path("maxAge").asText(""))
                .ifPresent(d -> cors.put("maxAge", (int) d.toSeconds()));
        return f;
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
            if (isSticky(rule)) continue;
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
        if (!(o.path("spec").path("rules") instanceof ArrayNode rules)) return;
        Optional<SessionAffinity> affinity = SessionAffinity.of(canary);
        if (affinity.isPresent()) dropSticky(rules);
        for (int i = 0; i < rules.size(); i++) {
            JsonNode rule = rules.get(i);
            if (weightOf(rule, RouterObjects.primary(canary)).isEmpty()
                    || weightOf(rule, RouterObjects.canary(canary)).isEmpty()) continue;
            RouterObjects.setWeights(rule.path("backendRefs"), "/name", canary, r);
            ObjectNode ruleObj = (ObjectNode) rule;
            List<JsonNode> filters = new ArrayList<>();
            ObjectNode mirror = JsonNodeFactory.instance.objectNode().put("type", "RequestMirror");
            mirror.putObject("requestMirror").set("backendRef", serviceRef(RouterObjects.canary(canary)));
            rule.path("filters").forEach(f -> {
                if (!f.equals(mirror)) filters.add(f); // service.mirror entries stay
            });
            if (r.mirrored()) filters.add(mirror);
            if (filters.isEmpty()) ruleObj.remove("filters");
            else ruleObj.putArray("filters").addAll(filters);
            if (affinity.isPresent()) sticky(o, rules, i, r, affinity.get());
            return; // Flagger weighs rules[0] only; an A/B default rule stays all-primary
        }
    }

    /** The sticky rules of {@link StickyRules} on an HTTPRoute, before the weighted rule. */
    private void sticky(ObjectNode o, ArrayNode rules, int weightedIndex, Routes r, SessionAffinity a) {
        List<ObjectNode> before = stickyRules.before(o, (ObjectNode) rules.get(weightedIndex), r, a, canary, cookieValues);
        for (int i = before.size() - 1; i >= 0; i--) rules.insert(weightedIndex, before.get(i));
    }

    /** Routes by the cookie on an HTTPRoute: {@code Set-Cookie} by a {@code ResponseHeaderModifier} filter. */
    private final StickyRules stickyRules = new StickyRules() {
        @Override
        public ObjectNode sticky(ObjectNode weighted, String cookie, Routes routes) {
            ObjectNode rule = withCookie(weighted, cookie);
            RouterObjects.setWeights(rule.path("backendRefs"), "/name", canary, routes);
            rule.remove("filters"); // a sticky request goes to one side; mirroring it there again would double it
            return rule;
        }

        @Override
        public void setCookie(ObjectNode weighted, String service, String setCookie) {
            backendRef(weighted, service).ifPresent(b -> b.putArray("filters").add(GatewayApiRouter.setCookie(setCookie)));
        }

        @Override
        public ObjectNode expiring(ObjectNode weighted, String cookie, String setCookie) {
            ObjectNode expire = withCookie(weighted, cookie);
            expire.withArray("filters").add(GatewayApiRouter.setCookie(setCookie));
            return expire;
        }
    };

    /** A copy of {@code rule} without backend filters, each match also requiring the cookie. */
    private static ObjectNode withCookie(ObjectNode rule, String cookie) {
        ObjectNode copy = rule.deepCopy();
        copy.path("backendRefs").forEach(b -> ((ObjectNode) b).remove("filters"));
        ObjectNode header = JsonNodeFactory.instance.objectNode()
                .put("type", "RegularExpression").put("name", "Cookie").put("value", SessionAffinity.cookieRegex(cookie));
        ArrayNode matches = copy.withArray("matches");
        if (matches.isEmpty()) matches.addObject();
        matches.forEach(m -> ((ObjectNode) m).withArray("headers").add(header.deepCopy()));
        return copy;
    }

    private static ObjectNode setCookie(String value) {
        ObjectNode f = JsonNodeFactory.instance.objectNode().put("type", "ResponseHeaderModifier");
        f.putObject("responseHeaderModifier").putArray("add").addObject().put("name", "Set-Cookie").put("value", value);
        return f;
    }

    private static Optional<ObjectNode> backendRef(JsonNode rule, String service) {
        for (JsonNode b : rule.path("backendRefs")) {
            if (service.equals(b.path("name").asText())) return Optional.of((ObjectNode) b);
        }
        return Optional.empty();
    }

    /** Removes the rules and backend filters {@link #sticky} wrote, so it can write them afresh. */
    private void dropSticky(ArrayNode rules) {
        for (int i = rules.size() - 1; i >= 0; i--) {
            if (isSticky(rules.get(i))) rules.remove(i);
            else rules.get(i).path("backendRefs").forEach(b -> ((ObjectNode) b).remove("filters"));
        }
    }

    /** A rule that matches a session-affinity cookie of this canary (sticky or expiring). */
    private boolean isSticky(JsonNode rule) {
        Optional<SessionAffinity> a = SessionAffinity.of(canary);
        if (a.isEmpty()) return false;
        for (JsonNode m : rule.path("matches")) {
            for (JsonNode h : m.path("headers")) {
                String v = h.path("value").asText();
                if ("Cookie".equals(h.path("name").asText()) && "RegularExpression".equals(h.path("type").asText())
                        && (v.startsWith(".*" + a.get().cookieName() + ".*")
                        || a.get().primaryCookieName().filter(p -> v.startsWith(".*" + p + ".*")).isPresent())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Optional<Integer> weightOf(JsonNode rule, String service) {
        for (JsonNode b : rule.path("backendRefs")) {
            if (service.equals(b.path("name").asText())) return Optional.of(b.path("weight").asInt(1));
        }
        return Optional.empty();
    }
}
