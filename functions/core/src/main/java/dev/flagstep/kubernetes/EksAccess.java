package dev.flagstep.kubernetes;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link KubeClient} of a Lambda: cluster from {@value EksCluster#NAME_VAR}, region from
 * {@code AWS_REGION}, endpoint + CA from the environment or {@code eks:DescribeCluster}, tokens from
 * {@link EksToken}. Resolved on the first {@link #client()} call and kept for the container's life
 * (never in a static initialiser: SnapStart would snapshot it, and DescribeCluster would run at build time).
 */
public final class EksAccess {

    private final Map<String, String> env;
    private final AwsCredentialsProvider credentials;
    private final Clock clock;
    private final URI eksApiOverride;
    private KubeClient client;

    public EksAccess(Map<String, String> env, AwsCredentialsProvider credentials, Clock clock, Optional<URI> eksApiOverride) {
        this.env = Map.copyOf(env);
        this.credentials = credentials;
        this.clock = clock;
        this.eksApiOverride = eksApiOverride.orElse(null);
    }

    /** Production wiring: process environment, the function's role credentials (the AWS calls' own provider), system clock. */
    public static EksAccess fromEnvironment(AwsCredentialsProvider credentials) {
        return new EksAccess(System.getenv(), credentials, Clock.systemUTC(), Optional.empty());
    }

    public synchronized KubeClient client() {
        if (client == null) {
            String name = required(EksCluster.NAME_VAR);
            String region = env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", ""));
            if (region.isBlank()) throw new IllegalStateException("AWS_REGION is not set");
            Duration timeout = KubeEndpoint.DEFAULT_TIMEOUT;
            EksCluster cluster = EksCluster.fromEnvironment(name, env).orElseGet(() -> EksCluster.describe(
                    HttpClient.newBuilder().connectTimeout(timeout).build(),
                    eksApiOverride != null ? eksApiOverride : URI.create("https://eks." + region + "." + EksToken.domain(region)),
                    name, region, credentials, clock, timeout));
            KubeEndpoint endpoint = new KubeEndpoint(cluster.endpoint(),
                    "https".equals(cluster.endpoint().getScheme()) ? Optional.of(Tls.context(Optional.of(cluster.caPem()), Optional.empty())) : Optional.empty(),
                    new EksToken(name, region, credentials, clock), timeout, KubeEndpoint.DEFAULT_ATTEMPTS);
            client = new KubeClient(endpoint);
        }
        return client;
    }

    private String required(String var) {
        String v = env.getOrDefault(var, "");
        if (v.isBlank()) throw new IllegalStateException(var + " is not set: name the EKS cluster the canaries run on");
        return v;
    }
}
