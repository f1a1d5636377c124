package dev.flagstep.kubernetes;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The bearer token EKS accepts for an IAM identity, as {@code aws eks get-token} and aws-iam-authenticator
 * make it: {@code k8s-aws-v1.} + base64url (no padding) of a presigned STS {@code GetCallerIdentity} URL whose
 * signed headers include {@code x-k8s-aws-id: {cluster}}. EKS accepts it for 15 minutes from signing.
 *
 * <p>Minted lazily on {@link #current()} and reused for at most {@link #REUSE} (under the 15 minutes, with a
 * margin for clock skew and a slow request): nothing is signed in a constructor or static initialiser, so a
 * SnapStart snapshot never holds a token, and a restored snapshot's first call mints a fresh one.
 */
public final class EksToken implements BearerToken {

    /** Tokens are reused for less than this; EKS honours them for 15 minutes. */
    public static final Duration REUSE = Duration.ofMinutes(14);
    static final String PREFIX = "k8s-aws-v1.";
    static final String CLUSTER_HEADER = "x-k8s-aws-id";

    private final String clusterName;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final Clock clock;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    private String token;
    private Instant mintedAt = Instant.MIN;

    public EksToken(String clusterName, String region, AwsCredentialsProvider credentials, Clock clock) {
        this.clusterName = requireText(clusterName, "cluster name");
        this.region = requireText(region, "region");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized Optional<String> current() {
        Instant now = clock.instant();
        if (token == null || now.isBefore(mintedAt) || !now.isBefore(mintedAt.plus(REUSE))) {
            token = mint(now);
            mintedAt = now;
        }
        return Optional.of(token);
    }

    /** A new token signed at {@code now}. */
    String mint(Instant now) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .uri(URI.create("https://sts." + region + "." + domain(region) + "/"))
                .putRawQueryParameter("Action", "GetCallerIdentity")
                .putRawQueryParameter("Version", "2011-06-15")
                .putHeader(CLUSTER_HEADER, clusterName)
                .build();
        var signed = signer.sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(request)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "sts")
                .putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, Duration.ofSeconds(60))
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(now, java.time.ZoneOffset.UTC)));
        String url = signed.request().getUri().toString();
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(url.getBytes(StandardCharsets.UTF_8));
    }

    /** AWS partitions: China regions live under amazonaws.com.cn. */
    public static String domain(String region) {
        return region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    }

    private static String requireText(String s, String what) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException(what + " must not be blank");
        return s;
    }
}
