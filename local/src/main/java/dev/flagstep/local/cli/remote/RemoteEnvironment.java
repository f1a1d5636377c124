package dev.flagstep.local.cli.remote;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileProperty;

/**
 * What the API commands take from the machine they run on, in one place so tests replace it: the environment,
 * the AWS credentials of a profile (the SDK's default chain), a profile's region, the clock (signing time, ages
 * shown), the sleeper between {@code get -w} polls, whether stdout is an ANSI terminal, and where CloudFormation
 * answers (empty: the region's endpoint, or {@code AWS_ENDPOINT_URL_CLOUDFORMATION} as the SDK reads it).
 */
public record RemoteEnvironment(
        Map<String, String> env,
        Function<Optional<String>, AwsCredentialsProvider> credentials,
        Function<Optional<String>, Optional<String>> profileRegion,
        Clock clock,
        Sleeper sleeper,
        boolean terminal,
        Optional<URI> cloudFormationEndpoint,
        HttpClient http) {

    /** Waits between two polls; tests answer at once. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    public static RemoteEnvironment system(boolean terminal) {
        return new RemoteEnvironment(System.getenv(), RemoteEnvironment::defaultChain, RemoteEnvironment::regionOf,
                Clock.systemUTC(), Thread::sleep, terminal, Optional.empty(), httpClient());
    }

    public static HttpClient httpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The SDK's default chain: environment, system properties, web identity, the profile (SSO too), containers, EC2. */
    static AwsCredentialsProvider defaultChain(Optional<String> profile) {
        DefaultCredentialsProvider.Builder b = DefaultCredentialsProvider.builder();
        profile.ifPresent(b::profileName);
        return b.build();
    }

    /** The {@code region} of a profile in ~/.aws/config (the named one, else AWS_PROFILE's, else default). */
    static Optional<String> regionOf(Optional<String> profile) {
        try {
            String name = profile.or(() -> Optional.ofNullable(System.getenv("AWS_PROFILE"))).orElse("default");
            return ProfileFile.defaultProfileFile().profile(name).flatMap(p -> p.property(ProfileProperty.REGION));
        } catch (RuntimeException e) {
            return Optional.empty(); // an unreadable config file: the region must then be given
        }
    }
}
