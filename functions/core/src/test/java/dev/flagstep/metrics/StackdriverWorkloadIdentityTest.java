package dev.flagstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.metrics.FakeHttpServer.Reply;
import dev.flagstep.net.AddressGuard;
import dev.flagstep.net.ServiceRouter;
import dev.flagstep.testing.MovableClock;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Stackdriver with an {@code external_account} credential configuration (Workload Identity Federation from AWS)
 * against loopback fakes of Google's STS ({@code /sts}), IAM Credentials' {@code generateAccessToken} and Cloud
 * Monitoring, at a clock the test moves.
 */
class StackdriverWorkloadIdentityTest {

    static final String AUDIENCE = "//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/aws-pool/providers/aws";
    static final String IMPERSONATE = "/v1/projects/-/serviceAccounts/flagger@my-project.iam.gserviceaccount.com:generateAccessToken";
    static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final String SERIES = "{\"timeSeriesData\": [{\"pointData\": [{\"values\": [{\"doubleValue\": 0.25}]}]}]}";

    private final ProviderFixture fixture = new ProviderFixture();
    private final MovableClock clock = new MovableClock(ProviderFixture.FIXED.instant());
    private final AtomicInteger stsCalls = new AtomicInteger();
    private final AtomicInteger impersonations = new AtomicInteger();

    @AfterEach
    void stop() {
        fixture.close();
    }

    /** What {@code gcloud iam workload-identity-pools create-cred-config ... --aws} writes, at the fakes. */
    private ObjectNode config(boolean impersonate) {
        ObjectNode c = ProviderJson.mapper().createObjectNode().put("universe_domain", "googleapis.com").put("type", "external_account")
                .put("audience", AUDIENCE).put("subject_token_type", "urn:ietf:params:aws:token-type:aws4_request")
                .put("token_url", fixture.address() + "/sts");
        if (impersonate) c.put("service_account_impersonation_url", fixture.address() + IMPERSONATE);
        c.putObject("credential_source").put("environment_id", "aws1")
                .put("region_url", "http://169.254.169.254/latest/meta-data/placement/availability-zone")
                .put("url", "http://169.254.169.254/latest/meta-data/iam/security-credentials")
                .put("regional_cred_verification_url", "https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15");
        return c;
    }

    /** STS answers {@code fed.N} (an hour), IAM Credentials {@code ya29.N} (expiring an hour from the clock's now). */
    private void serve(Reply sts, Reply impersonation) {
        fixture.backend.respond(r -> switch (r.uri().getPath()) {
            case "/sts" -> sts.status() == 200 ? Reply.json(200, "{\"access_token\": \"fed." + stsCalls.incrementAndGet()
                    + "\", \"issued_token_type\": \"urn:ietf:params:oauth:token-type:access_token\", \"token_type\": \"Bearer\", "
                    + "\"expires_in\": 3600}") : sts;
            case IMPERSONATE -> impersonation.status() == 200 ? Reply.json(200, "{\"accessToken\": \"ya29." + impersonations.incrementAndGet()
                    + "\", \"expireTime\": \"" + clock.instant().plus(Duration.ofHours(1)) + "\"}") : impersonation;
            default -> Reply.json(200, SERIES);
        });
    }

    private void serve() {
        serve(Reply.json(200, ""), Reply.json(200, ""));
    }

    private StackdriverProvider stackdriver(String credentials, AwsCredentialsProvider aws, Supplier<Optional<String>> region) {
        ProviderHttp http = new ProviderHttp("stackdriver", HttpClient.newHttpClient(), Duration.ofSeconds(5), AddressGuard.local(),
                ServiceRouter.direct(), "test");
        return new StackdriverProvider(Optional.of(fixture.address()), new ProviderSecret("stackdriver", Optional.of("test/creds"),
                ref -> Map.of("project", "my-project", "serviceAccountKey", credentials)), http,
                new GoogleAccessToken(new GoogleServiceAccountToken(http, clock), new GoogleExternalAccountToken(http, clock, aws, region)));
    }

