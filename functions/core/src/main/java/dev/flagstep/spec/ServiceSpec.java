package dev.flagstep.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * {@code spec.service}. {@code gatewayRefs} and {@code match} are Kubernetes/Istio fragments kept
 * verbatim for the routers; {@code extra} keeps the other Flagger fields (retries, headers,
 * corsPolicy, trafficPolicy, gateways, ...) readable.
 */
public record ServiceSpec(
        Optional<String> name,
        int port,
        Optional<JsonNode> targetPort,
        Optional<String> portName,
        boolean portDiscovery,
        List<JsonNode> gatewayRefs,
        List<String> hosts,
        List<JsonNode> match,
        Optional<String> timeout,
        ObjectNode extra) {

    public ServiceSpec {
        gatewayRefs = List.copyOf(gatewayRefs);
        hosts = List.copyOf(hosts);
        match = List.copyOf(match);
    }

    /** The generated Services' {@code targetPort}, a copy: {@code targetPort} (a number or a port name), else {@code port}. */
    public JsonNode targetPortOrPort() {
        return targetPort.<JsonNode>map(JsonNode::deepCopy).orElseGet(() -> JsonNodeFactory.instance.numberNode(port));
    }

    /** {@code service.appProtocol}: the generated Services' main port's {@code appProtocol}. */
    public Optional<String> appProtocol() {
        return text("appProtocol");
    }

    /** {@code service.trafficDistribution}: the generated Services' {@code spec.trafficDistribution}. */
    public Optional<String> trafficDistribution() {
        return text("trafficDistribution");
    }

    private Optional<String> text(String field) {
        return Optional.of(extra.path(field)).filter(JsonNode::isTextual).map(JsonNode::asText).filter(v -> !v.isEmpty());
    }
}
