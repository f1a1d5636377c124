package dev.flagstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.kubernetes.ServiceProxy;
import dev.flagstep.metrics.FakeHttpServer.Reply;
import dev.flagstep.net.AddressGuard;
import dev.flagstep.net.ServiceRouter;
import dev.flagstep.spec.MetricProviderSpec;
import dev.flagstep.spec.MetricTemplate;
import dev.flagstep.testing.FakeApiServer;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/** Prometheus at a cluster Service address is queried through a (fake) API server's service proxy. */
class ClusterServicePrometheusTest {

    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

    private final FakeHttpServer prometheus = new FakeHttpServer().respond(r -> Reply.json(200, PromJson.vector("99.5")));
    private final URI backend = URI.create(prometheus.uri("").toString().replaceAll("/$", ""));
    private final FakeApiServer api = FakeApiServer.start("tok")
            .service("test", "prometheus", backend)
            .service("istio-system", "prometheus", backend)
            .noEndpoints("monitoring", "prometheus");
    /** The AWS policy; only IP literals resolve. */
    private final AddressGuard aws = AddressGuard.aws(Optional.empty(), host -> {
        if (host.matches("[0-9.]+")) {
            return InetAddress.getAllByName(host);
        }
        throw new UnknownHostException(host);
    });

    @AfterEach
    void stop() {
        api.close();
        prometheus.close();
    }

    private MetricProviders providers(ServiceRouter router, Map<String, String> secret) {
        return new MetricProviders(new MetricProviders.Settings(URI.create("http://prometheus:9090"), Duration.ofSeconds(5)),
                ref -> secret, SecretScope.unprefixed(), aws, router, AnonymousCredentialsProvider.create(), region -> {
                    throw new AssertionError("no CloudWatch here");
                }, FIXED);
    }

    private ServiceRouter proxy() {
        return new ServiceProxy(() -> api.client(Duration.ofSeconds(5)), "cluster.local", FIXED);
    }

    private static MetricTemplate template(String address, Optional<String> secretRef) {
        return new MetricTemplate("istio-system", "latency",
                new MetricProviderSpec("prometheus", Optional.of(address), secretRef, Map.of("X-Scope-OrgID", List.of("team-a")),
                        Optional.empty(), false), "q");
    }

    @Test
    void theDefaultMetricsServerIsTheCanaryNamespacesPrometheusThroughTheProxy() {
        double value = providers(proxy(), Map.of()).metricsServer(Canaries.canary(Optional.empty(), Optional.empty(), List.of()))
                .query("sum(rate(x{a=\"b\"}[1m]))", Optional.of("1m"));

        assertThat(value).isEqualTo(99.5);
        assertThat(api.proxied()).singleElement().asString()
                .startsWith("/api/v1/namespaces/test/services/prometheus:9090/proxy/api/v1/query?query=sum%28rate");
        FakeHttpServer.Request request = prometheus.lastRequest();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.uri().getPath()).isEqualTo("/api/v1/query");
        assertThat(request.uri().getQuery()).isEqualTo("query=sum(rate(x{a=\"b\"}[1m]))");
    }

    @Test
    void aTemplatesProviderAddressIsProxiedWithItsHeaders() {
        double value = providers(proxy(), Map.of()).forTemplate("test", template("http://prometheus.istio-system:9090", Optional.empty()))
                .query("up", Optional.empty());

        assertThat(value).isEqualTo(99.5);
        assertThat(api.proxied()).containsExactly("/api/v1/namespaces/istio-system/services/prometheus:9090/proxy/api/v1/query?query=up");
        assertThat(prometheus.lastRequest().header("X-Scope-OrgID")).isEqualTo("team-a");
        assertThat(prometheus.lastRequest().header("Authorization")).isNull();
    }

    @Test
    void aSecretRefCannotBeUsedWithAProxiedAddress() {
        MetricProvider provider = providers(proxy(), Map.of("token", "t0k3n"))
                .forTemplate("test", template("http://prometheus.istio-system:9090", Optional.of("prom-auth")));

        assertThatThrownBy(() -> provider.query("up", Optional.empty()))
                .isInstanceOf(MetricQueryException.class)
                .hasMessage("provider.secretRef cannot be used with a cluster Service address reached through the API server proxy "
                        + "(http://prometheus.istio-system:9090 is Service prometheus.istio-system): remove secretRef, or use an "
                        + "address outside the cluster");
        assertThat(api.proxied()).isEmpty();
    }

    @Test
    void aProxyErrorIsNamed() {
        MetricProvider provider = providers(proxy(), Map.of()).forTemplate("test", template("http://prometheus.monitoring:9090", Optional.empty()));

        assertThatThrownBy(() -> provider.query("up", Optional.empty()))
                .isInstanceOf(MetricQueryException.class)
                .hasMessage("prometheus request to http://prometheus.monitoring:9090/api/v1/query failed: "
                        + "service prometheus.monitoring has no ready endpoints");
    }

    @Test
    void modeOffQueriesDirectly() {
        MetricProvider provider = providers(ServiceRouter.direct(), Map.of())
                .forTemplate("test", template("http://prometheus.istio-system:9090", Optional.empty()));

        assertThatThrownBy(() -> provider.query("up", Optional.empty())).isInstanceOf(MetricQueryException.class)
                .hasMessageContaining("prometheus.istio-system");
        assertThat(api.proxied()).isEmpty();
        assertThat(api.namespaceGets()).isZero();
    }

    @Test
    void aLoopbackAddressStaysDirectAndGuarded() {
        MetricProvider provider = providers(proxy(), Map.of()).forTemplate("test", template(backend.toString(), Optional.empty()));

        assertThatThrownBy(() -> provider.query("up", Optional.empty())).isInstanceOf(MetricQueryException.class)
                .hasMessageContaining("refused in the AWS deployment");
        assertThat(api.proxied()).isEmpty();
    }
}
