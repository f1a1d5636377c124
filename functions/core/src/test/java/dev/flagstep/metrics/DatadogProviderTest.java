package dev.flagstep.metrics;

import static dev.flagstep.metrics.ProviderFixture.NOW_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.metrics.FakeHttpServer.Reply;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DatadogProviderTest {

    private static final Map<String, String> KEYS = Map.of("datadog_api_key", "api-1", "datadog_application_key", "app-2");
    private static final String SERIES = """
            {"series": [{"pointlist": [[1577232000000, 12.5], [1577318400000, 56294.46758591842]]},
                        {"pointlist": [[1577232000000, 99]]}]}""";

    private final ProviderFixture fixture = new ProviderFixture();

    @AfterEach
    void stop() {
        fixture.close();
    }

    private MetricProvider datadog(Map<String, String> secret) {
        return fixture.provider("datadog", Optional.of(fixture.address()), Optional.of("creds"), secret);
    }

    @Test
    void queriesTheLastTenIntervalsWithBothKeysAndReadsTheFirstPointOfTheFirstSeries() {
        fixture.backend.respond(r -> Reply.json(200, SERIES));

        double value = datadog(KEYS).query("avg:system.cpu.user{*}by{host}", Optional.of("1m"));

        assertThat(value).isEqualTo(12.5);
        FakeHttpServer.Request request = fixture.backend.lastRequest();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.uri().getPath()).isEqualTo("/api/v1/query");
        assertThat(request.uri().getRawQuery()).isEqualTo("from=" + (NOW_SECONDS - 600)
                + "&query=avg%3Asystem.cpu.user%7B%2A%7Dby%7Bhost%7D&to=" + NOW_SECONDS);
        assertThat(request.header("DD-API-KEY")).isEqualTo("api-1");
        assertThat(request.header("DD-APPLICATION-KEY")).isEqualTo("app-2");
    }

    @Test
    void noSeriesOrAnEmptyPointlistIsNoValues() {
        MetricProvider provider = datadog(KEYS);
        fixture.backend.respond(r -> Reply.json(200, "{\"series\": []}"));
        assertThatThrownBy(() -> provider.query("q", Optional.of("1m"))).isInstanceOf(NoValuesFoundException.class)
                .hasMessageContaining("invalid response");
        fixture.backend.respond(r -> Reply.json(200, "{\"series\": [{\"pointlist\": []}]}"));
        assertThatThrownBy(() -> provider.query("q", Optional.of("1m"))).isInstanceOf(NoValuesFoundException.class);
    }

    @Test
    void aNullPointIsNoValuesNotZero() {
        fixture.backend.respond(r -> Reply.json(200, "{\"series\": [{\"pointlist\": [[1577232000000, null]]}]}"));

        assertThatThrownBy(() -> datadog(KEYS).query("q", Optional.of("1m"))).isInstanceOf(NoValuesFoundException.class);
    }

    @Test
    void anErrorStatusQuotesTheBody() {
        fixture.backend.respond(r -> Reply.json(403, "{\"errors\": [\"Forbidden\"]}"));

        assertThatThrownBy(() -> datadog(KEYS).query("q", Optional.of("1m"))).isExactlyInstanceOf(MetricQueryException.class)
                .hasMessage("error response: {\"errors\": [\"Forbidden\"]}: 403");
    }

    @Test
    void bothKeysAreRequiredAndNamed() {
        assertThatThrownBy(() -> datadog(Map.of("datadog_api_key", "a")).query("q", Optional.of("1m")))
                .hasMessage("datadog credentials does not contain datadog_application_key (secret test/creds)");
        assertThatThrownBy(() -> datadog(Map.of("datadog_application_key", "a")).checkOnline())
                .hasMessage("datadog credentials does not contain datadog_api_key (secret test/creds)");
        assertThatThrownBy(() -> fixture.provider("datadog", Optional.of(fixture.address()), Optional.empty(), KEYS).checkOnline())
                .hasMessageContaining("datadog provider needs provider.secretRef");
        assertThat(fixture.backend.requests()).isEmpty();
    }

    @Test
    void theIntervalIsRequired() {
        assertThatThrownBy(() -> datadog(KEYS).query("q", Optional.empty()))
                .hasMessageStartingWith("datadog needs the metric's interval (its window is 10 x interval)");
    }

    @Test
    void isOnlineWhenTheValidationEndpointAnswers200() {
        fixture.backend.respond(r -> Reply.json(200, "{\"valid\": true}"));
        datadog(KEYS).checkOnline();
        FakeHttpServer.Request request = fixture.backend.lastRequest();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.uri().toString()).isEqualTo("/api/v1/validate");
        assertThat(request.header("DD-API-KEY")).isEqualTo("api-1");
        assertThat(request.header("DD-APPLICATION-KEY")).isEqualTo("app-2");

        fixture.backend.respond(r -> Reply.json(403, "{\"errors\": [\"Forbidden\"]}"));
        assertThatThrownBy(() -> datadog(KEYS).checkOnline()).hasMessage("error response: {\"errors\": [\"Forbidden\"]}");
    }

    @Test
    void aClusterServiceAddressGoesThroughTheProxyWithItsKeyHeaders() {
        fixture.backend.respond(r -> Reply.json(200, SERIES));

        double value = fixture.viaProxy("datadog", "", Optional.of("creds"), KEYS).query("q", Optional.of("30s"));

        assertThat(value).isEqualTo(12.5);
        assertThat(fixture.api().proxied()).containsExactly("/api/v1/namespaces/monitoring/services/metrics:80/proxy/api/v1/query?from="
                + (NOW_SECONDS - 300) + "&query=q&to=" + NOW_SECONDS);
        assertThat(fixture.backend.lastRequest().header("DD-API-KEY")).isEqualTo("api-1");
    }

    @Test
    void withoutAnAddressThePublicApiIsAsked() {
        MetricProvider provider = fixture.provider("datadog", Optional.empty(), Optional.of("creds"), KEYS, ProviderFixture.stopAt());

        assertThatThrownBy(() -> provider.query("q", Optional.of("1m"))).hasMessageContaining("asked for https://api.datadoghq.com/api/v1/query?from=");
    }
}
