package dev.flagstep.aws;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.utils.Lazy;

/**
 * What every AWS call of a container shares: the region, the credentials (the SDK's providers, resolved
 * per call, so rotations apply and a SnapStart snapshot holds none), one HTTP client and the retry policy.
 */
public record AwsSettings(String region, AwsCredentialsProvider credentials, HttpClient http, RetryPolicy retry) {

    /** The SDK's connect timeout. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    public AwsSettings {
        if (region == null || region.isBlank()) {
            throw new IllegalArgumentException("an AWS region is required");
        }
    }

    public static AwsSettings of(String region, AwsCredentialsProvider credentials) {
        return new AwsSettings(region, credentials, httpClient(), RetryPolicy.standard());
    }

    /** Lambda's environment: {@code AWS_REGION} (or {@code AWS_DEFAULT_REGION}, else us-east-1), {@link #lambdaCredentials()}. */
    public static AwsSettings fromEnvironment(Map<String, String> env) {
        String region = Optional.ofNullable(env.get("AWS_REGION")).filter(r -> !r.isBlank())
                .or(() -> Optional.ofNullable(env.get("AWS_DEFAULT_REGION")).filter(r -> !r.isBlank()))
                .orElse("us-east-1");
        return of(region, lambdaCredentials());
    }

    /**
     * The two places a Lambda function's role credentials come from, tried in this order with the SDK's own
     * providers: {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}/{@code AWS_SESSION_TOKEN}, which
     * Lambda sets; or, with SnapStart, the container credentials endpoint ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI}
     * with {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}), which the Java runtime uses instead of the key variables
     * (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html#snapstart-credentials). The SDK's
     * default chain ends in the same two, but first loads its system-property, web-identity, profile-file and
     * SSO machinery (about 150 classes on the first call), none of which a Lambda has.
     */
    public static AwsCredentialsProvider lambdaCredentials() {
        return AwsCredentialsProviderChain.of(EnvironmentVariableCredentialsProvider.create(), new LazyContainerCredentials());
    }

    /**
     * The SDK's ContainerCredentialsProvider, built when the environment has no keys: building it loads the
     * SDK's shaded JSON parser (about 80 classes) that a function without SnapStart never needs.
     */
    private static final class LazyContainerCredentials implements AwsCredentialsProvider {
        private final Lazy<ContainerCredentialsProvider> provider = new Lazy<>(() -> ContainerCredentialsProvider.builder().build());

        @Override
        public AwsCredentials resolveCredentials() {
            return provider.getValue().resolveCredentials();
        }

        @Override
        public String toString() {
            return "ContainerCredentialsProvider()";
        }
    }

    /** HTTP/1.1 (AWS JSON endpoints speak it; no h2c upgrade on plain-HTTP test endpoints). */
    public static HttpClient httpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
    }

    public AwsSettings withRetry(RetryPolicy policy) {
        return new AwsSettings(region, credentials, http, policy);
    }
}
