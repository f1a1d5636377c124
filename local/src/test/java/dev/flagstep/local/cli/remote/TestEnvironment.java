package dev.flagstep.local.cli.remote;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** A {@link RemoteEnvironment} for tests: no process environment, static credentials, a fixed clock, recorded sleeps. */
final class TestEnvironment {

    static final Instant NOW = Instant.parse("2026-11-24T06:10:00Z");
    static final String ACCESS_KEY = "AKIDEXAMPLE";
    static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    RemoteEnvironment env(Map<String, String> variables, boolean terminal, Optional<URI> cloudFormation) {
        return new RemoteEnvironment(variables,
                profile -> StaticCredentialsProvider.create(AwsSessionCredentials.create(ACCESS_KEY, SECRET_KEY, "session-token")),
                profile -> Optional.empty(), Clock.fixed(NOW, ZoneOffset.UTC), sleeps::add, terminal, cloudFormation,
                RemoteEnvironment.httpClient());
    }

    RemoteEnvironment env() {
        return env(Map.of(), false, Optional.empty());
    }

    static StaticCredentialsProvider basic() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }
}
