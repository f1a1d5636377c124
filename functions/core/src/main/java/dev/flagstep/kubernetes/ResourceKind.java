package dev.flagstep.kubernetes;

import java.util.Objects;

/**
 * One Kubernetes resource type as the REST API addresses it. Only the kinds flagstep reads or writes are
 * listed; all of them are namespaced except the few marked {@code clusterScoped} (Kuma's TrafficRoute), whose
 * objects have the empty namespace.
 *
 * @param group  API group, empty for the core group
 * @param version API version within the group
 * @param kind   the object's {@code kind}
 * @param plural the URL segment
 * @param clusterScoped objects live outside namespaces: their paths have no {@code /namespaces/{ns}} segment
 */
public record ResourceKind(String group, String version, String kind, String plural, boolean clusterScoped) {

    public static final ResourceKind SERVICE = new ResourceKind("", "v1", "Service", "services");
    public static final ResourceKind CONFIG_MAP = new ResourceKind("", "v1", "ConfigMap", "configmaps");
    public static final ResourceKind SECRET = new ResourceKind("", "v1", "Secret", "secrets");
    public static final ResourceKind EVENT = new ResourceKind("", "v1", "Event", "events");
    public static final ResourceKind DEPLOYMENT = new ResourceKind("apps", "v1", "Deployment", "deployments");
    public static final ResourceKind DAEMON_SET = new ResourceKind("apps", "v1", "DaemonSet", "daemonsets");
    public static final ResourceKind INGRESS = new ResourceKind("networking.k8s.io", "v1", "Ingress", "ingresses");
    public static final ResourceKind HTTP_ROUTE = new ResourceKind("gateway.networking.k8s.io", "v1", "HTTPRoute", "httproutes");
    public static final ResourceKind HTTP_ROUTE_V1BETA1 = new ResourceKind("gateway.networking.k8s.io", "v1beta1", "HTTPRoute", "httproutes");
    public static final ResourceKind VIRTUAL_SERVICE = new ResourceKind("networking.istio.io", "v1beta1", "VirtualService", "virtualservices");
    public static final ResourceKind DESTINATION_RULE = new ResourceKind("networking.istio.io", "v1beta1", "DestinationRule", "destinationrules");
    /** SMI v1alpha1 (Flagger's linkerd router): weights are Kubernetes quantities, written as strings. */
    public static final ResourceKind TRAFFIC_SPLIT_V1ALPHA1 = new ResourceKind("split.smi-spec.io", "v1alpha1", "TrafficSplit", "trafficsplits");
    public static final ResourceKind TRAFFIC_SPLIT_V1ALPHA2 = new ResourceKind("split.smi-spec.io", "v1alpha2", "TrafficSplit", "trafficsplits");
    public static final ResourceKind TRAFFIC_SPLIT_V1ALPHA3 = new ResourceKind("split.smi-spec.io", "v1alpha3", "TrafficSplit", "trafficsplits");
    /** {@code spec.autoscalerRef}: autoscaling/v2 only (v2beta2 is served by no supported Kubernetes, Flagger 1.44 dropped it). */
    public static final ResourceKind HORIZONTAL_POD_AUTOSCALER = new ResourceKind("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers");
    public static final ResourceKind SCALED_OBJECT = new ResourceKind("keda.sh", "v1alpha1", "ScaledObject", "scaledobjects");

    /** Flagger's custom resources, read from the cluster when canaries come from it (docs/gitops.md). */
    public static final ResourceKind CANARY = new ResourceKind("flagger.app", "v1beta1", "Canary", "canaries");
    public static final ResourceKind METRIC_TEMPLATE = new ResourceKind("flagger.app", "v1beta1", "MetricTemplate", "metrictemplates");
    public static final ResourceKind ALERT_PROVIDER = new ResourceKind("flagger.app", "v1beta1", "AlertProvider", "alertproviders");

    /** Keptn's metrics objects, read (and Analyses created) by the keptn metric provider. */
    public static final ResourceKind KEPTN_METRIC = new ResourceKind("metrics.keptn.sh", "v1beta1", "KeptnMetric", "keptnmetrics");
    public static final ResourceKind KEPTN_ANALYSIS = new ResourceKind("metrics.keptn.sh", "v1beta1", "Analysis", "analyses");

    /** A namespaced kind. */
    public ResourceKind(String group, String version, String kind, String plural) {
        this(group, version, kind, plural, false);
    }

    public ResourceKind {
        Objects.requireNonNull(group, "group");
        requireText(version, "version");
        requireText(kind, "kind");
        requireText(plural, "plural");
    }

    /** {@code v1} for the core group, {@code group/version} otherwise: the object's {@code apiVersion}. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /**
     * The collection URL path in a namespace, e.g. {@code /apis/apps/v1/namespaces/test/deployments}; for a
     * cluster-scoped kind, {@link #clusterPath()} (its namespace must be empty).
     */
    public String collectionPath(String namespace) {
        if (clusterScoped) return clusterPath(namespace);
        String root = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
        return root + "/namespaces/" + segment(namespace) + "/" + plural;
    }

    /** The collection URL path across all namespaces, e.g. {@code /apis/flagger.app/v1beta1/canaries}. */
    public String clusterPath() {
        return (group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version) + "/" + plural;
    }

    /** The object URL path, e.g. {@code /api/v1/namespaces/test/services/podinfo}. */
    public String objectPath(String namespace, String name) {
        return collectionPath(namespace) + "/" + segment(name);
    }

    private String clusterPath(String namespace) {
        if (!namespace.isEmpty()) {
            throw new IllegalArgumentException(kind + " is cluster-scoped: no namespace, got '" + namespace + "'");
        }
        return clusterPath();
    }

    public KubeRef ref(String namespace, String name) {
        return new KubeRef(this, namespace, name);
    }

    /** Kubernetes names are DNS labels/subdomains; anything else would smuggle path segments into the URL. */
    private static String segment(String s) {
        if (!s.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
            throw new IllegalArgumentException("not a Kubernetes object name or namespace: '" + s + "'");
        }
        return s;
    }

    private static void requireText(String s, String what) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException(what + " must not be blank");
    }
}
