package dev.flagstep.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

/**
 * A Google access token for an AWS workload through Workload Identity Federation: the {@code external_account}
 * credential configuration {@code gcloud iam workload-identity-pools create-cred-config --aws} writes, with
 * {@code credential_source.environment_id: aws1}. As Google's auth libraries do: a SigV4-signed STS
 * {@code GetCallerIdentity} request (signed with this process's AWS credentials, in its region, carrying the
 * pool provider as {@code x-goog-cloud-target-resource}) serialized as URL-encoded JSON is the subject token
 * exchanged at {@code token_url} (RFC 8693 token exchange); with {@code service_account_impersonation_url}, the
 * federated token then buys the service account's token ({@code generateAccessToken}, scope monitoring.read).
 * No AWS request is sent here: Google's STS sends the signed one. The token is kept until five minutes before
 * it expires, per configuration; nothing is signed or exchanged before the first query.
 */
final class GoogleExternalAccountToken {

    static final String TYPE = "external_account";
    static final String AWS_TOKEN_TYPE = "urn:ietf:params:aws:token-type:aws4_request";
    static final String CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";
    static final String DEFAULT_TOKEN_URL = "https://sts.googleapis.com/v1/token";
    /** Google's default for {@code credential_source.regional_cred_verification_url}. */
    static final String DEFAULT_VERIFICATION_URL = "https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15";
    static final Duration LIFETIME = Duration.ofHours(1);
    static final Duration MARGIN = GoogleServiceAccountToken.MARGIN;
    private static final String WHAT = "stackdriver serviceAccountKey (external_account)";

    private record Cached(String config, String token, Instant refreshAt) {}

    private final ProviderHttp http;
    private final Clock clock;
    private final AwsCredentialsProvider credentials;
    private final Supplier<Optional<String>> region;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private volatile Optional<Cached> cached = Optional.empty();

    /**
     * @param credentials this workload's AWS credentials (the default provider chain: the Lambda role's)
     * @param region      the AWS region the workload runs in ({@code AWS_REGION}), asked at the first exchange
     */
    GoogleExternalAccountToken(ProviderHttp http, Clock clock, AwsCredentialsProvider credentials, Supplier<Optional<String>> region) {
        this.http = http;
        this.clock = clock;
        this.credentials = credentials;
        this.region = region;
    }

    /** The region from the environment, as Google's libraries read it. */
    static Optional<String> regionFromEnvironment(Map<String, String> env) {
        return Optional.ofNullable(env.get("AWS_REGION")).filter(r -> !r.isBlank())
                .or(() -> Optional.ofNullable(env.get("AWS_DEFAULT_REGION")).filter(r -> !r.isBlank()));
    }

    /** A valid access token for the credential configuration {@code configJson}, cached or freshly exchanged. */
    String token(String configJson, JsonNode config) {
        Instant now = clock.instant();
        Optional<Cached> c = cached;
        if (c.isPresent() && c.get().config().equals(configJson) && now.isBefore(c.get().refreshAt())) {
            return c.get().token();
        }
        String audience = required(config, "audience");
        if (!config.path("subject_token_type").asText(AWS_TOKEN_TYPE).equals(AWS_TOKEN_TYPE)) {
            throw new MetricQueryException(WHAT + " subject_token_type " + config.path("subject_token_type").asText()
                    + " is not supported: only AWS workloads (" + AWS_TOKEN_TYPE + ") are");
        }
        JsonNode source = config.path("credential_source");
        String environment = source.path("environment_id").asText("");
        if (!environment.equals("aws1")) {
            throw new MetricQueryException(WHAT + " credential_source.environment_id is " + (environment.isEmpty() ? "missing"
                    : "'" + environment + "'") + ": only aws1 (Workload Identity Federation from AWS) is supported");
        }
        URI tokenUrl = endpoint("token_url", config.path("token_url").asText(DEFAULT_TOKEN_URL));
        Optional<URI> impersonation = Optional.ofNullable(config.get("service_account_impersonation_url")).filter(JsonNode::isTextual)
                .map(u -> endpoint("service_account_impersonation_url", u.asText()));
        String subjectToken = subjectToken(audience, source.path("regional_cred_verification_url").asText(DEFAULT_VERIFICATION_URL), now);
        Issued federated = exchange(tokenUrl, audience, subjectToken, now);
        Issued issued = impersonation.isEmpty() ? federated : impersonate(impersonation.get(), federated.token(),
                config.path("service_account_impersonation").path("token_lifetime_seconds").asLong(LIFETIME.toSeconds()), now);
        cached = Optional.of(new Cached(configJson, issued.token(), issued.expiresAt().minus(MARGIN)));
        return issued.token();
    }

    private record Issued(String token, Instant expiresAt) {}

