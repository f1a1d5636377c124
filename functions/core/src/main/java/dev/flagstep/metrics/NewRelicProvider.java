package dev.flagstep.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Flagger's New Relic provider: the Insights query API, {@code GET {address}/v1/accounts/{account}/query?nrql=...}
 * with {@code SINCE <interval in seconds> seconds ago} appended (one interval, not ten), authenticated by
 * {@code X-Query-Key}; the secret holds {@code newrelic_account_id} and {@code newrelic_query_key}. The value
 * is {@code results[0].result}, the key NRQL uses for an arithmetic expression; any other shape is no values.
 */
public final class NewRelicProvider implements MetricProvider {

    static final String DEFAULT_ADDRESS = "https://insights-api.newrelic.com";
    static final String ACCOUNT_ID = "newrelic_account_id";
    static final String QUERY_KEY = "newrelic_query_key";
    /** Flagger's availability query. */
    static final String ONLINE_QUERY = "SELECT * FROM Metric";

    private final String address;
    private final ProviderSecret secret;
    private final ProviderHttp http;

    /** @param address {@code provider.address}; Flagger appends the path to it as written */
    NewRelicProvider(Optional<String> address, ProviderSecret secret, ProviderHttp http) {
        this.address = address.filter(a -> !a.isBlank()).map(String::strip).orElse(DEFAULT_ADDRESS);
        ProviderHttp.address("newrelic", this.address);
        this.secret = secret;
        this.http = http;
    }

    @Override
    public double query(String query, Optional<String> interval) {
        ProviderHttp.Answer answer = insights(query, interval);
        answer.ok();
        JsonNode results = ProviderJson.parse("newrelic", answer.body()).path("results");
        if (results.size() != 1 || !results.path(0).has("result")) {
            throw new NoValuesFoundException("invalid response: " + ProviderHttp.abbreviate(answer.body()));
        }
        return ProviderJson.number(results.path(0).get("result"), answer.body());
    }

    /** Without a metric there is no interval, which Flagger's check query needs: see {@link #checkOnline(Optional)}. */
    @Override
    public void checkOnline() {
        checkOnline(Optional.empty());
    }

    /** Flagger's check: {@code SELECT * FROM Metric} over the metric's interval answers 200. */
    @Override
    public void checkOnline(Optional<String> interval) {
        insights(ONLINE_QUERY, interval).online();
    }

    private ProviderHttp.Answer insights(String query, Optional<String> interval) {
        long seconds = MetricWindow.length("newrelic", interval, 1).toSeconds();
        Map<String, String> s = secret.require(List.of(ACCOUNT_ID, QUERY_KEY));
        URI url = URI.create(address + "/v1/accounts/" + s.get(ACCOUNT_ID) + "/query?"
                + GoQuery.encode(Map.of("nrql", query + " SINCE " + seconds + " seconds ago")));
        return http.get(url, Map.of("X-Query-Key", s.get(QUERY_KEY)));
    }
}
