package dev.flagstep.phases.wiring;

import dev.flagstep.aws.AwsJsonClient;
import dev.flagstep.aws.AwsService;
import dev.flagstep.aws.AwsSettings;
import dev.flagstep.aws.RetryPolicy;
import dev.flagstep.aws.StepFunctions;
import dev.flagstep.aws.dynamodb.DynamoDb;
import dev.flagstep.events.EventBridgePublisher;
import dev.flagstep.gate.SfnTaskTokens;
import dev.flagstep.kubernetes.EksAccess;
import dev.flagstep.kubernetes.ServiceProxy;
import dev.flagstep.metrics.MetricProviders;
import dev.flagstep.metrics.SecretResolver;
import dev.flagstep.metrics.SecretScope;
import dev.flagstep.gatelink.GateLinkSettings;
import dev.flagstep.notifier.NotifierSettings;
import dev.flagstep.net.AddressGuard;
import dev.flagstep.net.ClusterServiceAccess;
import dev.flagstep.net.ClusterServices;
import dev.flagstep.net.ServiceRouter;
import dev.flagstep.metrics.SecretsManagerSecretResolver;
import dev.flagstep.store.DynamoDbCanaryStore;
import dev.flagstep.webhook.Sleeper;
import dev.flagstep.webhook.EventWebhooks;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The Lambda container's adapters and settings, from its environment, handed to the one wiring
 * ({@link PhaseWiring}): built once, on the first invocation (so a SnapStart snapshot holds configured
 * clients but no credentials, tokens or timestamps).
 *
 * <p>Environment: {@code TABLE_NAME}, {@code EVENT_BUS_NAME}, {@code CLUSTER_NAME} (see EksAccess),
 * {@code EVENT_RETENTION_DAYS} (30), {@code DEFAULT_PROVIDER} (istio, Flagger's default),
 * {@code METRICS_SERVER} (http://prometheus:9090), {@code FLAGSTEP_API_URL} (optional), {@code SECRETS_PREFIX}
 * (required: canary secrets are {@code {SECRETS_PREFIX}{namespace}/{name}}), {@code WEBHOOK_SECRET_ARN}
 * (optional: signs the webhooks of canaries without a {@code webhookSecretRef}),
 * {@code FLAGSTEP_HANDOVER_TICKS} (optional, see HistoryBudget), {@code FLAGSTEP_CLUSTER_SERVICE_ACCESS}
 * ({@code proxy}: webhook and Prometheus URLs that name cluster Services go through the API server's service
 * proxy; {@code off}: every URL direct), {@code FLAGSTEP_CLUSTER_DOMAIN} (cluster.local), and the global notifier's
 * ({@link NotifierSettings#fromStackEnvironment}: {@code SLACK_URL_SECRET_ARN}, {@code SLACK_CHANNEL}, ...).
 */
public final class LambdaWiring {

    private static volatile Services services;

    private LambdaWiring() {}

    public static Services services() {
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
        // the AWS calls, one place each
        DynamoDb dynamo = new DynamoDb(client(AwsService.DYNAMODB, aws.withRetry(RetryPolicy.dynamoDb()), env));
        StepFunctions sfn = new StepFunctions(client(AwsService.STEP_FUNCTIONS, aws, env));
        AwsJsonClient bus = client(AwsService.EVENTBRIDGE, aws, env);
        AwsJsonClient secretsManager = client(AwsService.SECRETS_MANAGER, aws, env);
        EksAccess eks = EksAccess.fromEnvironment(credentials);
        SecretsManagerSecretResolver secrets = new SecretsManagerSecretResolver(secretsManager);

        return PhaseWiring.services(new PhaseWiring.Adapters(
                new DynamoDbCanaryStore(dynamo, required(env, "TABLE_NAME"), clock,
                        Duration.ofDays(Long.parseLong(env.getOrDefault("EVENT_RETENTION_DAYS", "30")))),
                new EventBridgePublisher(bus, required(env, "EVENT_BUS_NAME")),
                new SfnTaskTokens(() -> sfn),
                eks::client,
                router(env, eks, clock),
                // canary-chosen addresses must never reach this machine or the cloud's internals
                AddressGuard.aws(env),
                secrets,
                SecretScope.fromEnvironment(env),
                credentials,
                MetricProviders.cloudWatchClientFactory(credentials, aws.http()),
                clock,
                clock,
                Sleeper.REAL), settings(env, secrets));
    }

    /** The deployment's choices, from the function's environment (see above). */
    static PhaseWiring.Settings settings(Map<String, String> env) {
        return settings(env, SecretResolver.none());
    }

    /** @param secrets reads the global notifier's URL secret, on its first alert */
    static PhaseWiring.Settings settings(Map<String, String> env, SecretResolver secrets) {
        return new PhaseWiring.Settings(
                env.getOrDefault("DEFAULT_PROVIDER", "istio"),
                URI.create(env.getOrDefault("METRICS_SERVER", "http://prometheus:9090")),
                Optional.ofNullable(env.get("FLAGSTEP_API_URL")).filter(u -> !u.isBlank()).map(URI::create),
                optional(env, "WEBHOOK_SECRET_ARN"),
                HistoryBudget.fromEnvironment(env),
                EventWebhooks.globalUrl(env),
                NotifierSettings.fromStackEnvironment(env, secrets::resolve),
                gateLinks(env, secrets));
    }

    /**
     * The gate links alerts carry ({@code GATE_LINKS}, {@code GATE_LINK_SECRET_ARN}, {@code GATE_LINK_TTL_HOURS}, as
     * the API reads them): the key is read on the first link, once per container. A value the template would
     * never set turns links off (logged): an alert without links still tells its story.
     */
    static GateLinkSettings gateLinks(Map<String, String> env, SecretResolver secrets) {
        try {
            return GateLinkSettings.fromEnvironment(env, secrets::resolve);
        } catch (IllegalArgumentException e) {
            java.util.logging.Logger.getLogger(LambdaWiring.class.getName()).warning("gate links are off: " + e.getMessage());
            return GateLinkSettings.off();
        }
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

    private static AwsJsonClient client(AwsService service, AwsSettings aws, Map<String, String> env) {
        return new AwsJsonClient(service, aws, service.endpoint(aws.region(), env));
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
