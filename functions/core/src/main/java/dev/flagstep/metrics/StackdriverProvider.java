package dev.flagstep.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Flagger's Stackdriver provider: an MQL query to Google Cloud Monitoring, here over REST
 * ({@code POST {address}/v3/projects/<project>/timeSeries:query}, body {@code {"query": ...}}) with a bearer token
 * from the secret's {@code serviceAccountKey} (a service account's key, or an {@code external_account} credential
 * configuration for Workload Identity Federation from AWS); the project is the secret's {@code project}.
 * The value is the first point's first value of the first time series.
 */
public final class StackdriverProvider implements MetricProvider {

    static final String DEFAULT_ADDRESS = "https://monitoring.googleapis.com";
    static final String PROJECT = "project";
    static final String KEY = "serviceAccountKey";

    private final URI address;
    private final ProviderSecret secret;
    private final ProviderHttp http;
    private final GoogleAccessToken tokens;

    /** @param address {@code provider.address}, Cloud Monitoring's endpoint by default */
    StackdriverProvider(Optional<String> address, ProviderSecret secret, ProviderHttp http, GoogleAccessToken tokens) {
        this.address = ProviderHttp.address("stackdriver", address.filter(a -> !a.isBlank()).orElse(DEFAULT_ADDRESS));
        this.secret = secret;
        this.http = http;
        this.tokens = tokens;
    }

    @Override
    public double query(String query, Optional<String> interval) {
        ProviderHttp.Answer answer = send(query);
        if (answer.statusCode() != 200) {
            throw new MetricQueryException("error requesting stackdriver: " + answer.statusCode() + " "
                    + ProviderHttp.abbreviate(answer.body()));
        }
        JsonNode value = ProviderJson.parse("stackdriver", answer.body()).at("/timeSeriesData/0/pointData/0/values/0");
        if (value.isMissingNode()) {
            throw new NoValuesFoundException("invalid response: " + ProviderHttp.abbreviate(answer.body()));
        }
        if (value.has("doubleValue")) {
            return ProviderJson.number(value.get("doubleValue"), answer.body());
        }
        if (value.has("int64Value")) {
            // proto3 JSON writes int64 as a string
            try {
                return Double.parseDouble(value.get("int64Value").asText());
            } catch (NumberFormatException e) {
                throw new MetricQueryException("error unmarshaling result: int64Value " + value.get("int64Value") + " is not a number", e);
            }
        }
        throw new MetricQueryException("stackdriver value " + ProviderHttp.abbreviate(value.toString())
                + " is neither a double nor an int64: query a numeric time series");
    }

    /** Flagger's check: the empty query is answered, with 400 (INVALID_ARGUMENT) or success; anything else is offline. */
    @Override
    public void checkOnline() {
        ProviderHttp.Answer answer = send("");
        if (answer.statusCode() != 200 && answer.statusCode() != 400) {
            throw new MetricQueryException("unexpected status code: " + answer.statusCode() + " " + ProviderHttp.abbreviate(answer.body()));
        }
    }

    private ProviderHttp.Answer send(String query) {
        Map<String, String> s = secret.require(List.of(PROJECT, KEY));
        URI url = ProviderHttp.under(address, "/v3/projects/"
                + URLEncoder.encode(s.get(PROJECT).strip(), StandardCharsets.UTF_8) + "/timeSeries:query");
        byte[] body = ProviderJson.mapper().createObjectNode().put("query", query).toString().getBytes(StandardCharsets.UTF_8);
        return http.exchange("POST", url, Map.of("Content-Type", "application/json"), Optional.of(body),
                Map.of("Authorization", "Bearer " + tokens.token(s.get(KEY))));
    }
}
