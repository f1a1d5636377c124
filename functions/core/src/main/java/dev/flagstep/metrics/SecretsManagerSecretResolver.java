package dev.flagstep.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.aws.AwsException;
import dev.flagstep.aws.AwsJsonClient;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a secret from AWS Secrets Manager by ARN (or name). The secret string must be a JSON object
 * of string values, the shape the console's "key/value" editor writes: {@code {"token":"..."}} or
 * {@code {"username":"...","password":"..."}}. Read on every use, so a rotation needs no redeploy.
 */
public final class SecretsManagerSecretResolver implements SecretResolver {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AwsJsonClient client;

    /** @param client a Secrets Manager client ({@link dev.flagstep.aws.AwsService#SECRETS_MANAGER}) */
    public SecretsManagerSecretResolver(AwsJsonClient client) {
        this.client = client;
    }

    @Override
    public Map<String, String> resolve(String secretRef) {
        JsonNode response;
        try {
            response = client.call("GetSecretValue", client.object().put("SecretId", secretRef));
        } catch (AwsException e) {
            throw new MetricQueryException("secret " + secretRef + " could not be read from Secrets Manager: " + e.getMessage(), e);
        }
        JsonNode secretString = response.get("SecretString");
        if (secretString == null || !secretString.isTextual()) {
            throw new MetricQueryException("secret " + secretRef + " has no SecretString (binary secrets are not supported)");
        }
        try {
            JsonNode node = JSON.readTree(secretString.asText());
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
