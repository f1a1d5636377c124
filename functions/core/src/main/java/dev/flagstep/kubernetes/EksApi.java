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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The EKS API's read operations, each one SigV4-signed GET made here directly (the SDK's {@code eks} client is not
 * available in our build and would cost cold-start time): {@code DescribeCluster}, {@code DescribeAccessEntry}.
 *
 * @param apiBase {@code https://eks.{region}.amazonaws.com} in production, a local double in tests
 */
public record EksApi(HttpClient http, URI apiBase, String region, AwsCredentialsProvider credentials, Clock clock,
                     Duration timeout) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param path the escaped path, e.g. {@code /clusters/prod}
     * @param what the operation in messages, e.g. {@code eks:DescribeCluster prod in eu-west-1}
     * @param hint appended to a 403's message (which permission to grant)
     * @return the answer, or empty when EKS answers 404 (no such cluster or entry)
     */
    public Optional<JsonNode> get(String path, String what, String hint) {
        URI uri = URI.create(apiBase + path);
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
        HttpResponse<String> resp;
        try {
            resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new KubeException.Unavailable(what + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubeException.Unavailable(what + " interrupted", e);
        }
        if (resp.statusCode() == 404) return Optional.empty();
        if (resp.statusCode() != 200) {
            String msg = what + " answered " + resp.statusCode() + ": " + resp.body() + (resp.statusCode() == 403 ? " " + hint : "");
            if (resp.statusCode() >= 500 || resp.statusCode() == 429) throw new KubeException.Unavailable(msg, null);
            throw new KubeException.Rejected(msg, resp.statusCode());
        }
        try {
            return Optional.of(JSON.readTree(resp.body()));
        } catch (IOException e) {
            throw new KubeException.Unavailable(what + ": unreadable answer", e);
        }
    }
}
