package dev.flagstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.metrics.FakeHttpServer.Reply;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class PrometheusProviderTest {

    private final FakeHttpServer prometheus = new FakeHttpServer();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void stop() {
        prometheus.close();
    }

    private PrometheusProvider provider(PrometheusAuth auth, Map<String, List<String>> headers) {
        return new PrometheusProvider(prometheus.uri(""), auth, headers, http, Duration.ofSeconds(5));
    }

    private double query(String promql) {
        return provider(PrometheusAuth.none(), Map.of()).query(promql, Optional.of("1m"));
    }

    private static String sentQuery(FakeHttpServer.Request request) {
        String raw = request.uri().getRawQuery();
        assertThat(raw).startsWith("query=");
        return URLDecoder.decode(raw.substring("query=".length()), StandardCharsets.UTF_8);
    }

    @Test
    void getsTheQueryEndpointWithWhitespaceCollapsedAndReturnsTheVectorValue() {
        prometheus.respond(r -> Reply.json(200, PromJson.vector("99.25")));

        double value = query("""
                sum(
                    rate(http_requests_total{status!~"5.*"}[1m])
                )
                """);

        assertThat(value).isEqualTo(99.25);
        FakeHttpServer.Request request = prometheus.lastRequest();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.uri().getPath()).isEqualTo("/api/v1/query");
        assertThat(sentQuery(request)).isEqualTo("sum( rate(http_requests_total{status!~\"5.*\"}[1m]) )");
        assertThat(request.header("Authorization")).isNull();
    }

    @Test
    void keepsAPathPrefixOfTheAddress() {
        prometheus.respond(r -> Reply.json(200, PromJson.vector("1")));
        new PrometheusProvider(prometheus.uri("/prometheus/"), PrometheusAuth.none(), Map.of(), http, Duration.ofSeconds(5))
                .query("vector(1)", Optional.empty());

        assertThat(prometheus.lastRequest().uri().getPath()).isEqualTo("/prometheus/api/v1/query");
    }

    @Test
    void theLastSeriesWinsAsInFlagger() {
        prometheus.respond(r -> Reply.json(200, PromJson.vector("10", "20", "30.5")));

        assertThat(query("up")).isEqualTo(30.5);
    }

    @Test
    void aScalarResultIsItsValue() {
        prometheus.respond(r -> Reply.json(200, PromJson.scalar("42")));

        assertThat(query("scalar(up)")).isEqualTo(42);
    }

    @Test
    void infinityIsAValueNotAnError() {
        prometheus.respond(r -> Reply.json(200, PromJson.vector("+Inf")));

        assertThat(query("histogram_quantile(0.99, x)")).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void aMatrixResultIsAnError() {
        prometheus.respond(r -> Reply.json(200, PromJson.matrix()));

        assertThatThrownBy(() -> query("up[5m]"))
                .isExactlyInstanceOf(MetricQueryException.class)
                .hasMessage("query returned multiple values");
    }

    @Test
    void anEmptyVectorIsNoValuesFound() {
        prometheus.respond(r -> Reply.json(200, PromJson.vector()));

        assertThatThrownBy(() -> query("up"))
                .isInstanceOf(NoValuesFoundException.class)
                .hasMessageContaining("no values found");
    }

    @Test
    void nanIsNoValuesFound() {
        prometheus.respond(r -> Reply.json(200, PromJson.vector("NaN")));

        assertThatThrownBy(() -> query("0/0"))
                .isInstanceOf(NoValuesFoundException.class)
                .hasMessageContaining("NaN");
    }

    @Test
    void anErrorStatusReportsPrometheusErrorTypeAndMessage() {
        prometheus.respond(r -> Reply.json(400, PromJson.error("bad_data", "1:5: parse error: unexpected end of input")));

        assertThatThrownBy(() -> query("sum("))
                .isExactlyInstanceOf(MetricQueryException.class)
                .hasMessage("prometheus error response (HTTP 400): bad_data: 1:5: parse error: unexpected end of input");
    }

    @Test
    void anErrorStatusInA200BodyIsStillAnError() {
        prometheus.respond(r -> Reply.json(200, PromJson.error("execution", "query timed out")));

        assertThatThrownBy(() -> query("up"))
                .isExactlyInstanceOf(MetricQueryException.class)
                .hasMessageContaining("execution: query timed out");
    }

    @Test
    void unauthorizedIsAnErrorWithTheBody() {
        prometheus.respond(r -> Reply.text(401, "Unauthorized\n"));

        assertThatThrownBy(() -> query("up"))
                .isExactlyInstanceOf(MetricQueryException.class)
                .hasMessage("prometheus error response (HTTP 401): Unauthorized");
    }

    @Test
    void aSlowServerTimesOut() {
        // a minute: longer than any test waits, so only the provider's timeout can end the query
        prometheus.respond(r -> Reply.json(200, PromJson.vector("1")).delayed(60_000));
        PrometheusProvider impatient = new PrometheusProvider(prometheus.uri(""), PrometheusAuth.none(), Map.of(), http, Duration.ofMillis(200));

        assertThatThrownBy(() -> impatient.query("up", Optional.empty()))
                .isExactlyInstanceOf(MetricQueryException.class)
                .hasMessageContaining("timed out after 200ms");
    }

    @Test
    void anUnreachableServerIsAQueryError() {
        PrometheusProvider nowhere = new PrometheusProvider(URI.create("http://127.0.0.1:1"), PrometheusAuth.none(), Map.of(), http,
                Duration.ofSeconds(1));

        assertThatThrownBy(() -> nowhere.query("up", Optional.empty()))
                .isExactlyInstanceOf(MetricQueryException.class)
                .hasMessageContaining("prometheus request to http://127.0.0.1:1/api/v1/query failed");
    }

    @Test
    void aSecretWithATokenSendsABearerToken() {
        prometheus.respond(r -> Reply.json(200, PromJson.vector("1")));
        SecretResolver secrets = ref -> ref.equals("prom-auth") ? Map.of("token", "ey.J0k3n") : Map.of();

        provider(new PrometheusAuth.Secret("prom-auth", secrets), Map.of()).query("up", Optional.empty());

        assertThat(prometheus.lastRequest().header("Authorization")).isEqualTo("Bearer ey.J0k3n");
    }

    @Test
    void aSecretWithUsernameAndPasswordSendsBasicAuth() {
        prometheus.respond(r -> Reply.json(200, PromJson.vector("1")));
        SecretResolver secrets = ref -> Map.of("username", "flagger", "password", "s3cr:et");

        provider(new PrometheusAuth.Secret("prom-auth", secrets), Map.of()).query("up", Optional.empty());

        assertThat(prometheus.lastRequest().header("Authorization"))
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("flagger:s3cr:et".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aSecretWithoutUsableKeysIsAClearError() {
        SecretResolver secrets = ref -> Map.of("username", "flagger");

        assertThatThrownBy(() -> provider(new PrometheusAuth.Secret("prom-auth", secrets), Map.of()).query("up", Optional.empty()))
                .isExactlyInstanceOf(MetricQueryException.class)
                .hasMessage("prometheus secret prom-auth must contain a token, or a username and a password (found keys [username])");
        assertThat(prometheus.requests()).isEmpty();
    }

    @Test
    void headersTheHttpClientSetsItselfAreDroppedInAnyCaseAndLocale() {
        // java.net.http refuses to be given Connection; its upper-case name lower-cases to "connectıon"
        // under a Turkish default locale, the locale the test JVMs run in
        prometheus.respond(r -> Reply.json(200, PromJson.vector("1")));

        double value = provider(PrometheusAuth.none(), Map.of("CONNECTION", List.of("close"), "X-Kept", List.of("yes")))
                .query("up", Optional.empty());

        assertThat(value).isEqualTo(1.0);
        assertThat(prometheus.lastRequest().header("X-Kept")).isEqualTo("yes");
    }

    @Test
    void customHeadersAreSentAsGiven() {
        prometheus.respond(r -> Reply.json(200, PromJson.vector("1")));

        provider(PrometheusAuth.none(), Map.of("X-Scope-OrgID", List.of("team-a"), "X-Trace", List.of("1", "2")))
                .query("up", Optional.empty());

        FakeHttpServer.Request request = prometheus.lastRequest();
        assertThat(request.header("X-Scope-OrgID")).isEqualTo("team-a");
        assertThat(request.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("X-Trace")).findFirst().orElseThrow()
                .getValue()).containsExactly("1", "2");
    }

    @Test
    void amazonManagedPrometheusRequestsAreSignedWithSigV4ForAps() {
        prometheus.respond(r -> Reply.json(200, PromJson.vector("0.5")));
        Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:15:30Z"), ZoneOffset.UTC);
        PrometheusAuth sigV4 = new PrometheusAuth.SigV4("us-east-1",
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "SECRET")), clock);
        PrometheusProvider amp = new PrometheusProvider(prometheus.uri("/workspaces/ws-0123/"), sigV4,
                Map.of("X-Custom", List.of("yes")), http, Duration.ofSeconds(5));

        double value = amp.query("sum(rate(x[1m]))", Optional.of("1m"));

        assertThat(value).isEqualTo(0.5);
        FakeHttpServer.Request request = prometheus.lastRequest();
        assertThat(request.uri().getPath()).isEqualTo("/workspaces/ws-0123/api/v1/query");
        assertThat(sentQuery(request)).isEqualTo("sum(rate(x[1m]))");
        assertThat(request.header("X-Amz-Date")).isEqualTo("20261124T101530Z");
        assertThat(request.header("Authorization")).matches(
                "AWS4-HMAC-SHA256 Credential=AKID/20261124/us-east-1/aps/aws4_request, "
                        + "SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*x-amz-date[a-z0-9;-]*, Signature=[0-9a-f]{64}");
        assertThat(request.header("Authorization")).contains("x-custom");
        assertThat(SigV4Verifier.verify(request, "SECRET")).as("signature matches the request as received").isTrue();
        assertThat(SigV4Verifier.verify(request, "OTHER-SECRET")).isFalse();
    }

    @Test
    void sigV4SignsTheQueryStringThatIsActuallySent() {
        prometheus.respond(r -> Reply.json(200, PromJson.vector("1")));
        Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:15:30Z"), ZoneOffset.UTC);
        PrometheusAuth sigV4 = new PrometheusAuth.SigV4("eu-west-1",
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "SECRET")), clock);
        PrometheusProvider amp = new PrometheusProvider(prometheus.uri("/workspaces/ws-1"), sigV4, Map.of(), http, Duration.ofSeconds(5));

        amp.query("sum by (le) (x{a=~\"b.*\"}) * 100", Optional.empty());

        // RFC 3986 encoding (%20, not +): the encoding AWS uses for the canonical request
        assertThat(prometheus.lastRequest().uri().getRawQuery())
                .isEqualTo("query=sum%20by%20%28le%29%20%28x%7Ba%3D~%22b.%2A%22%7D%29%20%2A%20100");
        assertThat(prometheus.lastRequest().header("Authorization")).contains("/eu-west-1/aps/aws4_request");
        assertThat(SigV4Verifier.verify(prometheus.lastRequest(), "SECRET")).isTrue();
    }

    @Test
    void rejectsAnAddressThatIsNotHttp() {
        assertThatThrownBy(() -> new PrometheusProvider(URI.create("prometheus:9090"), PrometheusAuth.none(), Map.of(), http,
                Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a valid http(s) URL");
    }
}
