package dev.flagstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.metrics.FakeHttpServer.Reply;
import dev.flagstep.net.AddressGuard;
import dev.flagstep.spec.MetricProviderSpec;
import dev.flagstep.spec.MetricTemplate;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Metrics providers: the address policy, the answer's bound, and AWS credentials only for real AMP hosts. */
class MetricsEgressTest {

    private final FakeHttpServer prometheus = new FakeHttpServer();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        prometheus.close();
    }

    private PrometheusProvider provider(AddressGuard guard) {
        return new PrometheusProvider(prometheus.uri(""), PrometheusAuth.none(), Map.of(), http, Duration.ofSeconds(5), guard);
    }

    @Test
    void aLoopbackPrometheusIsRefusedInTheAwsDeploymentAndUsedLocally() {
        prometheus.respond(r -> Reply.json(200, PromJson.vector("99.5")));

        assertThatThrownBy(() -> provider(AddressGuard.aws(Map.of())).query("up", Optional.empty()))
                .isInstanceOf(MetricQueryException.class)
                .hasMessage("prometheus request refused: " + prometheus.uri("") + "/api/v1/query resolves to a loopback address "
                        + "(127.0.0.1), refused in the AWS deployment");
        assertThat(prometheus.requests()).isEmpty();

        assertThat(provider(AddressGuard.local()).query("up", Optional.empty())).isEqualTo(99.5);
    }

    @Test
    void anAnswerPastTheBoundIsAnErrorNotParsedHalf() {
        String huge = PromJson.vector("1").replace("\"result\"", "\"padding\":\"" + "p".repeat(2 * 1024 * 1024) + "\",\"result\"");
        prometheus.respond(r -> Reply.json(200, huge));

        assertThatThrownBy(() -> provider(AddressGuard.local()).query("up", Optional.empty()))
                .isInstanceOf(MetricQueryException.class)
                .hasMessage("prometheus answer from " + prometheus.uri("") + "/api/v1/query is larger than 1048576 bytes; refused");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1234/, true",
            "https://aps-workspaces-fips.us-gov-west-1.amazonaws.com/workspaces/ws-1, true",
            "https://aps-workspaces.cn-north-1.amazonaws.com.cn/workspaces/ws-1, true",
            "https://APS-WORKSPACES.eu-west-2.amazonaws.com/workspaces/ws-1, true",
            "http://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1, false",
            "https://aps-workspaces.us-east-1.amazonaws.com/api/v1/query, false",
            "https://abc123.execute-api.us-east-1.amazonaws.com/workspaces/ws-1, false",
            "https://my-bucket.s3-website-us-east-1.amazonaws.com/workspaces/ws-1, false",
            "https://aps-workspaces.us-east-1.amazonaws.com.evil.example/workspaces/ws-1, false",
            "https://evil-aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1, false",
    })
    void onlyRealAmpHostsAreAmp(URI address, boolean amp) {
        assertThat(AmpAddress.isAmp(address)).isEqualTo(amp);
    }

    @Test
    void anAwsLookalikeAddressIsAnErrorInsteadOfGettingCredentials() {
        MetricProviders providers = new MetricProviders(MetricProviders.Settings.defaults(), SecretResolver.none(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "SECRET")), region -> {
                    throw new AssertionError("no CloudWatch");
                }, Clock.systemUTC());
        for (String address : new String[] {"https://abc123.execute-api.us-east-1.amazonaws.com/workspaces/ws-1",
                "http://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1"}) {
            MetricTemplate template = new MetricTemplate("test", "t", new MetricProviderSpec("prometheus", Optional.of(address),
                    Optional.empty(), Map.of(), Optional.empty(), false), "up");
            assertThatThrownBy(() -> providers.forTemplate("test", template)).as(address)
                    .isInstanceOf(MetricQueryException.class)
                    .hasMessage("prometheus address " + address + " looks like Amazon Managed Prometheus but is not "
                            + "https://aps-workspaces.{region}.amazonaws.com/workspaces/...: flagstep sends AWS credentials (SigV4) "
                            + "to that host only");
        }
        MetricTemplate lookalikeHost = new MetricTemplate("test", "t", new MetricProviderSpec("prometheus",
                Optional.of("https://aps-workspaces.us-east-1.amazonaws.com.evil.example/workspaces/ws-1"), Optional.empty(), Map.of(),
                Optional.empty(), false), "up");
        assertThat(((PrometheusProvider) providers.forTemplate("test", lookalikeHost)).auth())
                .as("not an AWS host at all: a plain Prometheus, unsigned").isInstanceOf(PrometheusAuth.None.class);
    }
}
