package dev.flagstep.router;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.JsonPatch;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.ObjectRef;
import dev.flagstep.spec.SessionAffinity;

import java.util.Optional;

/**
 * Beyond Flagger: the AWS Load Balancer Controller, the ingress most EKS clusters run, weighted as Argo Rollouts
 * does it. The user's Ingress ({@code spec.ingressRef}) routes to the action {@code {apex}}
 * ({@code backend.service: {name: {apex}, port: {name: use-annotation}}}) and flagstep owns one annotation on it,
 * {@code alb.ingress.kubernetes.io/actions.{apex}}: a forward action whose {@code targetGroups} are
 * {@code {apex}-primary} and {@code {apex}-canary} with their weights. One ALB listener rule then splits traffic
 * between two target groups, with no second Ingress. No A/B matching and no mirroring (ALB has neither for a
 * weighted forward). Session affinity: target-group stickiness while the canary has traffic (see {@link #action}).
 */
public final class AlbRouter implements TrafficRouter {

    public static final String ACTIONS_PREFIX = "alb.ingress.kubernetes.io/actions.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubeClient kube;
    private final CanarySpec canary;

    public AlbRouter(KubeClient kube, CanarySpec canary) {
        this.kube = kube;
        this.canary = canary;
    }

    KubeRef ingress() {
        String name = canary.ingressRef().map(ObjectRef::name).orElseThrow(() ->
                new RouterException("alb: spec.ingressRef is required (the Ingress whose rule is weighted)"));
        return ResourceKind.INGRESS.ref(RouterObjects.namespace(canary), name);
    }

    String annotationKey() {
        return ACTIONS_PREFIX + RouterObjects.apex(canary);
    }

    @Override
    public void reconcile() {
        if (!RouterObjects.abMatch(canary).isEmpty()) {
            throw new RouterException("alb: A/B testing (analysis.match) is not supported by the alb provider; use stepWeight(s)");
        }
        KubeRef ref = ingress();
        if (kube.get(ref).isEmpty()) {
            throw new RouterException("alb: " + ref + " (spec.ingressRef) not found: create your Ingress first");
        }
        kube.edit(ref, o -> {
            boolean found = false;
            for (JsonNode rule : o.path("spec").path("rules")) {
                for (JsonNode p : rule.path("http").path("paths")) {
                    JsonNode svc = p.path("backend").path("service");
                    if (RouterObjects.apex(canary).equals(svc.path("name").asText())) {
                        ((ObjectNode) svc).putObject("port").put("name", "use-annotation");
                        found = true;
                    }
                }
            }
            if (!found) {
                throw new RouterException("alb: no path of " + ref + " routes to service " + RouterObjects.apex(canary)
                        + " (the action name the weights are written to)");
            }
            Routes keep = read(o).orElse(Routes.allPrimary());
            RouterObjects.annotations(o).put(annotationKey(), action(keep));
        });
    }

    @Override
    public Routes getRoutes() {
        return read(kube.require(ingress())).orElseThrow(() -> new RouterException(ingress() + " has no "
                + annotationKey() + " forward action to " + RouterObjects.primary(canary) + " and " + RouterObjects.canary(canary)
                + ": run Initialize to reconcile it"));
    }

    @Override
    public void setRoutes(Routes routes) {
        Routes r = routes.unmirrored();
        kube.edit(ingress(), o -> {
            if (read(o).isEmpty()) throw new RouterException(ingress() + " has no " + annotationKey() + ": run Initialize");
            RouterObjects.annotations(o).put(annotationKey(), action(r));
        });
    }

    /** The forward action JSON, as the AWS Load Balancer Controller reads it. */
    String action(Routes r) {
        ObjectNode a = JsonNodeFactory.instance.objectNode().put("type", "forward");
        ObjectNode fwd = a.putObject("forwardConfig");
        var groups = fwd.putArray("targetGroups");
        String port = String.valueOf(canary.service().port());
        groups.addObject().put("serviceName", RouterObjects.primary(canary)).put("servicePort", port).put("weight", r.primary());
        groups.addObject().put("serviceName", RouterObjects.canary(canary)).put("servicePort", port).put("weight", r.canary());
        ObjectNode sticky = fwd.putObject("targetGroupStickinessConfig");
        Optional<SessionAffinity> affinity = SessionAffinity.of(canary);
        if (affinity.isPresent() && r.canary() > 0) {
            // session affinity by ALB's own cookie (AWSALBTG) while the canary has traffic; off again at weight 0,
            // so sticky clients return to the primary when the run ends (Flagger expires its cookie then)
            sticky.put("enabled", true).put("durationSeconds", affinity.get().maxAge());
        } else {
            sticky.put("enabled", false);
        }
        return a.toString();
    }

    private Optional<Routes> read(ObjectNode ingress) {
        JsonNode raw = ingress.path("metadata").path("annotations").path(annotationKey());
        if (!raw.isTextual()) return Optional.empty();
        JsonNode a;
        try {
            a = JSON.readTree(raw.asText());
        } catch (JsonProcessingException e) {
            throw new RouterException(ingress() + ": annotation " + annotationKey() + " is not JSON: " + e.getOriginalMessage());
        }
        return RouterObjects.weights(a.path("forwardConfig").path("targetGroups"), "/serviceName", canary);
    }

    /** The JSON Pointer of the owned annotation (for RBAC docs and tests). */
    String annotationPointer() {
        return "/metadata/annotations/" + JsonPatch.escape(annotationKey());
    }
}
