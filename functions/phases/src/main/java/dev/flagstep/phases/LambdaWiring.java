package dev.flagstep.phases;

import dev.flagstep.aws.AwsException;
import dev.flagstep.aws.AwsJsonClient;
import dev.flagstep.aws.AwsService;
import dev.flagstep.aws.AwsSettings;
import dev.flagstep.aws.StepFunctions;
import dev.flagstep.aws.dynamodb.DynamoDb;
import dev.flagstep.events.EventBridgePublisher;
import dev.flagstep.kubernetes.EksAccess;
import dev.flagstep.kubernetes.ServiceProxy;
import dev.flagstep.metrics.MetricChecker;
import dev.flagstep.metrics.MetricProviders;
import dev.flagstep.metrics.SecretResolver;
import dev.flagstep.metrics.SecretScope;
import dev.flagstep.net.AddressGuard;
import dev.flagstep.net.ClusterServiceAccess;
import dev.flagstep.net.ClusterServices;
import dev.flagstep.net.ServiceRouter;
import dev.flagstep.metrics.SecretsManagerSecretResolver;
import dev.flagstep.store.DynamoDbCanaryStore;
import dev.flagstep.webhook.HookRunner;
import dev.flagstep.webhook.Sleeper;
import dev.flagstep.webhook.WebhookClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The Lambda container's wiring, from its environment: built once, on the first invocation (so a
 * SnapStart snapshot holds configured clients but no credentials, tokens or timestamps).
 *
 * <p>Environment: {@code TABLE_NAME}, {@code EVENT_BUS_NAME}, {@code CLUSTER_NAME} (see EksAccess),
 * {@code EVENT_RETENTION_DAYS} (30), {@code DEFAULT_PROVIDER} (istio, Flagger's default),
 * {@code METRICS_SERVER} (http://prometheus:9090), {@code FLAGSTEP_API_URL} (optional), {@code SECRETS_PREFIX}
 * (required: canary secrets are {@code {SECRETS_PREFIX}{namespace}/{name}}), {@code WEBHOOK_SECRET_ARN}
 * (optional: signs the webhooks of canaries without a {@code webhookSecretRef}),
 * {@code FLAGSTEP_HANDOVER_TICKS} (optional, see HistoryBudget), {@code FLAGSTEP_CLUSTER_SERVICE_ACCESS}
 * ({@code proxy}: webhook and Prometheus URLs that name cluster Services go through the API server's service
 * proxy; {@code off}: every URL direct) and {@code FLAGSTEP_CLUSTER_DOMAIN} (cluster.local).
 */
final class LambdaWiring {

    private static volatile Services services;

    private LambdaWiring() {}

    static Services services() {
        Services s = services;
        if (s == null) {
            synchronized (LambdaWiring.class) {
                s = services;
                if (s == null) {
                    s = build(System.getenv());
                    services = s;
                }
            }
        }
        return s;
    }

    private static Services build(Map<String, String> env) {
        Clock clock = Clock.systemUTC();
        AwsSettings aws = AwsSettings.fromEnvironment(env);
        AwsCredentialsProvider credentials = aws.credentials();

        DynamoDb dynamo = new DynamoDb(new AwsJsonClient(AwsService.DYNAMODB, aws, AwsService.DYNAMODB.endpoint(aws.region(), env)));
        var store = new DynamoDbCanaryStore(dynamo, required(env, "TABLE_NAME"), clock,
                Duration.ofDays(Long.parseLong(env.getOrDefault("EVENT_RETENTION_DAYS", "30"))));
        StepFunctions sfn = new StepFunctions(new AwsJsonClient(AwsService.STEP_FUNCTIONS, aws, AwsService.STEP_FUNCTIONS.endpoint(aws.region(), env)));
        AwsJsonClient bus = new AwsJsonClient(AwsService.EVENTBRIDGE, aws, AwsService.EVENTBRIDGE.endpoint(aws.region(), env));
        SecretResolver secrets = new SecretsManagerSecretResolver(
                new AwsJsonClient(AwsService.SECRETS_MANAGER, aws, AwsService.SECRETS_MANAGER.endpoint(aws.region(), env)));
        SecretScope scope = SecretScope.fromEnvironment(env);
        // canary-chosen addresses must never reach this machine or the cloud's internals
        AddressGuard guard = AddressGuard.aws(env);
        EksAccess eks = EksAccess.fromEnvironment();
        ServiceRouter router = router(env, eks, clock);

        MetricProviders providers = new MetricProviders(
                new MetricProviders.Settings(URI.create(env.getOrDefault("METRICS_SERVER", "http://prometheus:9090")),
                        MetricProviders.Settings.defaults().prometheusTimeout()),
                secrets, scope, guard, router, credentials, MetricProviders.cloudWatchClientFactory(credentials, aws.http()), clock);

        return new Services(
                store,
                clock,
                new HookRunner(new WebhookClient(guard, router, Sleeper.REAL, clock)),
                (canary, provider) -> new KubeCanaryCluster(eks.client(), canary, provider, clock),
                new MetricChecker(providers),
                new EventBridgePublisher(bus, required(env, "EVENT_BUS_NAME")),
                token -> completeQuietly(sfn, token),
                env.getOrDefault("DEFAULT_PROVIDER", "istio"),
                Optional.ofNullable(env.get("FLAGSTEP_API_URL")).filter(u -> !u.isBlank()).map(URI::create),
                SigningSecrets.from(secrets, scope, optional(env, "WEBHOOK_SECRET_ARN")),
                HistoryBudget.fromEnvironment(env));
    }

    /**
     * How cluster Service URLs are reached: through the API server with the phases' own client (built on the
     * first such URL), or not at all. Read before anything is called, so a bad value fails the first invocation.
     */
    static ServiceRouter router(Map<String, String> env, EksAccess eks, Clock clock) {
        String domain = ClusterServices.domainFromEnvironment(env);
        return switch (ClusterServiceAccess.fromEnvironment(env)) {
            case PROXY -> new ServiceProxy(eks::client, domain, clock);
            case OFF -> ServiceRouter.direct();
        };
    }

    /** A token that already ended (timed out, completed) is no error: the rollout has moved on anyway. */
    private static void completeQuietly(StepFunctions sfn, String token) {
        try {
            sfn.sendTaskSuccess(token, "{}");
        } catch (AwsException e) {
            if (e.unanswered()) {
                throw e; // no answer is no "already ended"
            }
            System.getLogger("flagstep").log(System.Logger.Level.INFO, "task token already ended: " + e.getMessage());
        }
    }

    private static Optional<String> optional(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static String required(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set (see template.yaml)");
        }
        return v;
    }
}
