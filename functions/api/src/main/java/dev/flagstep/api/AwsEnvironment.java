package dev.flagstep.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.aws.AwsJsonClient;
import dev.flagstep.aws.AwsService;
import dev.flagstep.aws.AwsSettings;
import dev.flagstep.aws.RetryPolicy;
import dev.flagstep.aws.StepFunctions;
import dev.flagstep.aws.dynamodb.DynamoDb;
import dev.flagstep.gate.SfnTaskTokens;
import dev.flagstep.gatelink.GateLinkSettings;
import dev.flagstep.metrics.SecretsManagerSecretResolver;
import dev.flagstep.store.DynamoDbGateLinkUses;
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

/**
 * The api functions' collaborators on AWS, from the variables template.yaml sets: {@code TABLE_NAME},
 * {@code STATE_MACHINE_ARN}, {@code EVENT_RETENTION_DAYS}. Public for the cluster sync's handler (dev.flagstep.sync). DynamoDB and Step Functions are called with
 * flagstep's own signed JSON client (dev.flagstep.aws: no SDK service client to load), built on first
 * use, once per container.
 */
public final class AwsEnvironment {

    private final Map<String, String> env;
    private final Supplier<DynamoDb> dynamo;
    private final Supplier<AwsSettings> aws;
    private final Supplier<StepFunctions> sfn;

    AwsEnvironment(Map<String, String> env) {
        this.env = Map.copyOf(env);
        this.aws = Lazy.of(() -> AwsSettings.fromEnvironment(this.env));
        this.dynamo = Lazy.of(() -> new DynamoDb(new AwsJsonClient(AwsService.DYNAMODB, aws.get().withRetry(RetryPolicy.dynamoDb()),
                AwsService.DYNAMODB.endpoint(aws.get().region(), this.env))));
        this.sfn = Lazy.of(() -> new StepFunctions(new AwsJsonClient(AwsService.STEP_FUNCTIONS, aws.get(),
                AwsService.STEP_FUNCTIONS.endpoint(aws.get().region(), this.env))));
    }

    public static AwsEnvironment fromSystem() {
        return new AwsEnvironment(System.getenv());
    }

    public String required(String name) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank())
                .orElseThrow(() -> new IllegalStateException("environment variable " + name + " is not set"));
    }

    public CanaryStore store() {
        int days = Optional.ofNullable(env.get("EVENT_RETENTION_DAYS")).filter(v -> !v.isBlank())
                .map(Integer::parseInt).orElse(30);
        return new DynamoDbCanaryStore(dynamo.get(), required("TABLE_NAME"), Clock.systemUTC(), Duration.ofDays(days));
    }

    /** Only the documents (the rollout trigger needs no more). */
    SpecStore specs() {
        return new DynamoDbSpecStore(dynamo.get(), required("TABLE_NAME"), Clock.systemUTC());
    }

    public RolloutStarter rolloutStarter(ObjectMapper json) {
        return new ExecutionRolloutStarter(rolloutExecutions(json));
    }

    /** The state machine's executions (the cluster sync also stops those of deleted canaries). */
    public RolloutExecutions rolloutExecutions(ObjectMapper json) {
        return new SfnRolloutExecutions(sfn, required("STATE_MACHINE_ARN"), json);
    }

    /** This function's AWS settings (region, credentials), e.g. for EKS access. */
    public AwsSettings aws() {
        return aws.get();
    }

    /**
     * The gate links ({@code GATE_LINKS}, {@code GATE_LINK_SECRET_ARN}, {@code GATE_LINK_TTL_HOURS}): the key
     * is read from Secrets Manager on the first link clicked, once per container. A value the template would
     * never set turns links off (logged) rather than taking the whole API down.
     */
    GateLinkRoute.Wiring gateLinks() {
        GateLinkSettings settings;
        try {
            settings = GateLinkSettings.fromEnvironment(env, arn -> new SecretsManagerSecretResolver(
                    new AwsJsonClient(AwsService.SECRETS_MANAGER, aws.get(), AwsService.SECRETS_MANAGER.endpoint(aws.get().region(), env)))
                    .resolve(arn));
        } catch (IllegalArgumentException e) {
            java.util.logging.Logger.getLogger(AwsEnvironment.class.getName()).warning("gate links are off: " + e.getMessage());
            settings = GateLinkSettings.off();
        }
        return new GateLinkRoute.Wiring(settings,
                Lazy.of(() -> new DynamoDbGateLinkUses(dynamo.get(), required("TABLE_NAME"), Clock.systemUTC())), Clock.systemUTC());
    }

    TaskTokens taskTokens() {
        return new SfnTaskTokens(sfn);
    }
}
