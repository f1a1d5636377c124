package dev.flagstep.phases.wiring;

import dev.flagstep.aws.AwsJsonClient;
import dev.flagstep.crd.KubeCanaryObjects;
import dev.flagstep.events.EventPublisher;
import dev.flagstep.gate.TaskTokens;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.knative.KnativeService;
import dev.flagstep.metrics.MetricChecker;
import dev.flagstep.metrics.MetricProviders;
import dev.flagstep.metrics.SecretResolver;
import dev.flagstep.metrics.SecretScope;
import dev.flagstep.net.AddressGuard;
import dev.flagstep.net.ServiceRouter;
import dev.flagstep.notifier.AlertPoster;
import dev.flagstep.gatelink.GateLinkActions;
import dev.flagstep.gatelink.GateLinkSettings;
import dev.flagstep.notifier.GateActions;
import dev.flagstep.notifier.Notifier;
import dev.flagstep.notifier.NotifierSettings;
import dev.flagstep.phases.cluster.KubeCanaryCluster;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.webhook.HookRunner;
import dev.flagstep.webhook.Sleeper;
import dev.flagstep.webhook.WebhookClient;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The one wiring of {@link Services}: the Lambda container ({@link LambdaWiring}) and the local runtime
 * pass their own {@link Adapters} and {@link Settings}, and everything built from them is built here,
 * so the two differ only in their adapters. Builds objects only: no call, no token, no timestamp (the
 * Lambda side runs it before a SnapStart snapshot, see {@code phases.Priming}).
 */
public final class PhaseWiring {

    private PhaseWiring() {}

    /**
     * What differs between AWS and the local runtime.
     *
     * @param store the table (DynamoDB, or DynamoDB Local; a test may wrap it)
     * @param events where canary events go (EventBridge, or the local bus)
     * @param taskTokens completes a parked task token (SendTaskSuccess, or the local interpreter)
     * @param kube the Kubernetes API of the canaries' cluster (EKS with a fresh token per call, a kubeconfig's
     *     cluster, or the simulated one)
     * @param router how cluster Service URLs are reached (the API server's service proxy, or direct)
     * @param guard where a canary's URLs may point
     * @param secrets where webhook signing keys and metric templates' secrets are read
     * @param secretScope where a canary's secret references point
     * @param credentials for SigV4 (Amazon Managed Prometheus)
     * @param cloudWatch builds the CloudWatch client of a region
     * @param clock the phases' clock
     * @param signingClock the clock of webhook signatures: receivers check it against theirs, so real time
     *     even when the phases' clock runs faster
     * @param sleeper how a phase waits ({@link Services#sleeper()})
     */
    public record Adapters(
            CanaryStore store,
            EventPublisher events,
            TaskTokens taskTokens,
            Supplier<KubeClient> kube,
            ServiceRouter router,
            AddressGuard guard,
            SecretResolver secrets,
            SecretScope secretScope,
            AwsCredentialsProvider credentials,
            Function<String, AwsJsonClient> cloudWatch,
            Clock clock,
            Clock signingClock,
            Sleeper sleeper) {}

    /**
     * The deployment's choices ({@link LambdaWiring} reads them from the function's environment).
     *
     * @param defaultProvider the router for canaries that name none
     * @param metricsServer Prometheus for the builtin metrics
     * @param apiUrl flagstep's own API: hooks at its gate paths are answered in-process
     * @param defaultWebhookSecret the secret signing the webhooks of canaries without a {@code webhookSecretRef}
     * @param historyBudget the ticks one execution runs before it hands the rollout over
     * @param eventWebhook Flagger's {@code -event-webhook} ({@code EVENT_WEBHOOK_URL}): the events of canaries
     *     without {@code event} hooks of their own go there
     * @param alerts the global notifier and the cluster name alerts carry
     * @param gateLinks the key and lifetime of the Approve / Roll back links alerts carry (at {@code apiUrl})
     */
    public record Settings(String defaultProvider, URI metricsServer, Optional<URI> apiUrl,
                           Optional<String> defaultWebhookSecret, HistoryBudget historyBudget, Optional<URI> eventWebhook,
                           NotifierSettings alerts, GateLinkSettings gateLinks) {

        /** Without a global event webhook, global notifier or gate links. */
        public Settings(String defaultProvider, URI metricsServer, Optional<URI> apiUrl,
                        Optional<String> defaultWebhookSecret, HistoryBudget historyBudget) {
            this(defaultProvider, metricsServer, apiUrl, defaultWebhookSecret, historyBudget, Optional.empty());
        }

        /** Without a global notifier or gate links. */
        public Settings(String defaultProvider, URI metricsServer, Optional<URI> apiUrl,
                        Optional<String> defaultWebhookSecret, HistoryBudget historyBudget, Optional<URI> eventWebhook) {
            this(defaultProvider, metricsServer, apiUrl, defaultWebhookSecret, historyBudget, eventWebhook,
                    NotifierSettings.none(), GateLinkSettings.off());
        }

        /** Without a global event webhook or gate links. */
        public Settings(String defaultProvider, URI metricsServer, Optional<URI> apiUrl,
                        Optional<String> defaultWebhookSecret, HistoryBudget historyBudget, NotifierSettings alerts) {
            this(defaultProvider, metricsServer, apiUrl, defaultWebhookSecret, historyBudget, Optional.empty(), alerts,
                    GateLinkSettings.off());
        }

        /** The links alerts offer for a closed gate: signed for this API, when it has an address and links are on. */
        GateActions gateActions(java.time.Clock clock) {
            return apiUrl.flatMap(api -> gateLinks.minter(api, clock).<GateActions>map(m -> new GateLinkActions(m, api)))
                    .orElse(GateActions.none());
        }
    }

    public static Services services(Adapters a, Settings s) {
        var metrics = new MetricProviders(
                new MetricProviders.Settings(s.metricsServer(), MetricProviders.Settings.defaults().prometheusTimeout()),
                a.secrets(), a.secretScope(), a.guard(), a.router(), a.credentials(), a.cloudWatch(), a.clock(), a.kube(),
                // Keptn's Analysis polls wait on the phases' clock (sped up locally), as Flagger's wait on its own
                a.sleeper());
        return new Services(
                a.store(),
                a.clock(),
                // a webhook's retries wait real time: its receiver runs in real time, whatever the phases' clock
                new HookRunner(new WebhookClient(a.guard(), a.router(), Sleeper.REAL, a.signingClock()), s.eventWebhook()),
                (canary, provider) -> new KubeCanaryCluster(a.kube().get(), canary, provider, a.clock()),
                new MetricChecker(metrics, s.defaultProvider(), canary -> a.kube().get().get(KnativeService.ref(canary))
                        .map(KnativeService::latestCreated)),
                a.events(),
                // the phases' own Kubernetes client: its timeout bounds what a status or event write can cost a tick
                new KubeCanaryObjects(a.kube(), a.clock()),
                a.taskTokens(),
                s.defaultProvider(),
                s.apiUrl(),
                SigningSecrets.from(a.secrets(), a.secretScope(), s.defaultWebhookSecret()),
                s.historyBudget(),
                a.sleeper(),
                // an alert's retries are bounded by the tick's deadline, which is on the phases' clock: wait on it too
                new Notifier(new AlertPoster(a.guard(), a.router(), a.sleeper(), a.clock(), AlertPoster.Policy.defaults()),
                        a.secrets(), a.secretScope(), s.alerts(), s.gateActions(a.clock())));
    }
}