    private static AwsCredentialsProvider role() {
        return StaticCredentialsProvider.create(AwsSessionCredentials.create("ASIAEXAMPLE", SECRET_KEY, "lambda-session-token"));
    }

    private StackdriverProvider stackdriver(ObjectNode config) {
        return stackdriver(config.toString(), role(), () -> Optional.of("eu-west-1"));
    }

    private List<FakeHttpServer.Request> to(String path) {
        return fixture.backend.requests().stream().filter(r -> r.uri().getPath().equals(path)).toList();
    }

    static Map<String, String> form(byte[] body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            String[] kv = pair.split("=", 2);
            fields.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return fields;
    }

    @Test
    void theSignedGetCallerIdentityIsExchangedAtStsThenImpersonatesTheServiceAccount() throws Exception {
        serve();

        assertThat(stackdriver(config(true)).query("fetch k8s_container", Optional.of("1m"))).isEqualTo(0.25);

        FakeHttpServer.Request sts = to("/sts").getFirst();
        assertThat(sts.method()).isEqualTo("POST");
        assertThat(sts.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        Map<String, String> form = form(sts.body());
        assertThat(form).containsOnlyKeys("grant_type", "audience", "scope", "requested_token_type", "subject_token", "subject_token_type")
                .containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange")
                .containsEntry("audience", AUDIENCE)
                .containsEntry("scope", "https://www.googleapis.com/auth/cloud-platform")
                .containsEntry("requested_token_type", "urn:ietf:params:oauth:token-type:access_token")
                .containsEntry("subject_token_type", "urn:ietf:params:aws:token-type:aws4_request");
        // the subject token is itself URL-encoded JSON (so encoded twice in the form), as Google documents
        JsonNode token = ProviderJson.mapper().readTree(URLDecoder.decode(form.get("subject_token"), StandardCharsets.UTF_8));
        assertThat(token.path("url").asText()).isEqualTo("https://sts.eu-west-1.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15");
        assertThat(token.path("method").asText()).isEqualTo("POST");
        Map<String, String> headers = new LinkedHashMap<>();
        token.path("headers").forEach(h -> headers.put(h.path("key").asText(), h.path("value").asText()));
        assertThat(headers.keySet()).first().isEqualTo("Authorization");
        assertThat(headers).containsEntry("host", "sts.eu-west-1.amazonaws.com")
                .containsEntry("x-amz-date", "20260301T100000Z")
                .containsEntry("x-amz-security-token", "lambda-session-token")
                .containsEntry("x-goog-cloud-target-resource", AUDIENCE);
        String authorization = headers.get("Authorization");
        assertThat(authorization).startsWith("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20260301/eu-west-1/sts/aws4_request, SignedHeaders=");
        List<String> signed = List.of(authorization.replaceAll(".*SignedHeaders=([^,]*),.*", "$1").split(";"));
        // every header AWS must see to check the signature is in the token, and the audience is signed
        assertThat(signed).contains("host", "x-amz-date", "x-amz-security-token", "x-goog-cloud-target-resource");
        assertThat(headers.keySet()).containsAll(signed);
        assertThat(authorization).endsWith("Signature=" + sigV4(token.path("url").asText(), headers, signed));

        FakeHttpServer.Request impersonation = to(IMPERSONATE).getFirst();
        assertThat(impersonation.method()).isEqualTo("POST");
        assertThat(impersonation.header("Authorization")).isEqualTo("Bearer fed.1");
        assertThat(impersonation.header("Content-Type")).isEqualTo("application/json");
        assertThat(new String(impersonation.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"scope\":[\"https://www.googleapis.com/auth/monitoring.read\"],\"lifetime\":\"3600s\"}");

        FakeHttpServer.Request query = fixture.backend.lastRequest();
        assertThat(query.uri().getRawPath()).isEqualTo("/v3/projects/my-project/timeSeries:query");
        assertThat(query.header("Authorization")).isEqualTo("Bearer ya29.1");
    }

    /**
     * AWS's SigV4 signature of the request the token describes, computed here from AWS's published algorithm (not
     * with the SDK the code under test uses): what STS will compute when Google sends it.
     */
    private static String sigV4(String url, Map<String, String> headers, List<String> signed) throws Exception {
        URI uri = URI.create(url);
        StringBuilder canonical = new StringBuilder("POST\n").append(uri.getRawPath().isEmpty() ? "/" : uri.getRawPath()).append('\n')
                .append(uri.getRawQuery()).append('\n');
        for (String name : signed) canonical.append(name).append(':').append(headers.get(name).strip()).append('\n');
        canonical.append('\n').append(String.join(";", signed)).append('\n').append(hex(sha256(new byte[0])));
        String date = headers.get("x-amz-date");
        String scope = date.substring(0, 8) + "/eu-west-1/sts/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = ("AWS4" + SECRET_KEY).getBytes(StandardCharsets.UTF_8);
        for (String part : new String[] {date.substring(0, 8), "eu-west-1", "sts", "aws4_request"}) key = hmac(key, part);
        return hex(hmac(key, toSign));
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    private static byte[] hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Test
    void withoutImpersonationTheFederatedTokenIsUsedAndKeptUntilFiveMinutesBeforeItExpires() {
        serve();
        StackdriverProvider provider = stackdriver(config(false));

        provider.query("q", Optional.empty());
        clock.advance(Duration.ofSeconds(3600 - 301));
        provider.query("q", Optional.empty());
        assertThat(to("/sts")).hasSize(1);
        assertThat(to(IMPERSONATE)).isEmpty();
        assertThat(fixture.backend.lastRequest().header("Authorization")).isEqualTo("Bearer fed.1");

        clock.advance(Duration.ofSeconds(2));
        provider.query("q", Optional.empty());
        assertThat(to("/sts")).hasSize(2);
        assertThat(fixture.backend.lastRequest().header("Authorization")).isEqualTo("Bearer fed.2");
        // signed again at the new time
        assertThat(form(to("/sts").get(1).body()).get("subject_token")).contains("20260301T105501Z");
    }

    @Test
    void theImpersonatedTokenIsKeptUntilFiveMinutesBeforeItsExpireTime() {
        serve();
        StackdriverProvider provider = stackdriver(config(true));

        provider.query("q", Optional.empty());
        clock.advance(Duration.ofMinutes(55).minusSeconds(1));
        provider.checkOnline();
        assertThat(to("/sts")).hasSize(1);
        assertThat(to(IMPERSONATE)).hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        provider.query("q", Optional.empty());
        assertThat(to("/sts")).hasSize(2);
        assertThat(to(IMPERSONATE)).hasSize(2);
        assertThat(fixture.backend.lastRequest().header("Authorization")).isEqualTo("Bearer ya29.2");
    }

    @Test
    void anStsRefusalNamesTheKeyTheStepAndGooglesError() {
        serve(Reply.json(400, "{\"error\": \"invalid_grant\", \"error_description\": \"The audience in ID Token [x] does not match "
                + "the expected audience.\"}"), Reply.json(200, ""));

        assertThatThrownBy(() -> stackdriver(config(true)).query("q", Optional.empty())).isExactlyInstanceOf(MetricQueryException.class)
                .hasMessage("stackdriver serviceAccountKey (external_account): exchanging the AWS subject token at " + fixture.address()
                        + "/sts failed: 400 invalid_grant: The audience in ID Token [x] does not match the expected audience.");
        assertThat(to(IMPERSONATE)).isEmpty();
        assertThat(fixture.backend.requests()).noneMatch(r -> r.uri().getPath().contains("timeSeries"));
    }

    @Test
    void anImpersonationRefusalNamesTheKeyAndTheStep() {
        String denied = "{\"error\": {\"code\": 403, \"message\": \"Permission 'iam.serviceAccounts.getAccessToken' denied on resource "
                + "(or it may not exist).\", \"status\": \"PERMISSION_DENIED\"}}";
        serve(Reply.json(200, ""), Reply.json(403, denied));

        assertThatThrownBy(() -> stackdriver(config(true)).checkOnline()).isExactlyInstanceOf(MetricQueryException.class)
                .hasMessage("stackdriver serviceAccountKey (external_account): impersonating the service account at " + fixture.address()
                        + IMPERSONATE + " failed: 403 " + denied);
    }

    @Test
    void anUnknownTypeOrAnotherEnvironmentIsRefusedBeforeAnyRequest() {
        serve();
        ObjectNode azure = config(false);
        ((ObjectNode) azure.get("credential_source")).put("environment_id", "azure1");
        ObjectNode file = config(false);
        file.set("credential_source", ProviderJson.mapper().createObjectNode().put("file", "/var/run/token"));

        assertThatThrownBy(() -> stackdriver(config(false).put("type", "authorized_user")).query("q", Optional.empty()))
                .hasMessage("stackdriver serviceAccountKey type 'authorized_user' is not supported (supported: service_account, external_account)");
        assertThatThrownBy(() -> stackdriver(config(false).put("type", "")).query("q", Optional.empty()))
                .hasMessage("stackdriver serviceAccountKey has no type (supported: service_account, external_account)");
        assertThatThrownBy(() -> stackdriver(azure).query("q", Optional.empty())).hasMessage("stackdriver serviceAccountKey (external_account) "
                + "credential_source.environment_id is 'azure1': only aws1 (Workload Identity Federation from AWS) is supported");
        assertThatThrownBy(() -> stackdriver(file).query("q", Optional.empty())).hasMessageContaining("environment_id is missing");
        ObjectNode plain = config(true).put("service_account_impersonation_url", "http://iamcredentials.example.com" + IMPERSONATE);
        assertThatThrownBy(() -> stackdriver(plain).query("q", Optional.empty())).hasMessage("stackdriver serviceAccountKey "
                + "(external_account) service_account_impersonation_url http://iamcredentials.example.com" + IMPERSONATE
                + " is not an https URL");
        ObjectNode noAudience = config(false);
        noAudience.remove("audience");
        assertThatThrownBy(() -> stackdriver(noAudience).query("q", Optional.empty()))
                .hasMessageStartingWith("stackdriver serviceAccountKey (external_account) has no audience");
        assertThatThrownBy(() -> stackdriver("{\"type\": \"external_account\", \"private_key\": \"-----BEGIN", role(),
                () -> Optional.of("eu-west-1")).query("q", Optional.empty()))
                .hasMessageStartingWith("stackdriver serviceAccountKey is not JSON (line 1, column ").hasMessageNotContaining("BEGIN");
        assertThat(fixture.backend.requests()).isEmpty();
    }

    @Test
    void noRegionOrNoAwsCredentialsIsAClearError() {
        serve();

        assertThatThrownBy(() -> stackdriver(config(true).toString(), role(), Optional::empty).query("q", Optional.empty()))
                .hasMessage("stackdriver serviceAccountKey (external_account): signing the AWS subject token needs the AWS region: "
                        + "AWS_REGION is not set");
        assertThatThrownBy(() -> stackdriver(config(true).toString(), AnonymousCredentialsProvider.create(), () -> Optional.of("eu-west-1"))
                .query("q", Optional.empty()))
                .hasMessage("stackdriver serviceAccountKey (external_account): signing the AWS subject token needs AWS credentials; "
                        + "this process has none");
        assertThat(fixture.backend.requests()).isEmpty();
    }

    @Test
    void theRegionComesFromAwsRegionThenAwsDefaultRegion() {
        assertThat(GoogleExternalAccountToken.regionFromEnvironment(Map.of("AWS_REGION", "eu-west-1", "AWS_DEFAULT_REGION", "us-east-1")))
                .contains("eu-west-1");
        assertThat(GoogleExternalAccountToken.regionFromEnvironment(Map.of("AWS_DEFAULT_REGION", "us-east-1"))).contains("us-east-1");
        assertThat(GoogleExternalAccountToken.regionFromEnvironment(Map.of())).isEmpty();
    }
}
