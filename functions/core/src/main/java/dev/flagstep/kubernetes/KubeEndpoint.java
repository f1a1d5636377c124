package dev.flagstep.kubernetes;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach one API server.
 *
 * @param server      e.g. {@code https://ABC.gr7.eu-west-1.eks.amazonaws.com}
 * @param tls         trust (cluster CA) and client certificate; empty means the JVM's default trust store
 * @param token       the bearer token source
 * @param timeout     per-request timeout, connect and answer; fabric8's mock never answers a failed JSON
 *                    patch {@code test}, and a hung API server must not hang a Lambda
 * @param maxAttempts attempts of one read-modify-patch before a lost race becomes a {@link KubeException.Conflict}
 */
public record KubeEndpoint(URI server, Optional<SSLContext> tls, BearerToken token, Duration timeout, int maxAttempts) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_ATTEMPTS = 5;

    public KubeEndpoint {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(timeout, "timeout");
        if (!"http".equals(server.getScheme()) && !"https".equals(server.getScheme())) {
            throw new IllegalArgumentException("Kubernetes API server must be an http(s) URL: " + server);
        }
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1");
        // a trailing slash would double up with the API paths
        String s = server.toString();
        if (s.endsWith("/")) server = URI.create(s.substring(0, s.length() - 1));
    }

    /** Plain endpoint with default timeout and attempts: tests, and a kubectl proxy. */
    public static KubeEndpoint of(URI server, BearerToken token) {
        return new KubeEndpoint(server, Optional.empty(), token, DEFAULT_TIMEOUT, DEFAULT_ATTEMPTS);
    }

    public KubeEndpoint withTimeout(Duration t) {
        return new KubeEndpoint(server, tls, token, t, maxAttempts);
    }

    public KubeEndpoint withMaxAttempts(int n) {
        return new KubeEndpoint(server, tls, token, timeout, n);
    }
}
