package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;

import java.util.List;
import java.util.Optional;

/**
 * Contour ({@code contour.go}): HTTPProxy {@code {apex}} whose route sends to {@code {apex}-primary} and
 * {@code {apex}-canary} on {@code service.port}, each with Linkerd's {@code l5d-dst-override} header, under the
 * prefix {@code service.match[0].uri.prefix} (else {@code /}), with {@code service.timeout} and
 * {@code service.retries} as Contour policies. A/B: a first route whose conditions are the analysis' header
 * matches (all ANDed) takes the weights; a second, plain route stays on the primary. Contour writes weight 0 as
 * an absent field. No mirroring (a mirror request is ignored, as in Flagger).
 */
public final class ContourRouter extends OwnedObjectRouter implements TrafficRouter {

    public static final ResourceKind HTTP_PROXY = new ResourceKind("projectcontour.io", "v1", "HTTPProxy", "httpproxies");

    public ContourRouter(KubeClient kube, CanarySpec canary) {
        super(kube, canary, HTTP_PROXY, "HTTPProxy");
    }

    @Override
    public void setRoutes(Routes routes) {
        super.setRoutes(RouterObjects.requireWeights("contour", routes));
    }

    @Override
    void writeSpec(ObjectNode spec) {
        ArrayNode routes = spec.putArray("routes");
        List<JsonNode> ab = RouterObjects.abMatch(canary);
        if (!ab.isEmpty()) {
            ObjectNode r = routes.addObject();
            ArrayNode conditions = r.putArray("conditions");
            for (Matches.Header h : Matches.headerList(ab)) {
                ObjectNode c = conditions.addObject().put("prefix", prefix()).putObject("header").put("name", h.name());
                // Flagger: suffix and prefix become "contains"; a regex has no Contour form and leaves the name only
                if (!h.value("prefix").isEmpty()) c.put("contains", h.value("prefix"));
                else if (!h.value("suffix").isEmpty()) c.put("contains", h.value("suffix"));
                else if (!h.value("exact").isEmpty()) c.put("exact", h.value("exact"));
            }
            policiesAndServices(r);
        }
        ObjectNode plain = routes.addObject();
        plain.putArray("conditions").addObject().put("prefix", prefix());
        policiesAndServices(plain);
    }

    private String prefix() {
        List<JsonNode> m = canary.service().match();
        String p = m.isEmpty() ? "" : m.get(0).path("uri").path("prefix").asText("");
        return p.isEmpty() ? "/" : p;
    }

    private void policiesAndServices(ObjectNode route) {
        canary.service().timeout().ifPresent(t -> route.putObject("timeoutPolicy").put("response", t).put("idle", "5m"));
        JsonNode retries = canary.service().extra().path("retries");
        if (retries.isObject()) {
            ObjectNode rp = route.putObject("retryPolicy").put("count", retries.path("attempts").asLong(0));
            if (!retries.path("perTryTimeout").asText("").isEmpty()) rp.put("perTryTimeout", retries.get("perTryTimeout").asText());
            ArrayNode on = rp.putArray("retryOn");
            for (String v : retries.path("retryOn").asText("").split(",", -1)) on.add(v);
        }
        ArrayNode services = route.putArray("services");
        service(services, RouterObjects.primary(canary), 100);
        service(services, RouterObjects.canary(canary), 0);
    }

    private void service(ArrayNode services, String name, int weight) {
        int port = canary.service().port();
        ObjectNode s = services.addObject().put("name", name).put("port", port);
        if (weight > 0) s.put("weight", weight);
        s.putObject("requestHeadersPolicy").putArray("set").addObject().put("name", "l5d-dst-override")
                .put("value", name + "." + RouterObjects.namespace(canary) + ".svc.cluster.local:" + port);
    }

    /** Flagger's GetRoutes: the primary's weight in the first route; the canary gets the rest. */
    @Override
    Optional<Routes> read(ObjectNode o) {
        JsonNode services = o.path("spec").path("routes").path(0).path("services");
        if (services.size() < 2) return Optional.empty();
        for (JsonNode s : services) {
            if (s.path("name").asText().equals(RouterObjects.primary(canary))) {
                return RouterObjects.fromPrimary(s.path("weight").asInt(0));
            }
        }
        return Optional.empty();
    }

    /** The weights go to the first route (the A/B route when there is one); the plain route stays on the primary. */
    @Override
    void write(ObjectNode o, Routes r) {
        for (JsonNode s : o.path("spec").path("routes").path(0).path("services")) {
            String name = s.path("name").asText();
            int w = name.equals(RouterObjects.primary(canary)) ? r.primary()
                    : name.equals(RouterObjects.canary(canary)) ? r.canary() : -1;
            if (w > 0) ((ObjectNode) s).put("weight", w);
            else if (w == 0) ((ObjectNode) s).remove("weight");
        }
    }
}
