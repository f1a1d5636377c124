package dev.flagstep.metrics;

import dev.flagstep.kubernetes.ServiceProxy;
import dev.flagstep.net.AddressGuard;
import dev.flagstep.net.ServiceRouter;
import dev.flagstep.spec.MetricProviderSpec;
import dev.flagstep.spec.MetricTemplate;
import dev.flagstep.testing.FakeApiServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/**
 * A provider built as production builds it ({@link MetricProviders#forTemplate}), against a loopback fake
 * backend, at a fixed instant; {@link #viaProxy} puts the same backend behind a fake API server as Service
 * {@code metrics.monitoring} ({@code http://metrics.monitoring}).
 */
final class ProviderFixture implements AutoCloseable {

    /** 2026-03-01T10:00:00Z: 1772359200 s. */
    static final Clock FIXED = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
    static final long NOW_SECONDS = 1772359200L;

    final FakeHttpServer backend = new FakeHttpServer();
    private FakeApiServer api;

    /** {@code http://127.0.0.1:port}, no trailing slash. */
    String address() {
        return backend.uri("").toString().replaceAll("/$", "");
    }

    MetricProvider provider(String type, Optional<String> address, Optional<String> secretRef, Map<String, String> secret) {
        return providers(ServiceRouter.direct(), secret).forTemplate("test", template(type, address, secretRef, false));
    }

    MetricProvider provider(String type, Optional<String> address, Optional<String> secretRef, Map<String, String> secret,
            boolean insecureSkipVerify) {
        return providers(ServiceRouter.direct(), secret).forTemplate("test", template(type, address, secretRef, insecureSkipVerify));
    }

    /** With {@code router} deciding how each URL is reached (e.g. one that records what it is asked). */
    MetricProvider provider(String type, Optional<String> address, Optional<String> secretRef, Map<String, String> secret,
            ServiceRouter router) {
        return providers(router, secret).forTemplate("test", template(type, address, secretRef, false));
    }

    /** A router that tells which URL was asked, by failing with it. */
    static ServiceRouter stopAt() {
        return (url, namespace) -> {
            throw new dev.flagstep.net.ClusterServiceException("asked for " + url, false);
        };
    }

    /** At {@code http://metrics.monitoring{path}}, reached through the fake API server's service proxy. */
    MetricProvider viaProxy(String type, String path, Optional<String> secretRef, Map<String, String> secret) {
        api = FakeApiServer.start("tok").service("monitoring", "metrics", URI.create(address()));
        ServiceRouter router = new ServiceProxy(() -> api.client(Duration.ofSeconds(5)), "cluster.local", FIXED);
        return providers(router, secret).forTemplate("test", template(type, Optional.of("http://metrics.monitoring" + path), secretRef, false));
    }

    FakeApiServer api() {
        return api;
    }

    private static MetricTemplate template(String type, Optional<String> address, Optional<String> secretRef, boolean insecure) {
        return new MetricTemplate("test", type, new MetricProviderSpec(type, address, secretRef, Map.of(), Optional.empty(), insecure), "q");
    }

    /** With {@code kube} as the cluster's API (externalmetrics, keptn). */
    MetricProvider provider(String type, Optional<String> address, Optional<String> secretRef, Map<String, String> secret,
            java.util.function.Supplier<dev.flagstep.kubernetes.KubeClient> kube) {
        return providers(ServiceRouter.direct(), secret, kube).forTemplate("test", template(type, address, secretRef, false));
    }

    private static MetricProviders providers(ServiceRouter router, Map<String, String> secret) {
        return providers(router, secret, () -> {
            throw new AssertionError("no Kubernetes API here");
        });
    }

    private static MetricProviders providers(ServiceRouter router, Map<String, String> secret,
            java.util.function.Supplier<dev.flagstep.kubernetes.KubeClient> kube) {
        return new MetricProviders(new MetricProviders.Settings(URI.create("http://prometheus:9090"), Duration.ofSeconds(5)),
                ref -> {
                    if (!ref.equals("test/creds")) {
                        throw new MetricQueryException("secret " + ref + " not found");
                    }
                    return secret;
                }, SecretScope.unprefixed(), AddressGuard.local(), router, AnonymousCredentialsProvider.create(), region -> {
                    throw new AssertionError("no CloudWatch here");
                }, FIXED, kube);
    }

    /** The request's query parameters in the order sent, decoded. */
    static String decodedQuery(FakeHttpServer.Request request) {
        return java.net.URLDecoder.decode(request.uri().getRawQuery(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (api != null) {
            api.close();
        }
        backend.close();
    }
}
