package dev.flagstep.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * <p>DescribeCluster is one SigV4-signed GET ({@code https://eks.{region}.amazonaws.com/clusters/{name}}) made
 * here directly: the SDK's {@code eks} client is not available in our build and would cost cold-start time.
 *
 * @param name                     cluster name (also the {@code x-k8s-aws-id} of its tokens)
 * @param endpoint                 the API server URL
 * @param certificateAuthorityData base64 of the cluster CA bundle (PEM), as DescribeCluster returns it
 */
public record EksCluster(String name, URI endpoint, String certificateAuthorityData) {

    public static final String NAME_VAR = "FLAGSTEP_EKS_CLUSTER";
    public static final String ENDPOINT_VAR = "FLAGSTEP_EKS_ENDPOINT";
    public static final String CA_VAR = "FLAGSTEP_EKS_CA_DATA";

    private static final ObjectMapper JSON = new ObjectMapper();

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
        URI uri = URI.create(apiBase + "/clusters/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.GET).uri(uri)
                .putHeader("Accept", "application/json").build();
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(unsigned)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "eks")
                .putProperty(HttpSigner.SIGNING_CLOCK, clock)).request();
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).GET();
        // java.net.http sets Host itself and refuses it as a header
        signed.headers().forEach((k, vs) -> {
            if (!k.equalsIgnoreCase("Host")) vs.forEach(v -> b.header(k, v));
        });
        String what = "eks:DescribeCluster " + name + " in " + region;
        HttpResponse<String> resp;
        try {
            resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new KubeException.Unavailable(what + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubeException.Unavailable(what + " interrupted", e);
        }
        if (resp.statusCode() != 200) {
            String msg = what + " answered " + resp.statusCode() + ": " + resp.body()
                    + (resp.statusCode() == 403 ? " (grant eks:DescribeCluster, or set " + ENDPOINT_VAR + " and " + CA_VAR + ")" : "");
            if (resp.statusCode() >= 500 || resp.statusCode() == 429) throw new KubeException.Unavailable(msg, null);
            throw new KubeException.Rejected(msg, resp.statusCode());
        }
        try {
            JsonNode c = JSON.readTree(resp.body()).path("cluster");
            String endpoint = c.path("endpoint").asText("");
            String ca = c.path("certificateAuthority").path("data").asText("");
            if (endpoint.isEmpty() || ca.isEmpty()) {
                throw new KubeException.Unavailable(what + ": the answer has no endpoint or CA (is the cluster still CREATING?)", null);
            }
            return new EksCluster(name, URI.create(endpoint), ca);
        } catch (IOException e) {
            throw new KubeException.Unavailable(what + ": unreadable answer", e);
        }
    }

    /** The CA bundle as PEM text. */
    public String caPem() {
        return new String(Base64.getMimeDecoder().decode(certificateAuthorityData), StandardCharsets.UTF_8);
    }
}