    /**
     * Google's AWS subject token: the URL-encoded JSON of a {@code GetCallerIdentity} POST to the regional STS
     * endpoint, signed at {@code now}, with every signed header and the {@code Authorization} header.
     */
    String subjectToken(String audience, String verificationUrl, Instant now) {
        String awsRegion = region.get().orElseThrow(() -> new MetricQueryException(WHAT
                + ": signing the AWS subject token needs the AWS region: AWS_REGION is not set"));
        AwsCredentials identity;
        try {
            identity = credentials.resolveCredentials();
        } catch (RuntimeException e) {
            throw new MetricQueryException(WHAT + ": signing the AWS subject token needs AWS credentials: " + e.getMessage(), e);
        }
        if (identity.accessKeyId() == null || identity.accessKeyId().isBlank()) {
            throw new MetricQueryException(WHAT + ": signing the AWS subject token needs AWS credentials; this process has none");
        }
        String url = verificationUrl.replace("{region}", awsRegion);
        URI uri = ProviderHttp.address(WHAT + " credential_source.regional_cred_verification_url", url);
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri)
                .putHeader("x-goog-cloud-target-resource", audience).build();
        SdkHttpRequest signed = signer.sign(r -> r.identity(identity).request(unsigned)
                .putProperty(AwsV4HttpSigner.REGION_NAME, awsRegion)
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "sts")
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(now, ZoneOffset.UTC))).request();
        ObjectNode token = ProviderJson.mapper().createObjectNode().put("url", url).put("method", "POST");
        ArrayNode headers = token.putArray("headers");
        // Authorization first, as Google documents the token, then every signed header by name (the SDK's signer
        // also signs x-amz-content-sha256, the empty body's hash: AWS checks it like the others)
        Map<String, String> sorted = new TreeMap<>();
        signed.headers().forEach((name, values) -> sorted.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        headers.addObject().put("key", "Authorization").put("value", sorted.remove("authorization"));
        sorted.forEach((name, value) -> headers.addObject().put("key", name).put("value", value));
        return URLEncoder.encode(token.toString(), StandardCharsets.UTF_8);
    }

    /** RFC 8693 token exchange at Google's STS: the federated access token. */
    private Issued exchange(URI tokenUrl, String audience, String subjectToken, Instant now) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
        form.put("audience", audience);
        form.put("scope", CLOUD_PLATFORM);
        form.put("requested_token_type", "urn:ietf:params:oauth:token-type:access_token");
        form.put("subject_token", subjectToken);
        form.put("subject_token_type", AWS_TOKEN_TYPE);
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        ProviderHttp.Answer answer = http.exchange("POST", tokenUrl, Map.of("Content-Type", "application/x-www-form-urlencoded"),
                Optional.of(body.toString().getBytes(StandardCharsets.UTF_8)), Map.of());
        if (answer.statusCode() != 200) {
            throw new MetricQueryException(WHAT + ": exchanging the AWS subject token at " + tokenUrl + " failed: "
                    + answer.statusCode() + " " + stsError(answer.body()));
        }
        JsonNode json = ProviderJson.parse("stackdriver token exchange", answer.body());
        String token = json.path("access_token").asText("");
        if (token.isEmpty()) {
            throw new MetricQueryException(WHAT + ": the token exchange answer from " + tokenUrl + " has no access_token");
        }
        return new Issued(token, now.plusSeconds(json.path("expires_in").asLong(LIFETIME.toSeconds())));
    }

    /** {@code generateAccessToken} of IAM Credentials, authorized by the federated token. */
    private Issued impersonate(URI url, String federated, long lifetimeSeconds, Instant now) {
        ObjectNode request = ProviderJson.mapper().createObjectNode();
        request.putArray("scope").add(GoogleServiceAccountToken.SCOPE);
        request.put("lifetime", lifetimeSeconds + "s");
        ProviderHttp.Answer answer = http.exchange("POST", url, Map.of("Content-Type", "application/json"),
                Optional.of(request.toString().getBytes(StandardCharsets.UTF_8)), Map.of("Authorization", "Bearer " + federated));
        if (answer.statusCode() != 200) {
            throw new MetricQueryException(WHAT + ": impersonating the service account at " + url + " failed: "
                    + answer.statusCode() + " " + ProviderHttp.abbreviate(answer.body()));
        }
        JsonNode json = ProviderJson.parse("stackdriver service account impersonation", answer.body());
        String token = json.path("accessToken").asText("");
        if (token.isEmpty()) {
            throw new MetricQueryException(WHAT + ": the impersonation answer from " + url + " has no accessToken");
        }
        Instant expires;
        try {
            expires = json.hasNonNull("expireTime") ? Instant.parse(json.get("expireTime").asText()) : now.plusSeconds(lifetimeSeconds);
        } catch (DateTimeParseException e) {
            throw new MetricQueryException(WHAT + ": the impersonation answer's expireTime " + json.get("expireTime") + " is not a time", e);
        }
        return new Issued(token, expires);
    }

    /** Google's STS errors are OAuth's: {@code {"error": "invalid_grant", "error_description": "..."}}. */
    private static String stsError(String body) {
        try {
            JsonNode json = ProviderJson.mapper().readTree(body);
            if (json != null && json.path("error").isTextual()) {
                return json.get("error").asText() + (json.hasNonNull("error_description") ? ": " + json.get("error_description").asText() : "");
            }
        } catch (java.io.IOException notJson) {
            // shown as it came
        }
        return ProviderHttp.abbreviate(body);
    }

    /**
     * Google's libraries take these only over https: the subject token and the federated token are credentials.
     * Plain http only to a loopback address (the local runtime, tests; Lambda's address guard refuses loopback).
     */
    private static URI endpoint(String field, String text) {
        URI url = ProviderHttp.address(WHAT + " " + field, text);
        boolean loopback = "http".equalsIgnoreCase(url.getScheme())
                && Set.of("127.0.0.1", "localhost", "[::1]").contains(String.valueOf(url.getHost()).toLowerCase(Locale.ROOT));
        if (!"https".equalsIgnoreCase(url.getScheme()) && !loopback) {
            throw new MetricQueryException(WHAT + " " + field + " " + text + " is not an https URL");
        }
        return url;
    }

    private static String required(JsonNode config, String field) {
        String value = config.path(field).asText("");
        if (value.isEmpty()) {
            throw new MetricQueryException(WHAT + " has no " + field + " (a credential configuration from "
                    + "gcloud iam workload-identity-pools create-cred-config --aws is needed)");
        }
        return value;
    }
}
