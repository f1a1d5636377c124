package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;

import java.util.List;
import java.util.Optional;

/**
 * Gloo Edge ({@code gloo.go}): two Upstreams {@code {ns}-{apex}-primaryupstream-{port}} and
 * {@code {ns}-{apex}-canaryupstream-{port}} on the generated Services (created once; with {@code upstreamRef}, their
 * settings are copied from that Upstream and its {@code loadBalancerConfig} kept in sync), and RouteTable
 * {@code {apex}} whose single route splits between them. A/B: one matcher with every header condition (exact or
 * regex) and every method of the analysis' matches; the route then takes only matching requests and the user's
 * VirtualService the rest. Weight 0 is written as an absent field (Gloo's Go types). No mirroring (ignored).
 */
public final class GlooRouter extends OwnedObjectRouter implements TrafficRouter {

    public static final ResourceKind UPSTREAM = new ResourceKind("gloo.solo.io", "v1", "Upstream", "upstreams");
    public static final ResourceKind ROUTE_TABLE = new ResourceKind("gateway.solo.io", "v1", "RouteTable", "routetables");
    /** The Upstream settings Flagger copies from {@code upstreamRef}. */
    static final List<String> UPSTREAM_CONFIG = List.of("labels", "sslConfig", "circuitBreakers", "connectionConfig",
            "loadBalancerConfig", "useHttp2", "initialStreamWindowSize", "initialConnectionWindowSize", "httpProxyHostName");

    public GlooRouter(KubeClient kube, CanarySpec canary) {
        super(kube, canary, ROUTE_TABLE, "RouteTable");
    }

    String upstreamName(String role) {
        return RouterObjects.namespace(canary) + "-" + RouterObjects.apex(canary) + "-" + role + "upstream-" + canary.service().port();
    }

    @Override
    public void reconcile() {
        Optional<ObjectNode> config = configUpstream();
        upstream(RouterObjects.primary(canary), upstreamName("primary"), config);
        upstream(RouterObjects.canary(canary), upstreamName("canary"), config);
        reconcileOwned();
    }

    /** {@code upstreamRef}: the Upstream whose settings the generated ones take (its namespace defaults to the canary's). */
    private Optional<ObjectNode> configUpstream() {
        JsonNode ref = canary.extra().path("upstreamRef");
        if (!ref.isObject()) return Optional.empty();
        String ns = ref.path("namespace").asText("");
        KubeRef r = UPSTREAM.ref(ns.isEmpty() ? RouterObjects.namespace(canary) : ns, ref.path("name").asText(""));
        return Optional.of(kube.get(r).orElseThrow(() -> new RouterException("gloo: config upstream " + r + " (spec.upstreamRef) not found")));
    }

    /** Flagger's createFlaggerUpstream: created from the Service if absent; else only its load balancer config follows the config upstream. */
    private void upstream(String service, String name, Optional<ObjectNode> config) {
        KubeRef svcRef = ResourceKind.SERVICE.ref(RouterObjects.namespace(canary), service);
        ObjectNode svc = kube.get(svcRef).orElseThrow(() -> new RouterException("gloo: " + svcRef + " not found: run Initialize first"));
        KubeRef ref = UPSTREAM.ref(RouterObjects.namespace(canary), name);
        Optional<ObjectNode> current = kube.get(ref);
        if (current.isPresent()) {
            JsonNode lb = config.map(c -> c.path("spec").path("loadBalancerConfig")).orElse(null);
            if (lb != null && lb.isObject() && !lb.equals(current.get().path("spec").path("loadBalancerConfig"))) {
                // replaced whole: Flagger's merge patch would keep a policy the config upstream dropped
                kube.edit(ref, o -> o.withObjectProperty("spec").set("loadBalancerConfig", lb.deepCopy()));
            }
            return;
        }
        ObjectNode u = JsonNodeFactory.instance.objectNode().put("apiVersion", UPSTREAM.apiVersion()).put("kind", UPSTREAM.kind());
        u.putObject("metadata").put("name", name).put("namespace", ref.namespace());
        ObjectNode spec = u.putObject("spec");
        config.ifPresent(c -> UPSTREAM_CONFIG.forEach(f -> {
            JsonNode v = c.path("spec").get(f);
            if (v != null && !v.isNull()) spec.set(f, v.deepCopy());
        }));
        ObjectNode k = spec.putObject("kube").put("serviceName", service).put("serviceNamespace", ref.namespace())
                .put("servicePort", canary.service().port());
        JsonNode selector = svc.path("spec").path("selector");
        if (selector.isObject() && !selector.isEmpty()) k.set("selector", selector.deepCopy());
        kube.createIfAbsent(UPSTREAM, u);
    }

    @Override
    public void setRoutes(Routes routes) {
        super.setRoutes(RouterObjects.requireWeights("gloo", routes));
    }

    @Override
    void writeSpec(ObjectNode spec) {
        ObjectNode route = spec.putArray("routes").addObject();
        List<JsonNode> ab = RouterObjects.abMatch(canary);
        ArrayNode headers = JsonNodeFactory.instance.arrayNode();
        for (Matches.Header h : Matches.headerList(ab)) {
            ObjectNode m = headers.addObject().put("name", h.name());
            // Flagger: exact, or regex with regex: true; prefix and suffix leave the name only
            if (!h.value("regex").isEmpty()) m.put("value", h.value("regex")).put("regex", true);
            else if (!h.value("exact").isEmpty()) m.put("value", h.value("exact"));
        }
        ArrayNode methods = JsonNodeFactory.instance.arrayNode();
        ab.forEach(m -> {
            if (m.path("method").isObject()) methods.add(m.path("method").path("exact").asText(""));
        });
        if (!headers.isEmpty() || !methods.isEmpty()) {
            ObjectNode matcher = route.putArray("matchers").addObject();
            if (!headers.isEmpty()) matcher.set("headers", headers);
            if (!methods.isEmpty()) matcher.set("methods", methods);
        }
        route.put("inheritablePathMatchers", true);
        ArrayNode destinations = route.putObject("routeAction").putObject("multi").putArray("destinations");
        destination(destinations, upstreamName("primary"), 100);
        destination(destinations, upstreamName("canary"), 0);
    }

    private void destination(ArrayNode destinations, String upstream, int weight) {
        ObjectNode d = destinations.addObject();
        d.putObject("destination").putObject("upstream").put("name", upstream).put("namespace", RouterObjects.namespace(canary));
        if (weight > 0) d.put("weight", weight);
    }

    private JsonNode destinations(ObjectNode o) {
        return o.path("spec").path("routes").path(0).path("routeAction").path("multi").path("destinations");
    }

    /** Flagger's GetRoutes: the primary upstream's weight in the first route; the canary gets the rest. */
    @Override
    Optional<Routes> read(ObjectNode o) {
        JsonNode destinations = destinations(o);
        if (destinations.size() < 2) return Optional.empty();
        for (JsonNode d : destinations) {
            if (d.at("/destination/upstream/name").asText().equals(upstreamName("primary"))) {
                return RouterObjects.fromPrimary(d.path("weight").asInt(0));
            }
        }
        return Optional.empty();
    }

    @Override
    void write(ObjectNode o, Routes r) {
        for (JsonNode d : destinations(o)) {
            String name = d.at("/destination/upstream/name").asText();
            int w = name.equals(upstreamName("primary")) ? r.primary() : name.equals(upstreamName("canary")) ? r.canary() : -1;
            if (w > 0) ((ObjectNode) d).put("weight", w);
            else if (w == 0) ((ObjectNode) d).remove("weight");
        }
    }
}
