package dev.flagstep.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * An EKS cluster's API endpoint and CA, either from the environment ({@link #ENDPOINT_VAR}, {@link #CA_VAR};
 * no AWS call, no {@code eks:DescribeCluster} permission needed) or from {@code eks:DescribeCluster}.
 *
 * <p>DescribeCluster is one SigV4-signed GET ({@code https://eks.{region}.amazonaws.com/clusters/{name}}, {@link EksApi}).
 *
 * @param name                     cluster name (also the {@code x-k8s-aws-id} of its tokens)
 * @param endpoint                 the API server URL
 * @param certificateAuthorityData base64 of the cluster CA bundle (PEM), as DescribeCluster returns it
 */
public record EksCluster(String name, URI endpoint, String certificateAuthorityData) {

    public static final String NAME_VAR = "FLAGSTEP_EKS_CLUSTER";
    public static final String ENDPOINT_VAR = "FLAGSTEP_EKS_ENDPOINT";
    public static final String CA_VAR = "FLAGSTEP_EKS_CA_DATA";

    /** Endpoint and CA from the environment, when both are set. */
    public static Optional<EksCluster> fromEnvironment(String name, Map<String, String> env) {
        String endpoint = env.getOrDefault(ENDPOINT_VAR, "");
        String ca = env.getOrDefault(CA_VAR, "");
        if (endpoint.isBlank() || ca.isBlank()) return Optional.empty();
        return Optional.of(new EksCluster(name, URI.create(endpoint.strip()), ca.strip()));
    }

    /**
     * {@code eks:DescribeCluster}.
     *
     * @param apiBase {@code https://eks.{region}.amazonaws.com} in production, a local double in tests
     */
    public static EksCluster describe(HttpClient http, URI apiBase, String name, String region,
                                      AwsCredentialsProvider credentials, Clock clock, Duration timeout) {
        String what = "eks:DescribeCluster " + name + " in " + region;
        JsonNode c = new EksApi(http, apiBase, region, credentials, clock, timeout)
                .get("/clusters/" + URLEncoder.encode(name, StandardCharsets.UTF_8), what,
                        "(grant eks:DescribeCluster, or set " + ENDPOINT_VAR + " and " + CA_VAR + ")")
                .orElseThrow(() -> new KubeException.Rejected(what + " answered 404: no such cluster", 404))
                .path("cluster");
        String endpoint = c.path("endpoint").asText("");
        String ca = c.path("certificateAuthority").path("data").asText("");
        if (endpoint.isEmpty() || ca.isEmpty()) {
            throw new KubeException.Unavailable(what + ": the answer has no endpoint or CA (is the cluster still CREATING?)", null);
        }
        return new EksCluster(name, URI.create(endpoint), ca);
    }

    /** The CA bundle as PEM text. */
    public String caPem() {
        return new String(Base64.getMimeDecoder().decode(certificateAuthorityData), StandardCharsets.UTF_8);
    }
}
