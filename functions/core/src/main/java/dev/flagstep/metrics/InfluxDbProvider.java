package dev.flagstep.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Flagger's InfluxDB provider (InfluxDB 2, Flux), sending what its Go client sends: {@code POST
 * {address}/api/v2/query?org=<org>} with a JSON body (the Flux query, type {@code flux}, the default
 * annotated-CSV dialect) and {@code Authorization: Token <token>}; the secret, when the template has one,
 * holds {@code token} and {@code org}. The value is the first record's {@code _value}, which must be a
 * {@code double}. Unlike Flagger (which returns 0), an answer without records is no values, and a Flux
 * error table is an error.
 */
public final class InfluxDbProvider implements MetricProvider {

    /** Flagger's context timeout for InfluxDB queries. */
    static final Duration TIMEOUT = Duration.ofSeconds(15);
    static final List<String> KEYS = List.of("token", "org");
    /** Flagger's availability query: fails when the bucket {@code default} does not exist. */
    static final String ONLINE_QUERY = "from(bucket: \"default\") |> range(start: -2h)";

    private final URI api;
    private final ProviderSecret secret;
    private final ProviderHttp http;

    InfluxDbProvider(Optional<String> address, ProviderSecret secret, ProviderHttp http) {
        // the client joins "api/v2/query" to the address path
        this.api = ProviderHttp.under(ProviderHttp.requiredAddress("influxdb", address), "/api/v2/query");
        this.secret = secret;
        this.http = http;
    }

    @Override
    public double query(String query, Optional<String> interval) {
        Map<String, AnnotatedCsv.Cell> record = flux(query).orElseThrow(() -> new NoValuesFoundException(
                "influxdb returned no records (Flagger returns 0 here)"));
        AnnotatedCsv.Cell value = record.getOrDefault("_value", new AnnotatedCsv.Cell("", Optional.empty()));
        if (value.text().isEmpty()) {
            throw new NoValuesFoundException("invalid response: " + record);
        }
        if (!value.datatype().equals("double")) {
            throw new MetricQueryException("invalid response: _value is " + value.datatype() + ", not double "
                    + "(Flagger reads double values only; cast with toFloat()): " + record);
        }
        try {
            return Double.parseDouble(value.text().get());
        } catch (NumberFormatException e) {
            throw new MetricQueryException("invalid response: " + record);
        }
    }

    /** Flagger's check: a query of the {@code default} bucket runs. */
    @Override
    public void checkOnline() {
        flux(ONLINE_QUERY);
    }

    private Optional<Map<String, AnnotatedCsv.Cell>> flux(String query) {
        Optional<Map<String, String>> s = secret.optional(KEYS);
        String org = s.map(m -> m.get("org")).orElse("");
        Map<String, String> auth = s.map(m -> m.get("token")).filter(t -> !t.isEmpty())
                .map(t -> Map.of("Authorization", "Token " + t)).orElse(Map.of());
        ProviderHttp.Answer answer = http.exchange("POST", URI.create(api + "?" + GoQuery.encode(Map.of("org", org))),
                Map.of("Content-Type", "application/json"), Optional.of(body(query)), auth);
        if (answer.statusCode() < 200 || answer.statusCode() > 299) {
            throw new MetricQueryException("error accessing influxdb query api: " + answer.statusCode() + " " + message(answer.body()));
        }
        try {
            return AnnotatedCsv.firstRecord(answer.body());
        } catch (MetricQueryException e) {
            throw new MetricQueryException("query error: " + e.getMessage(), e);
        }
    }

    /** The Go client's body: dialect, query, type, in that order. */
    private static byte[] body(String query) {
        ObjectNode body = ProviderJson.mapper().createObjectNode();
        ObjectNode dialect = body.putObject("dialect");
        dialect.putArray("annotations").add("datatype").add("group").add("default");
        dialect.put("delimiter", ",");
        dialect.put("header", true);
        body.put("query", query);
        body.put("type", "flux");
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** InfluxDB errors are {@code {"code": ..., "message": ...}}. */
    private static String message(String body) {
        try {
            JsonNode error = ProviderJson.mapper().readTree(body);
            if (error != null && error.hasNonNull("message")) {
                return error.path("message").asText();
            }
        } catch (java.io.IOException notJson) {
            // quoted below
        }
        return ProviderHttp.abbreviate(body);
    }
}
