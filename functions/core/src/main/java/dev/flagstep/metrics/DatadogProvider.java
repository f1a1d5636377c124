package dev.flagstep.metrics;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Flagger's Datadog provider: {@code GET {address}/api/v1/query?from=..&query=..&to=..} over the last ten
 * metric intervals (unix seconds), authenticated by the {@code DD-API-KEY} and {@code DD-APPLICATION-KEY}
 * headers from the secret's {@code datadog_api_key} and {@code datadog_application_key}. The value is the
 * first (oldest) point of the first series: the newest bucket is usually incomplete.
 */
public final class DatadogProvider implements MetricProvider {

    static final String DEFAULT_ADDRESS = "https://api.datadoghq.com";
    static final String API_KEY = "datadog_api_key";
    static final String APPLICATION_KEY = "datadog_application_key";

    private final String address;
    private final ProviderSecret secret;
    private final ProviderHttp http;
    private final Clock clock;

    /** @param address {@code provider.address}; Flagger appends the paths to it as written */
    DatadogProvider(Optional<String> address, ProviderSecret secret, ProviderHttp http, Clock clock) {
        this.address = address.filter(a -> !a.isBlank()).map(String::strip).orElse(DEFAULT_ADDRESS);
        ProviderHttp.address("datadog", this.address);
        this.secret = secret;
        this.http = http;
        this.clock = clock;
    }

    @Override
    public double query(String query, Optional<String> interval) {
        MetricWindow window = MetricWindow.last("datadog", interval, MetricWindow.FLAGGER_INTERVALS, clock);
        Map<String, String> keys = keys();
        ProviderHttp.Answer answer = http.get(URI.create(address + "/api/v1/query?" + GoQuery.encode(Map.of(
                "query", query,
                "from", Long.toString(window.from().getEpochSecond()),
                "to", Long.toString(window.to().getEpochSecond())))), keys);
        answer.ok();
        // the first point of the first series: [timestamp, value]
        return ProviderJson.number(ProviderJson.parse("datadog", answer.body()).at("/series/0/pointlist/0/1"), answer.body());
    }

    /** Flagger's check: the key validation endpoint answers 200. */
    @Override
    public void checkOnline() {
        http.get(URI.create(address + "/api/v1/validate"), keys()).online();
    }

    private Map<String, String> keys() {
        Map<String, String> s = secret.require(List.of(API_KEY, APPLICATION_KEY));
        return Map.of("DD-API-KEY", s.get(API_KEY), "DD-APPLICATION-KEY", s.get(APPLICATION_KEY));
    }
}
