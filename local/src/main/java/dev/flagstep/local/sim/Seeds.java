package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.ObjectRef;
import dev.flagstep.spec.ServiceTarget;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a user already has in the cluster before flagstep's first run of a canary: the target Deployment (or DaemonSet) and,
 * per provider, the objects the router expects to find (never the ones flagstep creates itself: the primary,
 * the services and the route are Initialize's job, and seeding them would hide a bug there). The user's own
 * apex Service of a live service is seeded only when asked ({@link #apexService}).
 */
final class Seeds {

    /** One object to create, with its kind. */
    record Seed(ResourceKind kind, ObjectNode object) {}

    private Seeds() {
    }

    /** @param now the cluster's time, for the conditions seeded objects start with */
    static List<Seed> forCanary(CanarySpec canary, String image, String provider, Instant now) {
        List<Seed> seeds = new ArrayList<>();
        seeds.add("DaemonSet".equals(canary.targetRef().kind())
                ? new Seed(ResourceKind.DAEMON_SET, daemonSet(canary, image))
                : new Seed(ResourceKind.DEPLOYMENT, deployment(canary, image)));
        // a Service target is the user's apex: the Service flagstep copies, in front of the Deployment's pods
        if (ServiceTarget.is(canary.targetRef())) seeds.add(new Seed(ResourceKind.SERVICE, apexService(canary)));
        switch (providerFamily(provider)) {
            case NGINX -> canary.ingressRef().ifPresent(i -> seeds.add(new Seed(ResourceKind.INGRESS, nginxIngress(canary, i))));
            case ALB -> canary.ingressRef().ifPresent(i -> seeds.add(new Seed(ResourceKind.INGRESS, albIngress(canary, i))));
            case GATEWAY_API -> canary.service().gatewayRefs().stream().filter(Seeds::namesAGateway)
                    .forEach(g -> seeds.add(new Seed(MockApi.GATEWAY, gateway(canary, g, now))));
            // istio, smi, kubernetes: flagstep creates all it routes with; an unknown provider is its router's error
            case OTHER -> { }
        }
        return seeds;
    }

    private enum Family { NGINX, ALB, GATEWAY_API, OTHER }

    private static Family providerFamily(String provider) {
        String p = provider.strip();
        if (p.equals("nginx")) return Family.NGINX;
        if (p.equals("alb")) return Family.ALB;
        if (p.equals("gatewayapi") || p.startsWith("gatewayapi:")) return Family.GATEWAY_API;
        return Family.OTHER;
    }

    /** {@code {name}} with {@code app: {name}}, 2 replicas, one container serving the service's target port. */
    static ObjectNode deployment(CanarySpec canary, String image) {
        String name = canary.targetRef().name();
        ObjectNode d = object("apps/v1", "Deployment", name, canary.id().namespace());
        ((ObjectNode) d.path("metadata")).putObject("labels").put("app", name);
        ObjectNode spec = d.putObject("spec").put("replicas", 2);
        spec.putObject("selector").putObject("matchLabels").put("app", name);
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("app", name);
        ObjectNode container = template.putObject("spec").putArray("containers").addObject().put("name", name).put("image", image);
        ObjectNode port = container.putArray("ports").addObject();
        // a named targetPort names the container port; a numbered one is the container port
        JsonNode targetPort = canary.service().targetPortOrPort();
        if (targetPort.isTextual()) {
            port.put("name", targetPort.asText()).put("containerPort", canary.service().port());
        } else {
            port.put("name", canary.service().portName().orElse("http")).put("containerPort", targetPort.asInt());
        }
        port.put("protocol", "TCP");
        return d;
    }

    /** {@link #deployment} as a DaemonSet with the RollingUpdate strategy: one pod on every node. */
    static ObjectNode daemonSet(CanarySpec canary, String image) {
        ObjectNode d = deployment(canary, image).put("kind", "DaemonSet");
        ObjectNode spec = (ObjectNode) d.path("spec");
        spec.remove("replicas");
        spec.putObject("updateStrategy").put("type", "RollingUpdate");
        return d;
    }

    /** The user's Service {@code {apex}} in front of the target's pods, as it stands before flagstep. */
    static ObjectNode apexService(CanarySpec canary) {
        ObjectNode svc = object("v1", "Service", canary.apexName(), canary.id().namespace());
        ObjectNode spec = svc.putObject("spec").put("type", "ClusterIP");
        spec.putObject("selector").put("app", canary.targetRef().name());
        ObjectNode port = spec.putArray("ports").addObject()
                .put("name", canary.service().portName().orElse("http")).put("port", canary.service().port()).put("protocol", "TCP");
        port.set("targetPort", canary.service().targetPortOrPort());
        return svc;
    }

    /** The user's NGINX Ingress, routing to the apex service; flagstep clones it into {@code {name}-canary}. */
    static ObjectNode nginxIngress(CanarySpec canary, ObjectRef ref) {
        ObjectNode ing = object("networking.k8s.io/v1", "Ingress", ref.name(), canary.id().namespace());
        ObjectNode spec = ing.putObject("spec").put("ingressClassName", "nginx");
        ObjectNode port = JsonNodeFactory.instance.objectNode().put("number", canary.service().port());
        rules(spec, canary, port);
        return ing;
    }

    /** The user's ALB Ingress as docs/routers.md tells users to write it: the apex backend uses the action. */
    static ObjectNode albIngress(CanarySpec canary, ObjectRef ref) {
        ObjectNode ing = object("networking.k8s.io/v1", "Ingress", ref.name(), canary.id().namespace());
        ((ObjectNode) ing.path("metadata")).putObject("annotations")
                .put("alb.ingress.kubernetes.io/scheme", "internet-facing")
                .put("alb.ingress.kubernetes.io/target-type", "ip");
        ObjectNode spec = ing.putObject("spec").put("ingressClassName", "alb");
        rules(spec, canary, JsonNodeFactory.instance.objectNode().put("name", "use-annotation"));
        return ing;
    }

    private static void rules(ObjectNode spec, CanarySpec canary, ObjectNode servicePort) {
        ArrayNode rules = spec.putArray("rules");
        List<String> hosts = canary.service().hosts().isEmpty() ? List.of("") : canary.service().hosts();
        for (String host : hosts) {
            ObjectNode rule = rules.addObject();
            if (!host.isEmpty()) rule.put("host", host);
            ObjectNode path = rule.putObject("http").putArray("paths").addObject().put("path", "/").put("pathType", "Prefix");
            path.putObject("backend").putObject("service").put("name", canary.apexName()).set("port", servicePort.deepCopy());
        }
    }

    /** A parentRef may also name a Service (GAMMA, mesh routing) or lack a name (the validator's business). */
    private static boolean namesAGateway(JsonNode ref) {
        return ref.path("name").isTextual() && !ref.path("name").asText().isEmpty()
                && ref.path("kind").asText("Gateway").equals("Gateway");
    }

    /** A Gateway named by a {@code gatewayRefs} entry, with an HTTP listener open to routes from any namespace. */
    static ObjectNode gateway(CanarySpec canary, JsonNode ref, Instant now) {
        String ns = ref.path("namespace").asText(canary.id().namespace());
        ObjectNode gw = object("gateway.networking.k8s.io/v1", "Gateway", ref.path("name").asText(), ns);
        ObjectNode spec = gw.putObject("spec").put("gatewayClassName", "flagstep-simulated");
        ObjectNode listener = spec.putArray("listeners").addObject().put("name", "http").put("port", 80).put("protocol", "HTTP");
        listener.putObject("allowedRoutes").putObject("namespaces").put("from", "All");
        // written once: the mock keeps a created object's status (no status subresource), and nothing changes it
        ArrayNode conditions = gw.putObject("status").putArray("conditions");
        for (String type : List.of("Accepted", "Programmed")) {
            conditions.addObject().put("type", type).put("status", "True").put("reason", type)
                    .put("observedGeneration", 1).put("lastTransitionTime", Conditions.time(now));
        }
        return gw;
    }

    private static ObjectNode object(String apiVersion, String kind, String name, String namespace) {
        ObjectNode o = JsonNodeFactory.instance.objectNode().put("apiVersion", apiVersion).put("kind", kind);
        o.putObject("metadata").put("name", name).put("namespace", namespace);
        return o;
    }
}
