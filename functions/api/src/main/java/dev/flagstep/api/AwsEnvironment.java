package dev.flagstep.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.gate.SfnTaskTokens;
import dev.flagstep.gate.TaskTokens;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.DynamoDbCanaryStore;
import dev.flagstep.store.DynamoDbSpecStore;
import dev.flagstep.store.SpecStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The api functions' collaborators on AWS, from the variables template.yaml sets: {@code TABLE_NAME},
 * {@code STATE_MACHINE_ARN}, {@code EVENT_RETENTION_DAYS}. The SDK clients use the URL-connection
 * HTTP client (the lightest to load; Apache and Netty are not even in the zip) and are built on
 * first use, once per container.
 */
final class AwsEnvironment {

    private final Map<String, String> env;
    private final Supplier<DynamoDbClient> dynamo;
    private final Supplier<SfnClient> sfn;

    AwsEnvironment(Map<String, String> env) {
        this.env = Map.copyOf(env);
        this.dynamo = Lazy.of(() -> DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build());
        this.sfn = Lazy.of(() -> SfnClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build());
    }

    static AwsEnvironment fromSystem() {
        return new AwsEnvironment(System.getenv());
    }

    String required(String name) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank())
                .orElseThrow(() -> new IllegalStateException("environment variable " + name + " is not set"));
    }

    CanaryStore store() {
        int days = Optional.ofNullable(env.get("EVENT_RETENTION_DAYS")).filter(v -> !v.isBlank())
                .map(Integer::parseInt).orElse(30);
        return new DynamoDbCanaryStore(dynamo.get(), required("TABLE_NAME"), Clock.systemUTC(), Duration.ofDays(days));
    }

    /** Only the documents (the rollout trigger needs no more). */
    SpecStore specs() {
        return new DynamoDbSpecStore(dynamo.get(), required("TABLE_NAME"), Clock.systemUTC());
    }

    RolloutStarter rolloutStarter(ObjectMapper json) {
        return new ExecutionRolloutStarter(new SfnRolloutExecutions(sfn, required("STATE_MACHINE_ARN"), json));
    }

    TaskTokens taskTokens() {
        return new SfnTaskTokens(sfn);
    }
}
