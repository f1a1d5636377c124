package dev.flagstep.metrics;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.spec.Analysis;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.MetricCheck;
import dev.flagstep.spec.MetricProviderSpec;
import dev.flagstep.spec.MetricTemplate;
import dev.flagstep.spec.ObjectRef;
import dev.flagstep.spec.ServiceSpec;
import dev.flagstep.spec.TemplateRef;
import dev.flagstep.spec.ThresholdRange;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Canary documents built directly from the spec records (podinfo in namespace test). */
final class Canaries {

    static final ObjectNode NO_EXTRA = JsonNodeFactory.instance.objectNode();

    private Canaries() {}

    static CanarySpec canary(Optional<String> provider, Optional<String> metricsServer, List<MetricCheck> metrics) {
        return canary("Deployment", Optional.empty(), Optional.empty(), provider, metricsServer, metrics, NO_EXTRA);
    }

    static CanarySpec canary(String targetKind, Optional<String> serviceName, Optional<String> ingress, Optional<String> provider,
            Optional<String> metricsServer, List<MetricCheck> metrics, ObjectNode extra) {
        ServiceSpec service = new ServiceSpec(serviceName, 9898, Optional.empty(), Optional.empty(), false, List.of(), List.of(),
                List.of(), Optional.empty(), NO_EXTRA);
        Analysis analysis = new Analysis(Duration.ofSeconds(60), 5, 50, 10, List.of(), 0, 0, List.of(), false, 0, 100, 100,
                metrics, List.of(), List.of(), Optional.empty(), Optional.empty(), NO_EXTRA);
        return new CanarySpec(new CanaryId("test", "podinfo"), new ObjectRef("apps/v1", targetKind, "podinfo"),
                ingress.map(i -> new ObjectRef("networking.k8s.io/v1", "Ingress", i)), Optional.empty(), service, provider,
                metricsServer, 600, false, false, Optional.of(analysis), extra);
    }

    static CanaryDocument document(CanarySpec canary, MetricTemplate... templates) {
        return new CanaryDocument(canary, List.of(templates), "");
    }

    static ThresholdRange min(double min) {
        return new ThresholdRange(Optional.of(min), Optional.empty());
    }

    static ThresholdRange max(double max) {
        return new ThresholdRange(Optional.empty(), Optional.of(max));
    }

    static MetricCheck builtin(String name, ThresholdRange range) {
        return new MetricCheck(name, range, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
    }

    static MetricCheck inline(String name, String query, ThresholdRange range) {
        return new MetricCheck(name, range, Optional.empty(), Optional.of("1m"), Optional.of(query), Optional.empty(), Map.of());
    }

    static MetricCheck templated(String name, String template, ThresholdRange range, Optional<String> interval,
            Map<String, String> variables) {
        return new MetricCheck(name, range, Optional.empty(), interval, Optional.empty(),
                Optional.of(new TemplateRef(template, Optional.empty())), variables);
    }

    static MetricTemplate prometheusTemplate(String name, String address, String query) {
        return new MetricTemplate("test", name,
                new MetricProviderSpec("prometheus", Optional.of(address), Optional.empty(), Map.of(), Optional.empty(), false), query);
    }
}
