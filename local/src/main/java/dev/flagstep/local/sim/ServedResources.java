package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The resource types the simulated API server serves: the built-in kinds flagstep and its providers touch, plus
 * every served version of the CustomResourceDefinitions in its store (as {@code kubectl apply -f deploy/crds.yaml}
 * puts them there). Discovery and server-side printing read them from here.
 */
final class ServedResources {

    /** A column of {@code kubectl get}: a CRD's {@code additionalPrinterColumns} entry. */
    record Column(String name, String type, String jsonPath, int priority, String description) {
    }

    /** One resource type in one group version. */
    record Resource(String group, String version, String plural, String singular, String kind, boolean namespaced,
            List<String> categories, List<String> shortNames, boolean statusSubresource, List<Column> columns) {

        String groupVersion() {
            return group.isEmpty() ? version : group + "/" + version;
        }
    }

    static final String CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    private static final List<Resource> BUILT_IN = List.of(
            builtIn("", "namespaces", "Namespace", false, "ns"),
            builtIn("", "services", "Service", true, "svc"),
            builtIn("", "endpoints", "Endpoints", true, "ep"),
            builtIn("", "events", "Event", true, "ev"),
            builtIn("", "configmaps", "ConfigMap", true, "cm"),
            builtIn("", "secrets", "Secret", true),
            builtIn("", "pods", "Pod", true, "po"),
            builtIn("apps", "deployments", "Deployment", true, "deploy"),
            builtIn("apps", "daemonsets", "DaemonSet", true, "ds"),
            builtIn("networking.k8s.io", "ingresses", "Ingress", true, "ing"),
            new Resource("autoscaling", "v2", "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler",
                    true, List.of(), List.of("hpa"), true, List.of()),
            new Resource("keda.sh", "v1alpha1", "scaledobjects", "scaledobject", "ScaledObject", true, List.of(),
                    List.of("so"), true, List.of()),
            builtIn("gateway.networking.k8s.io", "gateways", "Gateway", true, "gtw"),
            builtIn("gateway.networking.k8s.io", "httproutes", "HTTPRoute", true),
            new Resource("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
                    "CustomResourceDefinition", false, List.of(), List.of("crd", "crds"), true, List.of()));

    private final Supplier<List<ObjectNode>> crds;

    /** @param crds the CustomResourceDefinition objects in the store, read at every call */
    ServedResources(Supplier<List<ObjectNode>> crds) {
        this.crds = crds;
    }

    /** @param shortNames kube-apiserver's (and the Gateway API CRDs'), which kubectl resolves only through discovery */
    private static Resource builtIn(String group, String plural, String kind, boolean namespaced, String... shortNames) {
        String version = "v1";
        String singular = kind.toLowerCase(java.util.Locale.ROOT);
        boolean status = List.of("Deployment", "DaemonSet", "Ingress", "Gateway", "HTTPRoute", "Service").contains(kind);
        // kubectl get all: the built-in kinds of the "all" category that the simulated cluster has
        List<String> categories = List.of("Service", "Pod", "Deployment", "DaemonSet").contains(kind) ? List.of("all") : List.of();
        return new Resource(group, version, plural, singular, kind, namespaced, categories, List.of(shortNames), status,
                List.of());
    }

    List<Resource> all() {
        List<Resource> all = new ArrayList<>(BUILT_IN);
        for (ObjectNode crd : crds.get()) all.addAll(fromCrd(crd));
        return all;
    }

    Optional<Resource> find(String group, String version, String plural) {
        return all().stream().filter(r -> r.group().equals(group) && r.version().equals(version) && r.plural().equals(plural))
                .findFirst();
    }

    /** The served versions of a CustomResourceDefinition. */
    static List<Resource> fromCrd(JsonNode crd) {
        JsonNode spec = crd.path("spec");
        JsonNode names = spec.path("names");
        List<Resource> out = new ArrayList<>();
        for (JsonNode v : spec.path("versions")) {
            if (!v.path("served").asBoolean(true)) continue;
            List<Column> columns = new ArrayList<>();
            for (JsonNode c : v.path("additionalPrinterColumns")) {
                columns.add(new Column(c.path("name").asText(), c.path("type").asText("string"), c.path("jsonPath").asText(),
                        c.path("priority").asInt(0), c.path("description").asText("")));
            }
            out.add(new Resource(spec.path("group").asText(), v.path("name").asText(), names.path("plural").asText(),
                    names.path("singular").asText(), names.path("kind").asText(),
                    !"Cluster".equals(spec.path("scope").asText()), strings(names.path("categories")),
                    strings(names.path("shortNames")), v.path("subresources").has("status"), List.copyOf(columns)));
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : array) out.add(s.asText());
        return List.copyOf(out);
    }
}
