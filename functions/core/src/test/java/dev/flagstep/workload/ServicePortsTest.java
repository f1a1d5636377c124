package dev.flagstep.workload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.flagstep.spec.ServiceSpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServicePortsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** podinfo with a metrics port, a grpc port without a name, and an Istio sidecar. */
    private static final String POD = """
            {"containers": [
              {"name": "podinfod", "ports": [
                {"name": "http", "containerPort": 9898},
                {"name": "http-metrics", "containerPort": 9797},
                {"containerPort": 9999}]},
              {"name": "istio-proxy", "ports": [{"name": "http-envoy-prom", "containerPort": 15090}]}]}""";

    private static ServiceSpec service(Optional<JsonNode> targetPort, boolean discovery, String extra) throws Exception {
        return new ServiceSpec(Optional.empty(), 9898, targetPort, Optional.empty(), discovery, List.of(), List.of(),
                List.of(), Optional.empty(), (ObjectNode) JSON.readTree(extra));
    }

    @Test
    void withoutDiscoveryThereIsTheCanaryPortOnly() throws Exception {
        assertThat(ServicePorts.of(service(Optional.empty(), false, "{}"), JSON.readTree(POD))).isEqualTo(JSON.readTree(
                "[{\"name\": \"http\", \"port\": 9898, \"protocol\": \"TCP\", \"targetPort\": 9898}]"));
    }

    @Test
    void discoveryAddsTheOtherContainerPortsButTheSidecarsAndTheServedOne() throws Exception {
        assertThat(ServicePorts.of(service(Optional.empty(), true, "{\"appProtocol\": \"http\"}"), JSON.readTree(POD)))
                .isEqualTo(JSON.readTree("""
                        [{"name": "http", "port": 9898, "protocol": "TCP", "targetPort": 9898, "appProtocol": "http"},
                         {"name": "http-metrics", "protocol": "TCP", "port": 9797, "targetPort": 9797},
                         {"name": "tcp-podinfod-2", "protocol": "TCP", "port": 9999, "targetPort": 9999}]"""));
    }

    @Test
    void theServedPortIsFoundByTargetPortNumberOrName() throws Exception {
        assertThat(ServicePorts.discovered(service(Optional.of(IntNode.valueOf(9797)), true, "{}"), JSON.readTree(POD)))
                .containsOnlyKeys("http", "tcp-podinfod-2");
        assertThat(ServicePorts.discovered(service(Optional.of(TextNode.valueOf("http-metrics")), true, "{}"), JSON.readTree(POD)))
                .containsOnlyKeys("http", "tcp-podinfod-2");
        // with no targetPort the canary's port number is the served one
        assertThat(ServicePorts.discovered(service(Optional.empty(), true, "{}"), JSON.readTree(POD)))
                .containsOnlyKeys("http-metrics", "tcp-podinfod-2");
    }

    @Test
    void aLaterContainerPortOfTheSameNameWins() throws Exception {
        JsonNode pod = JSON.readTree("""
                {"containers": [{"name": "a", "ports": [{"name": "admin", "containerPort": 8001}]},
                                {"name": "b", "ports": [{"name": "admin", "containerPort": 8002}]}]}""");
        assertThat(ServicePorts.discovered(service(Optional.empty(), true, "{}"), pod)).containsExactly(
                java.util.Map.entry("admin", 8002));
    }
}
