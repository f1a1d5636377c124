package dev.flagstep.metrics;

import static dev.flagstep.metrics.ProviderFixture.NOW_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.metrics.FakeHttpServer.Reply;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DynatraceProviderTest {

    private static final Map<String, String> TOKEN = Map.of("dynatrace_token", "dt0c01.abc");
    /** The shape of Flagger's dynatrace_test.go fixture: the last data series' first value counts. */
    private static final String RESULT = """
            {"totalCount": 2, "resolution": "Inf", "result": [{"metricId": "builtin:service.response.time",
              "data": [{"dimensions": ["a"], "timestamps": [1772359200000], "values": [250.5]},
                       {"dimensions": ["b"], "timestamps": [1772359200000], "values": [11.25, 3]}]}]}""";

    private final ProviderFixture fixture = new ProviderFixture();

    @AfterEach
    void stop() {
        fixture.close();
    }

    private MetricProvider dynatrace(Map<String, String> secret) {
        return fixture.provider("dynatrace", Optional.of(fixture.address()), Optional.of("creds"), secret);
    }

    @Test
    void queriesTheLastTenIntervalsInMillisecondsWithTheApiToken() {
        fixture.backend.respond(r -> Reply.json(200, RESULT));

        double value = dynatrace(TOKEN).query("builtin:service.response.time:avg", Optional.of("1m"));

        assertThat(value).isEqualTo(11.25);
        FakeHttpServer.Request request = fixture.backend.lastRequest();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.uri().getPath()).isEqualTo("/api/v2/metrics/query");
        assertThat(request.uri().getRawQuery()).isEqualTo("from=" + (NOW_SECONDS * 1000 - 600_000)
                + "&metricSelector=builtin%3Aservice.response.time%3Aavg&resolution=Inf&to=" + NOW_SECONDS * 1000);
        assertThat(request.header("Authorization")).isEqualTo("Api-Token dt0c01.abc");
    }

    @Test
    void noResultNoDataOrNoValuesIsNoValues() {
        MetricProvider provider = dynatrace(TOKEN);
        for (String body : new String[] {"{\"result\": []}", "{\"result\": [{\"data\": []}]}",
                "{\"result\": [{\"data\": [{\"values\": []}]}]}", "{\"result\": [{\"data\": [{\"values\": [null]}]}]}"}) {
            fixture.backend.respond(r -> Reply.json(200, body));
            assertThatThrownBy(() -> provider.query("q", Optional.of("1m"))).as(body).isInstanceOf(NoValuesFoundException.class);
        }
    }

    @Test
    void anErrorStatusQuotesTheBody() {
        fixture.backend.respond(r -> Reply.json(500, "{\"error\": {\"code\": 500}}"));

        assertThatThrownBy(() -> dynatrace(TOKEN).query("q", Optional.of("1m"))).isExactlyInstanceOf(MetricQueryException.class)
                .hasMessage("error response: {\"error\": {\"code\": 500}}: 500");
    }

    @Test
    void theAddressAndTheTokenAreRequired() {
        assertThatThrownBy(() -> fixture.provider("dynatrace", Optional.empty(), Optional.of("creds"), TOKEN))
                .hasMessage("dynatrace endpoint is not set");
        assertThatThrownBy(() -> dynatrace(Map.of("token", "x")).query("q", Optional.of("1m")))
                .hasMessage("dynatrace credentials does not contain dynatrace_token (secret test/creds)");
        assertThat(fixture.backend.requests()).isEmpty();
    }

    @Test
    void isOnlineWhenListingOneMetricAnswers200() {
        fixture.backend.respond(r -> Reply.json(200, "{\"totalCount\": 1, \"metrics\": []}"));
        dynatrace(TOKEN).checkOnline();
        assertThat(fixture.backend.lastRequest().uri().toString()).isEqualTo("/api/v2/metrics?pageSize=1");
        assertThat(fixture.backend.lastRequest().header("Authorization")).isEqualTo("Api-Token dt0c01.abc");

        fixture.backend.respond(r -> Reply.json(401, "{\"error\": \"token\"}"));
        assertThatThrownBy(() -> dynatrace(TOKEN).checkOnline()).hasMessage("error response: {\"error\": \"token\"}");
    }

    @Test
    void theApiTokenCannotPassTheServiceProxy() {
        MetricProvider provider = fixture.viaProxy("dynatrace", "/e/env-1", Optional.of("creds"), TOKEN);

        assertThatThrownBy(() -> provider.query("q", Optional.of("1m")))
                .hasMessageStartingWith("provider.secretRef cannot be used with a cluster Service address reached through the API server proxy "
                        + "(http://metrics.monitoring is Service metrics.monitoring)");
        assertThat(fixture.api().proxied()).isEmpty();
    }
}
