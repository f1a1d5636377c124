package dev.flagstep.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The access token for the JSON in a stackdriver secret's {@code serviceAccountKey}, by its {@code type}, as
 * Google's {@code WithCredentialsJSON} (Flagger's) reads it: a service account's key, or an
 * {@code external_account} credential configuration (Workload Identity Federation from AWS).
 */
final class GoogleAccessToken {

    private final GoogleServiceAccountToken serviceAccount;
    private final GoogleExternalAccountToken externalAccount;

    GoogleAccessToken(GoogleServiceAccountToken serviceAccount, GoogleExternalAccountToken externalAccount) {
        this.serviceAccount = serviceAccount;
        this.externalAccount = externalAccount;
    }

    String token(String credentialsJson) {
        JsonNode json;
        try {
            json = ProviderJson.mapper().readTree(credentialsJson);
        } catch (JsonProcessingException e) {
            // never the parser's message: it quotes the secret
            var at = e.getLocation();
            throw new MetricQueryException("stackdriver serviceAccountKey is not JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        String type = json == null ? "" : json.path("type").asText("");
        return switch (type) {
            case "service_account" -> serviceAccount.token(credentialsJson);
            case GoogleExternalAccountToken.TYPE -> externalAccount.token(credentialsJson, json);
            default -> throw new MetricQueryException("stackdriver serviceAccountKey " + (type.isEmpty() ? "has no type"
                    : "type '" + type + "' is not supported") + " (supported: service_account, external_account)");
        };
    }
}
