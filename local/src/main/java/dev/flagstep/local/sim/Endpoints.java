package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.ResourceKind;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code Endpoints} the endpoints controller of kube-controller-manager keeps for a Service: every pod its
 * selector picks, under {@code addresses} when ready and {@code notReadyAddresses} otherwise; this is what
 * kube-proxy and ingress controllers send traffic to. The simulated cluster has no pod objects: a Deployment's
 * pods are its {@code status.replicas}, {@code status.readyReplicas} of them ready, named and addressed
 * deterministically.
 */
final class Endpoints {

    static final ResourceKind KIND = new ResourceKind("", "v1", "Endpoints", "endpoints");

    private Endpoints() {
    }

    /**
     * The Endpoints of {@code service} given the Deployments (each with the status the controllers just gave
     * it); empty for a Service without a selector, whose Endpoints Kubernetes leaves to the user.
     */
    static Optional<ObjectNode> of(JsonNode service, List<? extends JsonNode> deployments) {
        JsonNode selector = service.path("spec").path("selector");
        if (!selector.isObject() || selector.isEmpty()) return Optional.empty();
        String ns = service.path("metadata").path("namespace").asText();
        String name = service.path("metadata").path("name").asText();
        ObjectNode e = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "Endpoints");
        e.putObject("metadata").put("name", name).put("namespace", ns);
        ArrayNode subsets = e.putArray("subsets");
        ObjectNode subset = JsonNodeFactory.instance.objectNode();
        ArrayNode ready = subset.putArray("addresses");
        ArrayNode notReady = subset.putArray("notReadyAddresses");
        for (JsonNode d : deployments) {
            if (!ns.equals(d.path("metadata").path("namespace").asText()) || !selects(selector, d)) continue;
            String deployment = d.path("metadata").path("name").asText();
            int replicas = d.path("status").path("replicas").asInt(0);
            int readyReplicas = Math.min(replicas, d.path("status").path("readyReplicas").asInt(0));
            String pod = deployment + "-" + Long.toHexString(d.path("metadata").path("generation").asLong(1)) + "-";
            for (int i = 0; i < replicas; i++) {
                (i < readyReplicas ? ready : notReady).addObject().put("ip", ip(ns, deployment, i))
                        .putObject("targetRef").put("kind", "Pod").put("namespace", ns).put("name", pod + i);
            }
        }
        if (ready.isEmpty() && notReady.isEmpty()) return Optional.of(e); // no pod at all: no subset, as Kubernetes
        ArrayNode ports = subset.putArray("ports");
        for (JsonNode p : service.path("spec").path("ports")) {
            JsonNode target = p.path("targetPort");
            ports.addObject().put("name", p.path("name").asText(""))
                    .put("port", target.isInt() ? target.asInt() : p.path("port").asInt())
                    .put("protocol", p.path("protocol").asText("TCP"));
        }
        subsets.add(subset);
        return Optional.of(e);
    }

    /** The ready pods an Endpoints object lists. */
    static int ready(JsonNode endpoints) {
        int n = 0;
        for (JsonNode s : endpoints.path("subsets")) n += s.path("addresses").size();
        return n;
    }

    static int notReady(JsonNode endpoints) {
        int n = 0;
        for (JsonNode s : endpoints.path("subsets")) n += s.path("notReadyAddresses").size();
        return n;
    }

    /** A Service selects the pods of a Deployment whose pod template carries every label of its selector. */
    private static boolean selects(JsonNode selector, JsonNode deployment) {
        JsonNode labels = deployment.path("spec").path("template").path("metadata").path("labels");
        for (Map.Entry<String, JsonNode> e : selector.properties()) {
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) return false;
        }
        return true;
    }

    /** 10.x.y.(i+1), x.y from the Deployment: stable across passes, as pod IPs are for a pod's life. */
    private static String ip(String namespace, String deployment, int i) {
        int h = (namespace + "/" + deployment).hashCode() & 0xffff;
        return "10." + (h >> 8) + "." + (h & 0xff) + "." + (i % 254 + 1);
    }
}
