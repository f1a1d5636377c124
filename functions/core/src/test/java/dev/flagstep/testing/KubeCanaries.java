package dev.flagstep.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flagstep.spec.Analysis;
import dev.flagstep.spec.AutoscalerRef;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.ObjectRef;
import dev.flagstep.spec.ServiceSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds {@link CanarySpec}s for Kubernetes-side tests without a parser: podinfo in namespace test,
 * port 9898, stepWeight 10, maxWeight 50, unless changed.
 */
public final class KubeCanaries {

    private static final ObjectMapper YAML = new YAMLMapper();

    public String namespace = "test";
    public String name = "podinfo";
    public String kind = "Deployment";
    public String apiVersion = "apps/v1";
    public String provider = "gatewayapi:v1";
    public Optional<String> serviceName = Optional.empty();
    public int port = 9898;
    public boolean portDiscovery;
    public List<String> hosts = new ArrayList<>();
    public List<JsonNode> gatewayRefs = new ArrayList<>();
    public List<JsonNode> serviceMatch = new ArrayList<>();
    public Optional<String> timeout = Optional.empty();
    public ObjectNode serviceExtra = new ObjectMapper().createObjectNode();
    public Optional<String> ingressRef = Optional.empty();
    public Optional<AutoscalerRef> autoscalerRef = Optional.empty();
    public List<JsonNode> abMatch = new ArrayList<>();
    public boolean mirror;
    public int mirrorWeight;
    public int iterations;
    public int primaryReadyThreshold = 100;
    public int canaryReadyThreshold = 100;
    public int progressDeadlineSeconds = CanarySpec.DEFAULT_PROGRESS_DEADLINE_SECONDS;
    public boolean withAnalysis = true;
    /** Flagger fields of {@code analysis} kept verbatim (e.g. {@code sessionAffinity}). */
    public ObjectNode analysisExtra = new ObjectMapper().createObjectNode();
    /** The Canary's {@code metadata.annotations} that routers read (e.g. {@code kuma.io/mesh}). */
    public Map<String, String> annotations = new java.util.HashMap<>();
    /** The canary spec's other fields ({@code routeRef}, {@code upstreamRef}, ...). */
    public ObjectNode specExtra = new ObjectMapper().createObjectNode();

    public static KubeCanaries podinfo() {
        return new KubeCanaries();
    }

    /** YAML or JSON text as a tree (for gatewayRefs, matches). */
    public static JsonNode json(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public CanarySpec build() {
        ObjectMapper m = new ObjectMapper();
        ServiceSpec service = new ServiceSpec(serviceName, port, Optional.empty(), Optional.empty(), portDiscovery,
                gatewayRefs, hosts, serviceMatch, timeout, serviceExtra);
        Optional<Analysis> analysis = withAnalysis ? Optional.of(new Analysis(Duration.ofSeconds(60), 5, 50, 10, List.of(), 0,
                iterations, abMatch, mirror, mirrorWeight, primaryReadyThreshold, canaryReadyThreshold,
                List.of(), List.of(), List.of(), Optional.empty(), Optional.empty(), analysisExtra)) : Optional.empty();
        return new CanarySpec(new CanaryId(namespace, name), new ObjectRef(apiVersion, kind, name),
                ingressRef.map(n -> new ObjectRef("networking.k8s.io/v1", "Ingress", n)), autoscalerRef, service,
                Optional.of(provider), Optional.empty(), progressDeadlineSeconds, false, false, analysis, specExtra,
                annotations);
    }
}
