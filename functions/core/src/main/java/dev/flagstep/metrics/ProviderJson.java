package dev.flagstep.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Reading providers' JSON answers, with one rule for values that are not numbers. */
final class ProviderJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProviderJson() {}

    static JsonNode parse(String provider, String body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new MetricQueryException("error unmarshaling result: empty " + provider + " answer");
            }
            return node;
        } catch (IOException e) {
            throw new MetricQueryException("error unmarshaling result: " + e.getMessage().lines().findFirst().orElse("") + ", '"
                    + ProviderHttp.abbreviate(body) + "'", e);
        }
    }

    static ObjectMapper mapper() {
        return JSON;
    }

    /**
     * A datapoint; missing (no series, no points) is "no values". {@code null} (and NaN) is "no values": Go decodes a JSON null into 0, so Flagger would
     * judge the canary on a made-up 0; flagstep waits for data instead (docs/migrating-from-flagger.md).
     */
    static double number(JsonNode value, String body) {
        if (value == null || value.isMissingNode()) {
            throw new NoValuesFoundException("invalid response: " + ProviderHttp.abbreviate(body));
        }
        if (value.isNull()) {
            throw new NoValuesFoundException("null value in " + ProviderHttp.abbreviate(body));
        }
        if (!value.isNumber()) {
            throw new MetricQueryException("error unmarshaling result: " + value + " is not a number, '"
                    + ProviderHttp.abbreviate(body) + "'");
        }
        double d = value.asDouble();
        if (Double.isNaN(d)) {
            throw new NoValuesFoundException("NaN value in " + ProviderHttp.abbreviate(body));
        }
        return d;
    }
}
