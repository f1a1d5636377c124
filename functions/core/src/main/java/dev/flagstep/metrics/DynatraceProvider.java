package dev.flagstep.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Flagger's Dynatrace provider: the metrics API v2, {@code GET {address}/api/v2/metrics/query} with
 * {@code metricSelector}, {@code resolution=Inf} and the last ten metric intervals in milliseconds,
 * authenticated by {@code Authorization: Api-Token <dynatrace_token>}. The value is the first value of
 * the last data series of the first result. {@code address} is required (the environment's URL).
 */
public final class DynatraceProvider implements MetricProvider {

    static final String TOKEN = "dynatrace_token";

    private final String address;
    private final ProviderSecret secret;
    private final ProviderHttp http;
    private final Clock clock;

    DynatraceProvider(Optional<String> address, ProviderSecret secret, ProviderHttp http, Clock clock) {
        this.address = address.filter(a -> !a.isBlank()).map(String::strip)
                .orElseThrow(() -> new MetricQueryException("dynatrace endpoint is not set"));
        ProviderHttp.address("dynatrace", this.address);
        this.secret = secret;
        this.http = http;
        this.clock = clock;
    }

    @Override
    public double query(String query, Optional<String> interval) {
        MetricWindow window = MetricWindow.last("dynatrace", interval, MetricWindow.FLAGGER_INTERVALS, clock);
        // Flagger: unix seconds x 1000
        long to = window.to().getEpochSecond() * 1000;
        long from = to - Duration.between(window.from(), window.to()).toMillis();
        ProviderHttp.Answer answer = http.get(URI.create(address + "/api/v2/metrics/query?" + GoQuery.encode(Map.of(
                "metricSelector", query,
                "resolution", "Inf",
                "from", Long.toString(from),
                "to", Long.toString(to)))), token());
        answer.ok();
        JsonNode data = ProviderJson.parse("dynatrace", answer.body()).path("result").path(0).path("data");
        return ProviderJson.number(data.path(data.size() - 1).path("values").path(0), answer.body());
    }

    /** Flagger's check: listing one metric answers 200. */
    @Override
    public void checkOnline() {
        http.get(URI.create(address + "/api/v2/metrics?pageSize=1"), token()).online();
    }

    private Map<String, String> token() {
        return Map.of("Authorization", "Api-Token " + secret.require(List.of(TOKEN)).get(TOKEN));
    }
}
