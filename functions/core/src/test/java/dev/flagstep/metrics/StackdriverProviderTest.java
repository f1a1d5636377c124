package dev.flagstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.metrics.FakeHttpServer.Reply;
import dev.flagstep.net.AddressGuard;
import dev.flagstep.net.ServiceRouter;
import dev.flagstep.testing.MovableClock;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StackdriverProviderTest {

    private static KeyPair keys;
    private static final String SERIES = """
            {"timeSeriesDescriptor": {"pointDescriptors": [{"key": "value_ratio", "valueType": "DOUBLE"}]},
             "timeSeriesData": [{"labelValues": [{"stringValue": "podinfo"}],
                                 "pointData": [{"values": [{"doubleValue": 0.25}],
                                                "timeInterval": {"startTime": "2026-03-01T09:59:00Z", "endTime": "2026-03-01T10:00:00Z"}}]},
                                {"pointData": [{"values": [{"doubleValue": 9}]}]}]}""";

    private final ProviderFixture fixture = new ProviderFixture();
    private final MovableClock clock = new MovableClock(ProviderFixture.FIXED.instant());

    @BeforeAll
    static void generateKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private String serviceAccountKey() {
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return ProviderJson.mapper().createObjectNode().put("type", "service_account").put("project_id", "my-project")
                .put("private_key_id", "kid-1").put("private_key", pem).put("client_email", "flagger@my-project.iam.gserviceaccount.com")
                .put("token_uri", fixture.address() + "/token").toString();
    }

    private Map<String, String> secret() {
        return Map.of("project", "my-project", "serviceAccountKey", serviceAccountKey());
    }

    /** Token endpoint and Cloud Monitoring on the fake: token {@code ya29.N} for the N-th token request. */
    private void serve(Reply query) {
        int[] minted = {0};
        fixture.backend.respond(r -> r.uri().getPath().equals("/token")
                ? Reply.json(200, "{\"access_token\": \"ya29." + (++minted[0]) + "\", \"expires_in\": 3599, \"token_type\": \"Bearer\"}")
                : query);
    }

    private StackdriverProvider stackdriver(Map<String, String> secret) {
        ProviderHttp http = new ProviderHttp("stackdriver", HttpClient.newHttpClient(), Duration.ofSeconds(5), AddressGuard.local(),
                ServiceRouter.direct(), "test");
        return new StackdriverProvider(Optional.of(fixture.address()), new ProviderSecret("stackdriver", Optional.of("test/creds"),
                ref -> secret), http, new GoogleAccessToken(new GoogleServiceAccountToken(http, clock),
                new GoogleExternalAccountToken(http, clock, AnonymousCredentialsProvider.create(), Optional::empty)));
    }

    @Test
    void exchangesAnRs256JwtForATokenThenPostsTheMqlQueryAndReadsTheFirstPoint() throws Exception {
        serve(Reply.json(200, SERIES));

        double value = stackdriver(secret()).query("fetch k8s_container | metric 'x' | within 1m", Optional.of("1m"));

        assertThat(value).isEqualTo(0.25);
        var token = fixture.backend.requests().get(0);
        assertThat(token.method()).isEqualTo("POST");
        assertThat(token.uri().getPath()).isEqualTo("/token");
        assertThat(token.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        String form = new String(token.body(), StandardCharsets.UTF_8);
        assertThat(form).startsWith("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=");
        String[] jwt = URLDecoder.decode(form.substring(form.indexOf("assertion=") + 10), StandardCharsets.UTF_8).split("\\.");
        JsonNode header = ProviderJson.mapper().readTree(Base64.getUrlDecoder().decode(jwt[0]));
        JsonNode claims = ProviderJson.mapper().readTree(Base64.getUrlDecoder().decode(jwt[1]));
        assertThat(header.toString()).isEqualTo("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"kid-1\"}");
        assertThat(claims.toString()).isEqualTo("{\"iss\":\"flagger@my-project.iam.gserviceaccount.com\",\"scope\":"
                + "\"https://www.googleapis.com/auth/monitoring.read\",\"aud\":\"" + fixture.address() + "/token\",\"iat\":"
                + ProviderFixture.NOW_SECONDS + ",\"exp\":" + (ProviderFixture.NOW_SECONDS + 3600) + "}");
        Signature verify = Signature.getInstance("SHA256withRSA");
        verify.initVerify(keys.getPublic());
        verify.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(verify.verify(Base64.getUrlDecoder().decode(jwt[2]))).isTrue();

        var query = fixture.backend.lastRequest();
        assertThat(query.method()).isEqualTo("POST");
        assertThat(query.uri().getRawPath()).isEqualTo("/v3/projects/my-project/timeSeries:query");
        assertThat(query.header("Authorization")).isEqualTo("Bearer ya29.1");
        assertThat(query.header("Content-Type")).isEqualTo("application/json");
        assertThat(new String(query.body(), StandardCharsets.UTF_8)).isEqualTo("{\"query\":\"fetch k8s_container | metric 'x' | within 1m\"}");
    }

    @Test
    void theTokenIsReusedUntilFiveMinutesBeforeItExpires() {
        serve(Reply.json(200, SERIES));
        StackdriverProvider provider = stackdriver(secret());

        provider.query("q", Optional.empty());
        clock.advance(Duration.ofSeconds(3599 - 301));
        provider.query("q", Optional.empty());
        assertThat(fixture.backend.requests()).filteredOn(r -> r.uri().getPath().equals("/token")).hasSize(1);
        assertThat(fixture.backend.lastRequest().header("Authorization")).isEqualTo("Bearer ya29.1");

        clock.advance(Duration.ofSeconds(2));
        provider.query("q", Optional.empty());
        assertThat(fixture.backend.requests()).filteredOn(r -> r.uri().getPath().equals("/token")).hasSize(2);
        assertThat(fixture.backend.lastRequest().header("Authorization")).isEqualTo("Bearer ya29.2");
    }

    @Test
    void noTimeSeriesNoPointsOrNoValuesAreNoValues() {
        for (String body : new String[]{"{}", "{\"timeSeriesData\": []}", "{\"timeSeriesData\": [{\"pointData\": []}]}",
                "{\"timeSeriesData\": [{\"pointData\": [{\"values\": []}]}]}"}) {
            serve(Reply.json(200, body));
            assertThatThrownBy(() -> stackdriver(secret()).query("q", Optional.empty())).as(body).isInstanceOf(NoValuesFoundException.class)
                    .hasMessageContaining("invalid response");
        }
    }

    @Test
    void anInt64ValueIsReadAsItsNumber() {
        serve(Reply.json(200, "{\"timeSeriesData\": [{\"pointData\": [{\"values\": [{\"int64Value\": \"12\"}]}]}]}"));

        assertThat(stackdriver(secret()).query("q", Optional.empty())).isEqualTo(12);
    }

    @Test
    void anErrorStatusIsAnErrorRequestingStackdriver() {
        serve(Reply.json(403, "{\"error\": {\"code\": 403, \"status\": \"PERMISSION_DENIED\"}}"));

        assertThatThrownBy(() -> stackdriver(secret()).query("q", Optional.empty())).isExactlyInstanceOf(MetricQueryException.class)
                .hasMessage("error requesting stackdriver: 403 {\"error\": {\"code\": 403, \"status\": \"PERMISSION_DENIED\"}}");
    }

    @Test
    void isOnlineSendsTheEmptyQueryAndTakesInvalidArgumentAsOnline() {
        serve(Reply.json(400, "{\"error\": {\"code\": 400, \"status\": \"INVALID_ARGUMENT\"}}"));
        stackdriver(secret()).checkOnline();
        assertThat(new String(fixture.backend.lastRequest().body(), StandardCharsets.UTF_8)).isEqualTo("{\"query\":\"\"}");

        serve(Reply.json(403, "{\"error\": {\"code\": 403, \"status\": \"PERMISSION_DENIED\"}}"));
        assertThatThrownBy(() -> stackdriver(secret()).checkOnline()).hasMessageStartingWith("unexpected status code: 403");
    }

    @Test
    void theProjectAndTheKeyAreRequiredAndNamed() {
        assertThatThrownBy(() -> stackdriver(Map.of("serviceAccountKey", serviceAccountKey())).query("q", Optional.empty()))
                .hasMessage("stackdriver credentials does not contain project (secret test/creds)");
        assertThatThrownBy(() -> stackdriver(Map.of("project", "p")).checkOnline())
                .hasMessage("stackdriver credentials does not contain serviceAccountKey (secret test/creds)");
        assertThatThrownBy(() -> stackdriver(Map.of("project", "p", "serviceAccountKey", "{\"type\": \"service_account\", \"client_email\": \"a@b\"}"))
                .query("q", Optional.empty())).hasMessageContaining("serviceAccountKey has no private_key");
        assertThat(fixture.backend.requests()).isEmpty();
    }

    @Test
    void itIsBuiltForTemplatesAndNeedsASecret() {
        assertThatThrownBy(() -> fixture.provider("stackdriver", Optional.of(fixture.address()), Optional.empty(), Map.of()).checkOnline())
                .hasMessageContaining("stackdriver provider needs provider.secretRef");
        serve(Reply.json(200, SERIES));
        assertThat(fixture.provider("stackdriver", Optional.of(fixture.address()), Optional.of("creds"), secret())
                .query("q", Optional.empty())).isEqualTo(0.25);
    }
}
