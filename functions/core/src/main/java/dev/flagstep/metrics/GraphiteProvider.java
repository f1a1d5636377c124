package dev.flagstep.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Flagger's Graphite provider: the query is a render API query string ({@code target=...&from=-1min}),
 * sent as {@code GET {address}/render?...&format=json} (keys sorted, as Go encodes them). The value is the
 * last non-null datapoint over all returned targets. Basic auth from the secret's {@code username} and
 * {@code password} when the template has a {@code secretRef}; {@code insecureSkipVerify} is honoured.
 * No time window: the query says it.
 */
public final class GraphiteProvider implements MetricProvider {

    static final List<String> KEYS = List.of("username", "password");
    /** Flagger's availability query; no values counts as online. */
    static final String ONLINE_QUERY = "target=test";

    private final URI render;
    private final ProviderSecret secret;
    private final ProviderHttp http;

    GraphiteProvider(Optional<String> address, ProviderSecret secret, ProviderHttp http) {
        this.render = ProviderHttp.under(ProviderHttp.requiredAddress("graphite", address), "/render");
        this.secret = secret;
        this.http = http;
    }

    @Override
    public double query(String query, Optional<String> interval) {
        Map<String, List<String>> params = GoQuery.parse(query.replaceAll("\\s+", " "));
        params.put("format", List.of("json"));
        Map<String, String> auth = secret.optional(KEYS)
                .filter(s -> !s.get("username").isEmpty() && !s.get("password").isEmpty())
                .map(s -> Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (s.get("username") + ":" + s.get("password")).getBytes(StandardCharsets.UTF_8))))
                .orElse(Map.of());
        ProviderHttp.Answer answer = http.get(URI.create(render + "?" + GoQuery.encodeAll(params)), auth);
        if (answer.statusCode() >= 400) {
            throw new MetricQueryException("error response: " + ProviderHttp.abbreviate(answer.body()));
        }
        JsonNode targets = ProviderJson.parse("graphite", answer.body());
        Optional<Double> last = Optional.empty();
        for (JsonNode target : targets) {
            for (JsonNode point : target.path("datapoints")) {
                if (point.size() != 2) {
                    throw new MetricQueryException("error unmarshaling data point: " + point);
                }
                Optional<Double> value = value(point.get(0));
                if (value.isPresent()) {
                    last = value;
                }
            }
        }
        return last.orElseThrow(() -> new NoValuesFoundException("graphite returned no non-null datapoint"));
    }

    /** Flagger's check: {@code target=test} runs; no values still means online. */
    @Override
    public void checkOnline() {
        try {
            query(ONLINE_QUERY, Optional.empty());
        } catch (NoValuesFoundException online) {
            // reachable and answering: Flagger counts this as online
        } catch (MetricQueryException e) {
            throw new MetricQueryException("running query failed: " + e.getMessage(), e);
        }
    }

    /** A datapoint's value: a number, a numeric string, or null (skipped). */
    private static Optional<Double> value(JsonNode value) {
        if (value.isNull()) {
            return Optional.empty();
        }
        if (value.isNumber()) {
            return Optional.of(value.asDouble());
        }
        if (value.isTextual()) {
            try {
                return Optional.of(Double.parseDouble(value.asText()));
            } catch (NumberFormatException e) {
                throw new MetricQueryException("error unmarshaling value: " + value);
            }
        }
        throw new MetricQueryException("error unmarshaling value: " + value);
    }
}
