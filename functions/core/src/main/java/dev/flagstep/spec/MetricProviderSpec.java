package dev.flagstep.spec;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A MetricTemplate's {@code spec.provider}; {@code headers} is a Go {@code http.Header} (name to values). */
public record MetricProviderSpec(
        String type,
        Optional<String> address,
        Optional<String> secretRef,
        Map<String, List<String>> headers,
        Optional<String> region,
        boolean insecureSkipVerify) {

    public MetricProviderSpec {
        headers = Map.copyOf(headers);
    }
}
