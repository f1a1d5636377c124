package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.LastApplied;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.ObjectRef;

import java.util.List;
import java.util.Map;

/**
 * NGINX ingress ({@code ingress.go}): Ingress {@code {ingressRef.name}-canary}, a clone of the user's
 * {@code ingressRef} (which is never modified) whose backend {@code {apex}} is renamed {@code {apex}-canary},
 * carrying {@code nginx.ingress.kubernetes.io/canary: "true"} and {@code canary-weight}. A/B: a {@code cookie}
 * match becomes {@code canary-by-cookie}, another header {@code canary-by-header} plus
 * {@code canary-by-header-value} (exact) or {@code canary-by-header-pattern} (regex).
 */
public final class NginxRouter implements TrafficRouter {

    public static final String DEFAULT_PREFIX = "nginx.ingress.kubernetes.io";

    private final KubeClient kube;
    private final CanarySpec canary;
    private final String prefix;

    public NginxRouter(KubeClient kube, CanarySpec canary) {
        this(kube, canary, DEFAULT_PREFIX);
    }

    /** @param annotationPrefix Flagger's {@code -ingress-annotations-prefix} */
    public NginxRouter(KubeClient kube, CanarySpec canary, String annotationPrefix) {
        this.kube = kube;
        this.canary = canary;
        this.prefix = annotationPrefix;
    }

    private String userIngressName() {
        return canary.ingressRef().map(ObjectRef::name).orElseThrow(() ->
                new RouterException("nginx: spec.ingressRef is required (the Ingress to clone for the canary)"));
    }

    KubeRef canaryIngress() {
        return ResourceKind.INGRESS.ref(RouterObjects.namespace(canary), userIngressName() + "-canary");
    }

    private String a(String name) {
        return prefix + "/" + name;
    }

    @Override
    public void reconcile() {
        KubeRef userRef = ResourceKind.INGRESS.ref(RouterObjects.namespace(canary), userIngressName());
        ObjectNode user = kube.get(userRef).orElseThrow(() ->
                new RouterException("nginx: " + userRef + " (spec.ingressRef) not found: create your Ingress first"));
        ObjectNode spec = ((ObjectNode) user.path("spec")).deepCopy();
        boolean found = false;
        for (JsonNode rule : spec.path("rules")) {
            for (JsonNode p : rule.path("http").path("paths")) {
                JsonNode svc = p.path("backend").path("service");
                if (RouterObjects.apex(canary).equals(svc.path("name").asText())) {
                    ((ObjectNode) svc).put("name", RouterObjects.canary(canary));
                    found = true;
                }
            }
        }
        if (!found) {
            throw new RouterException("nginx: backend " + RouterObjects.apex(canary) + " not found in ingress " + userIngressName());
        }
        KubeRef ref = canaryIngress();
        ObjectNode desired = RouterObjects.generated(ResourceKind.INGRESS, ref.name(), ref.namespace());
        JsonNode labels = user.path("metadata").path("labels");
        if (labels.isObject() && !labels.isEmpty()) desired.withObjectProperty("metadata").set("labels", labels.deepCopy());
        ObjectNode ann = RouterObjects.annotations(desired);
        user.path("metadata").path("annotations").properties().forEach(e -> ann.set(e.getKey(), e.getValue().deepCopy()));
        resetCanaryAnnotations(ann);
        RouterObjects.markGenerated(desired);
        desired.set("spec", spec);
        if (kube.createIfAbsent(ResourceKind.INGRESS, desired).isPresent()) return;
        kube.edit(ref, o -> {
            o.set("spec", spec.deepCopy());
            RouterObjects.markGenerated(o);
        });
    }

    @Override
    public Routes getRoutes() {
        ObjectNode ing = kube.require(canaryIngress());
        JsonNode ann = ing.path("metadata").path("annotations");
        if (!RouterObjects.abMatch(canary).isEmpty() && (ann.has(a("canary-by-cookie")) || ann.has(a("canary-by-header")))) {
            return Routes.allCanary();
        }
        String w = ann.path(a("canary-weight")).asText("0");
        try {
            int canaryWeight = Integer.parseInt(w);
            return new Routes(100 - canaryWeight, canaryWeight, false);
        } catch (IllegalArgumentException e) {
            throw new RouterException(canaryIngress() + ": annotation " + a("canary-weight") + " is not a weight 0..100: '" + w + "'");
        }
    }

    @Override
    public void setRoutes(Routes routes) {
        int canaryWeight = routes.canary();
        List<JsonNode> ab = RouterObjects.abMatch(canary);
        kube.edit(canaryIngress(), o -> {
            ObjectNode ann = RouterObjects.annotations(o);
            if (!ab.isEmpty()) {
                ann.put(a("canary"), "true");
                for (Map.Entry<String, JsonNode> h : Matches.headers(ab).entrySet()) {
                    if (h.getKey().equals("cookie")) {
                        if (h.getValue().hasNonNull("exact")) ann.put(a("canary-by-cookie"), h.getValue().get("exact").asText());
                    } else {
                        ann.put(a("canary-by-header"), h.getKey());
                        if (h.getValue().hasNonNull("exact")) ann.put(a("canary-by-header-value"), h.getValue().get("exact").asText());
                        if (h.getValue().hasNonNull("regex")) ann.put(a("canary-by-header-pattern"), h.getValue().get("regex").asText());
                    }
                }
            } else {
                ann.put(a("canary-weight"), String.valueOf(canaryWeight));
            }
            // weight 0 switches the canary ingress off entirely (A/B matches included), as Flagger does
            if (canaryWeight == 0) resetCanaryAnnotations(ann);
        });
    }

    /** Flagger's {@code makeAnnotations}: drop every canary annotation, then {@code canary=true}, {@code canary-weight=0}. */
    private void resetCanaryAnnotations(ObjectNode ann) {
        List<String> drop = new java.util.ArrayList<>();
        ann.fieldNames().forEachRemaining(k -> {
            if (k.contains(a("canary")) || k.contains(LastApplied.ANNOTATION)) drop.add(k);
        });
        ann.remove(drop);
        ann.put(a("canary"), "true");
        ann.put(a("canary-weight"), "0");
    }
}
