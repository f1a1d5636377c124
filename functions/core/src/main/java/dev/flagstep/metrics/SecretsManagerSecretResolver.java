package dev.flagstep.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * Reads a secret from AWS Secrets Manager by ARN (or name). The secret string must be a JSON object
 * of string values, the shape the console's "key/value" editor writes: {@code {"token":"..."}} or
 * {@code {"username":"...","password":"..."}}. Read on every use, so a rotation needs no redeploy.
 */
public final class SecretsManagerSecretResolver implements SecretResolver {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SecretsManagerClient client;

    public SecretsManagerSecretResolver(SecretsManagerClient client) {
        this.client = client;
    }

    @Override
    public Map<String, String> resolve(String secretRef) {
        GetSecretValueResponse response;
        try {
            response = client.getSecretValue(r -> r.secretId(secretRef));
        } catch (SdkException e) {
            throw new MetricQueryException("secret " + secretRef + " could not be read from Secrets Manager: " + e.getMessage(), e);
        }
        String text = response.secretString();
        if (text == null) {
            throw new MetricQueryException("secret " + secretRef + " has no SecretString (binary secrets are not supported)");
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new MetricQueryException("secret " + secretRef + " is not a JSON object of keys");
            }
            Map<String, String> values = new LinkedHashMap<>();
            node.properties().forEach(e -> values.put(e.getKey(), e.getValue().asText()));
            return Map.copyOf(values);
        } catch (IOException e) {
            throw new MetricQueryException("secret " + secretRef + " is not a JSON object of keys");
        }
    }
}
