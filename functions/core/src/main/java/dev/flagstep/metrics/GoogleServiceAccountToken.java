package dev.flagstep.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * A Google OAuth access token from a service-account JSON key, without Google's SDK: an RS256-signed JWT
 * (OAuth 2.0 JWT bearer grant) exchanged at the key's {@code token_uri}. The token is kept until five minutes
 * before it expires, per key (a rotated key gets a new token); nothing is minted before the first query.
 */
final class GoogleServiceAccountToken {

    static final String SCOPE = "https://www.googleapis.com/auth/monitoring.read";
    static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";
    static final Duration LIFETIME = Duration.ofHours(1);
    static final Duration MARGIN = Duration.ofMinutes(5);

    private record Cached(String key, String token, Instant refreshAt) {}

    private final ProviderHttp http;
    private final Clock clock;
    private volatile Optional<Cached> cached = Optional.empty();

    GoogleServiceAccountToken(ProviderHttp http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    /** A valid access token for {@code keyJson}, from the cache or freshly exchanged. */
    String token(String keyJson) {
        Instant now = clock.instant();
        Optional<Cached> c = cached;
        if (c.isPresent() && c.get().key().equals(keyJson) && now.isBefore(c.get().refreshAt())) {
            return c.get().token();
        }
        JsonNode key = ProviderJson.parse("stackdriver serviceAccountKey", keyJson);
        String email = text(key, "client_email");
        URI tokenUri = ProviderHttp.address("stackdriver token_uri", key.path("token_uri").asText(DEFAULT_TOKEN_URI));
        String jwt = jwt(key, email, tokenUri, now);
        String form = "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:jwt-bearer", StandardCharsets.UTF_8)
                + "&assertion=" + jwt;
        ProviderHttp.Answer answer = http.exchange("POST", tokenUri, Map.of("Content-Type", "application/x-www-form-urlencoded"),
                Optional.of(form.getBytes(StandardCharsets.UTF_8)), Map.of());
        if (answer.statusCode() != 200) {
            throw new MetricQueryException("stackdriver could not get an access token for " + email + " from " + tokenUri + ": "
                    + answer.statusCode() + " " + ProviderHttp.abbreviate(answer.body()));
        }
        JsonNode body = ProviderJson.parse("stackdriver token", answer.body());
        String token = body.path("access_token").asText("");
        if (token.isEmpty()) {
            throw new MetricQueryException("stackdriver token answer from " + tokenUri + " has no access_token");
        }
        Duration lifetime = Duration.ofSeconds(body.path("expires_in").asLong(LIFETIME.toSeconds()));
        cached = Optional.of(new Cached(keyJson, token, now.plus(lifetime).minus(MARGIN)));
        return token;
    }

    private static String jwt(JsonNode key, String email, URI tokenUri, Instant now) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        var json = ProviderJson.mapper();
        var header = json.createObjectNode().put("alg", "RS256").put("typ", "JWT");
        if (key.hasNonNull("private_key_id")) {
            header.put("kid", key.get("private_key_id").asText());
        }
        var claims = json.createObjectNode().put("iss", email).put("scope", SCOPE).put("aud", tokenUri.toString())
                .put("iat", now.getEpochSecond()).put("exp", now.plus(LIFETIME).getEpochSecond());
        String signingInput = b64.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(privateKey(text(key, "private_key")));
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64.encodeToString(rs256.sign());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new MetricQueryException("stackdriver serviceAccountKey private_key is not a PEM PKCS#8 RSA key: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static String text(JsonNode key, String field) {
        String value = key.path(field).asText("");
        if (value.isEmpty()) {
            throw new MetricQueryException("stackdriver serviceAccountKey has no " + field + " (a service account's JSON key is needed)");
        }
        return value;
    }
}
