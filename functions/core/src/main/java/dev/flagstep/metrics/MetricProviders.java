package dev.flagstep.metrics;

import dev.flagstep.aws.AwsJsonClient;
import dev.flagstep.aws.AwsService;
import dev.flagstep.aws.AwsSettings;
import dev.flagstep.aws.RetryPolicy;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.Tls;
import dev.flagstep.net.AddressGuard;
import dev.flagstep.net.ServiceRouter;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.MetricProviderSpec;
import dev.flagstep.spec.MetricTemplate;
import dev.flagstep.spec.SpecValidator;
import dev.flagstep.webhook.Sleeper;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Builds and caches the metric providers a canary needs: one per distinct template provider spec,
 * one per metrics server, one CloudWatch client per region, and two HTTP clients shared by all
 * Prometheus providers. Build one per process (e.g. in a Lambda handler's static field); nothing here
 * reads the clock or resolves credentials until a query runs.
 */
public final class MetricProviders {

    /** Process-wide settings; Flagger's {@code -metrics-server} flag defaults to {@code http://prometheus:9090}. */
    public record Settings(URI defaultMetricsServer, Duration prometheusTimeout) {
        public static Settings defaults() {
            return new Settings(URI.create("http://prometheus:9090"), PrometheusProvider.DEFAULT_TIMEOUT);
        }
    }

    /** Flagger's CloudWatch session uses 3 retries, i.e. 4 attempts. */
    static final int CLOUDWATCH_MAX_ATTEMPTS = 4;

    private final Settings settings;
    private final SecretResolver secrets;
    private final SecretScope scope;
    private final AddressGuard guard;
    private final ServiceRouter router;
    private final AwsCredentialsProvider credentials;
    private final Function<String, AwsJsonClient> cloudWatchClientForRegion;
    private final Clock clock;
    private final Supplier<KubeClient> kube;
    private final Sleeper sleeper;
    private final HttpClient http;
    /** Built on first use: most installations never need it, and it should not be part of a SnapStart snapshot. */
    private volatile HttpClient insecureHttp;
    /** By namespace too: the same provider spec reads a different secret in each canary namespace. */
    private final Map<ScopedSpec, MetricProvider> byTemplateProvider = new ConcurrentHashMap<>();
    private final Map<String, AwsJsonClient> cloudWatchClients = new ConcurrentHashMap<>();
    /** By namespace too: {@code http://prometheus:9090} is a different Service in each canary namespace. */
    private final Map<ScopedAddress, PrometheusProvider> metricsServers = new ConcurrentHashMap<>();

    /**
     * @param cloudWatchClientForRegion builds the CloudWatch client for a region (called once per region);
     *     see {@link #cloudWatchClientFactory(AwsCredentialsProvider, HttpClient)} for the production one
     * @param credentials for SigV4 to Amazon Managed Prometheus and the AWS subject token of stackdriver's Workload
     *     Identity Federation (e.g. the Lambda role's)
     */
    public MetricProviders(Settings settings, SecretResolver secrets, AwsCredentialsProvider credentials,
            Function<String, AwsJsonClient> cloudWatchClientForRegion, Clock clock) {
        this(settings, secrets, SecretScope.unprefixed(), AddressGuard.local(), credentials, cloudWatchClientForRegion, clock);
    }

    /**
     * @param scope where a template's {@code secretRef} points: the canary's namespace under the
     *     stack's {@code SecretsPrefix} in AWS
     * @param guard where Prometheus addresses may point ({@link AddressGuard#aws} in Lambda)
     */
    public MetricProviders(Settings settings, SecretResolver secrets, SecretScope scope, AddressGuard guard,
            AwsCredentialsProvider credentials, Function<String, AwsJsonClient> cloudWatchClientForRegion, Clock clock) {
        this(settings, secrets, scope, guard, ServiceRouter.direct(), credentials, cloudWatchClientForRegion, clock);
    }

    /**
     * @param router how Prometheus addresses that name cluster Services are reached (the metrics server
     *     and templates' {@code provider.address}); {@link ServiceRouter#direct()} when off
     */
    public MetricProviders(Settings settings, SecretResolver secrets, SecretScope scope, AddressGuard guard, ServiceRouter router,
            AwsCredentialsProvider credentials, Function<String, AwsJsonClient> cloudWatchClientForRegion, Clock clock) {
        this(settings, secrets, scope, guard, router, credentials, cloudWatchClientForRegion, clock, () -> {
            throw new MetricQueryException("no Kubernetes API is configured for the externalmetrics and keptn providers");
        });
    }

    /**
     * @param kube the cluster's API, for the providers that read Kubernetes objects (externalmetrics, keptn); asked
     *     for only when such a provider runs a query
     */
    public MetricProviders(Settings settings, SecretResolver secrets, SecretScope scope, AddressGuard guard, ServiceRouter router,
            AwsCredentialsProvider credentials, Function<String, AwsJsonClient> cloudWatchClientForRegion, Clock clock,
            Supplier<KubeClient> kube) {
        this(settings, secrets, scope, guard, router, credentials, cloudWatchClientForRegion, clock, kube, Sleeper.REAL);
    }

    /**
     * @param sleeper how the keptn provider waits between its polls of an Analysis: on the phases' clock, which the
     *     local runtime speeds up
     */
    public MetricProviders(Settings settings, SecretResolver secrets, SecretScope scope, AddressGuard guard, ServiceRouter router,
            AwsCredentialsProvider credentials, Function<String, AwsJsonClient> cloudWatchClientForRegion, Clock clock,
            Supplier<KubeClient> kube, Sleeper sleeper) {
        this.sleeper = sleeper;
        this.kube = kube;
        this.router = router;
        this.settings = settings;
        this.secrets = secrets;
        this.scope = scope;
        this.guard = guard;
        this.credentials = credentials;
        this.cloudWatchClientForRegion = cloudWatchClientForRegion;
        this.clock = clock;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.prometheusTimeout()).build();
    }

    /**
     * CloudWatch clients with Flagger's retry count, sharing one HTTP client; the endpoint is the region's
     * unless the environment names another ({@code AWS_ENDPOINT_URL_CLOUDWATCH}, as the SDK reads it).
     */
    public static Function<String, AwsJsonClient> cloudWatchClientFactory(AwsCredentialsProvider credentials, HttpClient httpClient) {
        Map<String, String> env = System.getenv();
        return region -> {
            AwsSettings settings = new AwsSettings(region, credentials, httpClient,
                    RetryPolicy.standard().withMaxAttempts(CLOUDWATCH_MAX_ATTEMPTS));
            return new AwsJsonClient(AwsService.CLOUDWATCH, settings, AwsService.CLOUDWATCH.endpoint(region, env));
        };
    }

    /** The Prometheus the builtin checks and inline queries use: {@code spec.metricsServer}, else the default. */
    public PrometheusProvider metricsServer(CanarySpec canary) {
        URI address = canary.metricsServer().filter(s -> !s.isBlank()).map(s -> uri(s, "spec.metricsServer"))
                .orElse(settings.defaultMetricsServer());
        String namespace = canary.id().namespace();
        return metricsServers.computeIfAbsent(new ScopedAddress(namespace, address), key -> prometheus(namespace, key.address(),
                Map.of(), Optional.empty(), Optional.empty(), false));
    }

    private record ScopedAddress(String namespace, URI address) {}

    /**
     * The provider for a MetricTemplate used by a canary of {@code canaryNamespace}: its
     * {@code secretRef} is that namespace's secret, whatever namespace the template names.
     *
     * @throws MetricQueryException for an unsupported type, an incomplete provider spec or a secret
     *     reference outside the canary's namespace
     */
    public MetricProvider forTemplate(String canaryNamespace, MetricTemplate template) {
        return byTemplateProvider.computeIfAbsent(new ScopedSpec(canaryNamespace, template.provider()),
                key -> build(canaryNamespace, template, key.spec()));
    }

    private record ScopedSpec(String namespace, MetricProviderSpec spec) {}

    private MetricProvider build(String canaryNamespace, MetricTemplate template, MetricProviderSpec spec) {
        return switch (spec.type()) {
            case "prometheus" -> prometheus(canaryNamespace,
                    spec.address().filter(a -> !a.isBlank()).map(a -> uri(a, "provider.address")).orElseThrow(() -> new MetricQueryException(
                            "prometheus provider of template " + template.name() + "." + template.namespace() + " has no address")),
                    spec.headers(), spec.secretRef().map(ref -> scope.secretId(canaryNamespace, ref)), spec.region(),
                    spec.insecureSkipVerify());
            case "cloudwatch" -> new CloudWatchProvider(
                    cloudWatchClients.computeIfAbsent(spec.region().filter(r -> !r.isBlank()).orElseThrow(() -> new MetricQueryException(
                            "cloudwatch provider of template " + template.name() + "." + template.namespace()
                                    + ": region not specified")), cloudWatchClientForRegion),
                    clock);
            case "datadog" -> new DatadogProvider(spec.address(), secret(canaryNamespace, spec), transport(canaryNamespace, spec, false), clock);
            case "newrelic" -> new NewRelicProvider(spec.address(), secret(canaryNamespace, spec), transport(canaryNamespace, spec, false));
            case "dynatrace" -> new DynatraceProvider(spec.address(), secret(canaryNamespace, spec), transport(canaryNamespace, spec, false), clock);
            case "graphite" -> new GraphiteProvider(spec.address(), secret(canaryNamespace, spec), transport(canaryNamespace, spec, true));
            case "influxdb" -> new InfluxDbProvider(spec.address(), secret(canaryNamespace, spec),
                    new ProviderHttp("influxdb", http, InfluxDbProvider.TIMEOUT, guard, router, canaryNamespace));
            case "splunk" -> new SplunkProvider(spec.address(), secret(canaryNamespace, spec), transport(canaryNamespace, spec, false), clock);
            case "externalmetrics" -> new ExternalMetricsProvider(spec.address(), secret(canaryNamespace, spec),
                    transport(canaryNamespace, spec, true), kube);
            case "keptn" -> new KeptnProvider(kube, sleeper);
            case "stackdriver" -> {
                ProviderHttp transport = transport(canaryNamespace, spec, false);
                yield new StackdriverProvider(spec.address(), secret(canaryNamespace, spec), transport, new GoogleAccessToken(
                        new GoogleServiceAccountToken(transport, clock),
                        new GoogleExternalAccountToken(transport, clock, credentials,
                                () -> GoogleExternalAccountToken.regionFromEnvironment(System.getenv()))));
            }
            default -> throw new MetricQueryException("metric provider type '" + spec.type() + "' of template "
                    + template.name() + "." + template.namespace() + " is not supported (supported: "
                    + String.join(", ", SpecValidator.SUPPORTED_METRIC_PROVIDERS) + ")");
        };
    }

    /** The shared transport; {@code insecureSkipVerify} only where Flagger's provider honours it. */
    private ProviderHttp transport(String namespace, MetricProviderSpec spec, boolean honoursInsecureSkipVerify) {
        HttpClient client = honoursInsecureSkipVerify && spec.insecureSkipVerify() ? insecureHttp() : http;
        return new ProviderHttp(spec.type(), client, settings.prometheusTimeout(), guard, router, namespace);
    }

    private ProviderSecret secret(String canaryNamespace, MetricProviderSpec spec) {
        return new ProviderSecret(spec.type(), spec.secretRef().map(ref -> scope.secretId(canaryNamespace, ref)), secrets);
    }

    private static URI uri(String text, String field) {
        try {
            return new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new MetricQueryException(field + " " + text + " is not a valid URL: " + e.getReason());
        }
    }

    private PrometheusProvider prometheus(String namespace, URI address, Map<String, List<String>> headers,
            Optional<String> secretRef, Optional<String> region, boolean insecureSkipVerify) {
        PrometheusAuth auth;
        if (AmpAddress.looksLikeAmp(address)) {
            throw new MetricQueryException("prometheus address " + address + " looks like Amazon Managed Prometheus but is not "
                    + "https://aps-workspaces.{region}.amazonaws.com/workspaces/...: flagstep sends AWS credentials (SigV4) "
                    + "to that host only");
        }
        if (AmpAddress.isAmp(address)) {
            String signingRegion = region.filter(r -> !r.isBlank()).or(() -> AmpAddress.regionOf(address))
                    .orElseThrow(() -> new MetricQueryException("cannot tell the region of Amazon Managed Prometheus address "
                            + address + ": set provider.region"));
            auth = new PrometheusAuth.SigV4(signingRegion, credentials, clock);
        } else {
            auth = secretRef.<PrometheusAuth>map(ref -> new PrometheusAuth.Secret(ref, secrets)).orElse(PrometheusAuth.none());
        }
        try {
            return new PrometheusProvider(address, auth, headers, insecureSkipVerify ? insecureHttp() : http, settings.prometheusTimeout(),
                    guard, router, namespace);
        } catch (IllegalArgumentException e) {
            throw new MetricQueryException(e.getMessage(), e);
        }
    }

    private HttpClient insecureHttp() {
        HttpClient client = insecureHttp;
        if (client == null) {
            synchronized (this) {
                if (insecureHttp == null) {
                    insecureHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(settings.prometheusTimeout()).sslContext(Tls.insecure()).build();
                }
                client = insecureHttp;
            }
        }
        return client;
    }
}
