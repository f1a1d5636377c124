package dev.flagstep.metrics;

import java.time.Clock;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** How a Prometheus request proves who it is. */
public sealed interface PrometheusAuth {

    /** No credentials (an in-cluster Prometheus, or {@code spec.metricsServer}). */
    record None() implements PrometheusAuth {}

    /**
     * Flagger's {@code secretRef}: the secret's {@code token} is sent as a Bearer token, otherwise its
     * {@code username} and {@code password} as basic auth. Resolved on every query, so rotations apply.
     */
    record Secret(String ref, SecretResolver resolver) implements PrometheusAuth {}

    /** Amazon Managed Prometheus: SigV4 with signing name {@code aps}, credentials resolved per request. */
    record SigV4(String region, AwsCredentialsProvider credentials, Clock clock) implements PrometheusAuth {}

    static PrometheusAuth none() {
        return new None();
    }
}
