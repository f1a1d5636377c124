package dev.flagstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.aws.AwsJsonClient;
import dev.flagstep.aws.AwsService;
import dev.flagstep.aws.AwsSettings;
import dev.flagstep.spec.MetricProviderSpec;
import dev.flagstep.spec.MetricTemplate;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class MetricProvidersTest {

    private final AtomicInteger cloudWatchClientsBuilt = new AtomicInteger();
    private final MetricProviders providers = new MetricProviders(MetricProviders.Settings.defaults(), SecretResolver.none(),
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "SECRET")),
            region -> {
                cloudWatchClientsBuilt.incrementAndGet();
                return new AwsJsonClient(AwsService.CLOUDWATCH, AwsSettings.of(region,
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "SECRET"))));
            },
            Clock.fixed(Instant.parse("2026-11-24T00:00:00Z"), ZoneOffset.UTC));

    private static MetricTemplate template(String name, String type, Optional<String> address, Optional<String> region) {
        return new MetricTemplate("test", name, new MetricProviderSpec(type, address, Optional.empty(), Map.of(), region, false), "q");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1234/, true, us-east-1",
            "https://aps-workspaces.eu-west-2.amazonaws.com/workspaces/ws-1, true, eu-west-2",
            "http://prometheus.monitoring:9090, false, -",
            "https://example.com/workspaces/ws-1, false, -",
    })
    void recognisesAmazonManagedPrometheus(URI address, boolean amp, String region) {
        assertThat(AmpAddress.isAmp(address)).isEqualTo(amp);
        assertThat(AmpAddress.regionOf(address)).isEqualTo(region.equals("-") ? Optional.empty() : Optional.of(region));
    }

    @Test
    void ampTemplatesAreSignedAndOthersAreNot() {
        PrometheusProvider amp = (PrometheusProvider) providers.forTemplate("test", template("amp", "prometheus",
                Optional.of("https://aps-workspaces.ap-southeast-2.amazonaws.com/workspaces/ws-9"), Optional.empty()));
        PrometheusProvider plain = (PrometheusProvider) providers.forTemplate("test", template("plain", "prometheus",
                Optional.of("http://prometheus:9090"), Optional.empty()));

        assertThat(amp.auth()).isInstanceOfSatisfying(PrometheusAuth.SigV4.class, s -> assertThat(s.region()).isEqualTo("ap-southeast-2"));
        assertThat(plain.auth()).isInstanceOf(PrometheusAuth.None.class);
    }

    @Test
    void providersAndClientsAreBuiltOnceAndReused() {
        MetricProvider first = providers.forTemplate("test", template("a", "cloudwatch", Optional.empty(), Optional.of("us-east-1")));
        MetricProvider sameSpec = providers.forTemplate("test", template("b", "cloudwatch", Optional.empty(), Optional.of("us-east-1")));
        providers.forTemplate("test", new MetricTemplate("test", "c", new MetricProviderSpec("cloudwatch", Optional.empty(), Optional.empty(),
                Map.of("x", List.of("y")), Optional.of("us-east-1"), false), "q"));
        providers.forTemplate("test", template("d", "cloudwatch", Optional.empty(), Optional.of("eu-west-1")));

        assertThat(sameSpec).isSameAs(first);
        assertThat(cloudWatchClientsBuilt).hasValue(2);
    }

    @Test
    void incompleteOrUnsupportedProvidersAreClearErrors() {
        assertThatThrownBy(() -> providers.forTemplate("test", template("cw", "cloudwatch", Optional.empty(), Optional.empty())))
                .isInstanceOf(MetricQueryException.class).hasMessage("cloudwatch provider of template cw.test: region not specified");
        assertThatThrownBy(() -> providers.forTemplate("test", template("p", "prometheus", Optional.empty(), Optional.empty())))
                .isInstanceOf(MetricQueryException.class).hasMessage("prometheus provider of template p.test has no address");
        assertThatThrownBy(() -> providers.forTemplate("test", template("p", "prometheus", Optional.of("prometheus:9090"), Optional.empty())))
                .isInstanceOf(MetricQueryException.class).hasMessageContaining("not a valid http(s) URL");
        assertThatThrownBy(() -> providers.forTemplate("test", template("nr", "statsd", Optional.empty(), Optional.empty())))
                .isInstanceOf(MetricQueryException.class).hasMessageContaining("'statsd'").hasMessageContaining("not supported");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "istio, ISTIO", "nginx, NGINX", "kubernetes, HTTP", "gatewayapi, HTTP", "gatewayapi:v1, HTTP",
            "gatewayapi:v1beta1:service, HTTP", "linkerd, LINKERD", "unknown-mesh, ISTIO", "kubernetes:service, ISTIO",
            "osm, OSM", "kuma, KUMA", "contour, CONTOUR", "gloo, GLOO", "gloo:edge, GLOO", "traefik, TRAEFIK",
            "apisix, APISIX", "skipper, SKIPPER", "knative, KNATIVE", "linkerd:service, ISTIO", "smi:v1alpha1, ISTIO",
            "appmesh, ISTIO",
    })
    void choosesTheObserverAsFlaggersFactoryDoes(String provider, Observer expected) {
        assertThat(Observer.forName(provider)).isEqualTo(expected);
    }
}
