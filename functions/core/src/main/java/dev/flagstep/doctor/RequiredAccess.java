package dev.flagstep.doctor;

import dev.flagstep.net.ServiceAddress;
import dev.flagstep.spec.AutoscalerRef;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.KnativeTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What flagstep's Kubernetes identity must be allowed to do for one canary: its target, the Services it generates,
 * tracked configs, the autoscaler copy, its router's objects, the service proxy of its cluster-address receivers,
 * and, for a canary from a Canary object, that object's status and Events. The same rules as the Role in
 * docs/routers.md and docs/gitops.md. Pure.
 */
public final class RequiredAccess {

    /** What flagstep does to the objects it owns, as docs/routers.md grants it. */
    static final List<String> OWNED = List.of("get", "list", "create", "patch", "delete");

    private RequiredAccess() {
    }

    /**
     * @param receivers   the cluster Services its webhooks call (POST: {@code create} on services/proxy)
     * @param queried     the cluster Services its metrics are read from (GET: {@code get} on services/proxy)
     * @param fromCluster the canary comes from a Canary object (its status and Events are written)
     */
    public static List<Access> of(CanarySpec canary, List<ServiceAddress> receivers, List<ServiceAddress> queried,
                                  boolean fromCluster) {
        Map<String, Access> out = new LinkedHashMap<>();
        String ns = canary.id().namespace();
        String provider = canary.provider().orElse("istio");
        if (KnativeTarget.is(canary.targetRef())) {
            add(out, "serving.knative.dev", "services", List.of("get", "list", "patch"), ns, "the target Knative Service");
            add(out, "serving.knative.dev", "revisions", List.of("get"), ns, "revision readiness");
        } else {
            switch (canary.targetRef().kind()) {
                case "DaemonSet" -> add(out, "apps", "daemonsets", List.of("get", "create", "patch", "delete"), ns, "the target and its primary");
                case "Service" -> { } // the Service rule below covers the target and its copies
                default -> add(out, "apps", "deployments", OWNED, ns, "the target and its primary");
            }
            add(out, "", "services", OWNED, ns, "the apex, primary and canary Services");
            add(out, "", "configmaps", List.of("get", "create", "patch"), ns, "tracked ConfigMaps and their primary copies");
            add(out, "", "secrets", List.of("get", "create", "patch"), ns, "tracked Secrets and their primary copies");
        }
        canary.autoscalerRef().ifPresent(a -> {
            if (a.kind() == AutoscalerRef.Kind.SCALED_OBJECT) {
                add(out, "keda.sh", "scaledobjects", List.of("get", "create", "patch"), ns, "the primary ScaledObject");
            } else {
                add(out, "autoscaling", "horizontalpodautoscalers", List.of("get", "create", "patch"), ns, "the primary HPA");
            }
        });
        for (String[] object : routerObjects(provider)) {
            // Kuma's TrafficRoute is cluster-scoped
            add(out, object[0], object[1], OWNED, provider.equals("kuma") ? "" : ns, "the " + provider + " router's objects");
        }
        for (ServiceAddress r : receivers) {
            add(out, "", "services/proxy", List.of("create"), r.namespace(), "webhook receiver " + r.shown());
        }
        for (ServiceAddress q : queried) {
            add(out, "", "services/proxy", List.of("get"), q.namespace(), "metrics server " + q.shown());
        }
        if (fromCluster) {
            add(out, "flagger.app", "canaries", List.of("get", "list", "patch"), ns, "the Canary object");
            add(out, "flagger.app", "canaries/status", List.of("patch"), ns, "Flagger's status on the Canary object");
            add(out, "", "events", List.of("create", "patch"), ns, "the Canary object's Events");
        }
        return List.copyOf(out.values());
    }

    /** {apiGroup, resource} of the objects each router writes (docs/routers.md). */
    static List<String[]> routerObjects(String provider) {
        if (provider.startsWith("gatewayapi")) return List.<String[]>of(new String[] {"gateway.networking.k8s.io", "httproutes"});
        if (provider.startsWith("smi") || provider.equals("linkerd") || provider.equals("osm")) {
            return List.<String[]>of(new String[] {"split.smi-spec.io", "trafficsplits"});
        }
        List<String[]> out = new ArrayList<>();
        switch (provider) {
            case "istio" -> {
                out.add(new String[] {"networking.istio.io", "virtualservices"});
                out.add(new String[] {"networking.istio.io", "destinationrules"});
            }
            case "nginx", "alb", "skipper" -> out.add(new String[] {"networking.k8s.io", "ingresses"});
            case "kuma" -> out.add(new String[] {"kuma.io", "trafficroutes"});
            case "contour" -> out.add(new String[] {"projectcontour.io", "httpproxies"});
            case "gloo" -> {
                out.add(new String[] {"gloo.solo.io", "upstreams"});
                out.add(new String[] {"gateway.solo.io", "routetables"});
            }
            case "traefik" -> out.add(new String[] {"traefik.io", "traefikservices"});
            case "apisix" -> out.add(new String[] {"apisix.apache.org", "apisixroutes"});
            default -> { } // kubernetes and knative write no router object
        }
        return out;
    }

    /** The first reason given for a permission is kept: one review per verb, resource and namespace. */
    private static void add(Map<String, Access> out, String group, String resource, List<String> verbs, String namespace,
                            String why) {
        for (String verb : verbs) {
            out.putIfAbsent(String.join("|", group, resource, verb, namespace), new Access(group, resource, verb, namespace, why));
        }
    }
}
