package dev.flagstep.metrics;

import java.util.Map;

/**
 * Turns a MetricTemplate's {@code provider.secretRef} into the secret's key/value pairs (for
 * Prometheus: {@code token}, or {@code username} and {@code password}), like the Kubernetes Secret
 * Flagger reads. In AWS the reference is a Secrets Manager ARN; the local runtime reads env or files.
 */
@FunctionalInterface
public interface SecretResolver {

    /** @throws MetricQueryException when the secret does not exist or cannot be read */
    Map<String, String> resolve(String secretRef);

    /** For canaries that reference no secret; any lookup is a configuration error. */
    static SecretResolver none() {
        return ref -> {
            throw new MetricQueryException("secret " + ref + " cannot be resolved: no secret store is configured");
        };
    }
}
