package dev.flagstep.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.spec.ServiceSpec;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ports of the Services flagstep generates ({@code {apex}}, {@code {apex}-primary}, {@code {apex}-canary}), as
 * Flagger's {@code KubernetesDefaultRouter.reconcileService} builds them: the canary's port first (with
 * {@code service.appProtocol}), then with {@code service.portDiscovery} every other container port of the target.
 */
public final class ServicePorts {

    /** Flagger leaves the mesh proxies' ports out of discovery, by container name. */
    static final Set<String> SIDECARS = Set.of("istio-proxy", "envoy");

    private ServicePorts() {
    }

    /** @param podSpec the target's {@code spec.template.spec} */
    public static ArrayNode of(ServiceSpec service, JsonNode podSpec) {
        ArrayNode ports = JsonNodeFactory.instance.arrayNode();
        ObjectNode main = ports.addObject()
                .put("name", service.portName().orElse("http"))
                .put("port", service.port())
                .put("protocol", "TCP");
        main.set("targetPort", service.targetPortOrPort());
        service.appProtocol().ifPresent(p -> main.put("appProtocol", p));
        if (service.portDiscovery()) {
            discovered(service, podSpec).forEach((name, port) -> ports.addObject()
                    .put("name", name).put("protocol", "TCP").put("port", port).put("targetPort", port));
        }
        return ports;
    }

    /**
     * Flagger's {@code getPorts}: each container port but the one the canary's port targets, named by its name or
     * {@code tcp-{container}-{index}}; a later container's port of the same name wins. Sorted by name (Flagger's
     * map order is random; the Service's port order carries no meaning).
     */
    static Map<String, Integer> discovered(ServiceSpec service, JsonNode podSpec) {
        JsonNode target = service.targetPortOrPort();
        Map<String, Integer> ports = new TreeMap<>();
        for (JsonNode c : podSpec.path("containers")) {
            String container = c.path("name").asText();
            if (SIDECARS.contains(container)) continue;
            JsonNode declared = c.path("ports");
            for (int i = 0; i < declared.size(); i++) {
                JsonNode p = declared.get(i);
                int number = p.path("containerPort").asInt();
                String name = p.path("name").asText("");
                boolean served = target.isNumber() ? number == target.asInt() : name.equals(target.asText());
                if (served) continue;
                ports.put(name.isEmpty() ? "tcp-" + container + "-" + i : name, number);
            }
        }
        return ports;
    }

    /** {@code wanted} with the {@code nodePort} an existing port of the same name has (Flagger keeps them). */
    static ArrayNode keepingNodePorts(ArrayNode wanted, JsonNode existing) {
        ArrayNode out = wanted.deepCopy();
        for (JsonNode w : out) {
            for (JsonNode e : existing) {
                if (e.path("name").asText().equals(w.path("name").asText()) && e.path("nodePort").asInt(0) > 0) {
                    ((ObjectNode) w).put("nodePort", e.path("nodePort").asInt());
                    break;
                }
            }
        }
        return out;
    }

    /** The same ports in any order (Flagger compares them sorted): the API server keeps whichever order it has. */
    static boolean sameSet(JsonNode a, JsonNode b) {
        return a.size() == b.size() && sorted(a).equals(sorted(b));
    }

    private static Map<String, JsonNode> sorted(JsonNode ports) {
        Map<String, JsonNode> byKey = new TreeMap<>();
        for (JsonNode p : ports) byKey.put(p.path("port").asInt() + "/" + p.path("name").asText(), p);
        return byKey;
    }
}
