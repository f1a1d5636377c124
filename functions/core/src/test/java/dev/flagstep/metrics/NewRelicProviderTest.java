package dev.flagstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.metrics.FakeHttpServer.Reply;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NewRelicProviderTest {

    private static final Map<String, String> KEYS = Map.of("newrelic_account_id", "12345", "newrelic_query_key", "NRIQ-k");

    private final ProviderFixture fixture = new ProviderFixture();

    @AfterEach
    void stop() {
        fixture.close();
    }

    private MetricProvider newrelic(Map<String, String> secret) {
        return fixture.provider("newrelic", Optional.of(fixture.address()), Optional.of("creds"), secret);
    }

    @Test
    void queriesTheAccountWithOneIntervalAppendedAndReadsTheResult() {
        fixture.backend.respond(r -> Reply.json(200, "{\"results\": [{\"result\": 1.5}]}"));

        double value = newrelic(KEYS).query("SELECT filter(sum(x), WHERE y) / sum(x) * 100 FROM Transaction", Optional.of("1m30s"));

        assertThat(value).isEqualTo(1.5);
        FakeHttpServer.Request request = fixture.backend.lastRequest();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.uri().getPath()).isEqualTo("/v1/accounts/12345/query");
        assertThat(request.uri().getRawQuery()).isEqualTo(
                "nrql=SELECT+filter%28sum%28x%29%2C+WHERE+y%29+%2F+sum%28x%29+%2A+100+FROM+Transaction+SINCE+90+seconds+ago");
        assertThat(request.header("X-Query-Key")).isEqualTo("NRIQ-k");
    }

    @Test
    void anythingButOneResultIsNoValues() {
        MetricProvider provider = newrelic(KEYS);
        for (String body : new String[] {"{\"results\": []}", "{\"results\": [{\"result\": 1}, {\"result\": 2}]}",
                "{\"results\": [{\"result\": null}]}", "{\"results\": [{\"average\": 3}]}"}) {
            fixture.backend.respond(r -> Reply.json(200, body));
            assertThatThrownBy(() -> provider.query("q", Optional.of("1m"))).as(body).isInstanceOf(NoValuesFoundException.class);
        }
    }

    @Test
    void anErrorStatusQuotesTheBody() {
        fixture.backend.respond(r -> Reply.json(400, "{\"error\": \"NRQL Syntax Error\"}"));

        assertThatThrownBy(() -> newrelic(KEYS).query("q", Optional.of("1m"))).isExactlyInstanceOf(MetricQueryException.class)
                .hasMessage("error response: {\"error\": \"NRQL Syntax Error\"}: 400");
    }

    @Test
    void bothKeysAreRequiredAndNamed() {
        assertThatThrownBy(() -> newrelic(Map.of("newrelic_query_key", "k")).query("q", Optional.of("1m")))
                .hasMessage("newrelic credentials does not contain newrelic_account_id (secret test/creds)");
        assertThatThrownBy(() -> newrelic(Map.of("newrelic_account_id", "1")).query("q", Optional.of("1m")))
                .hasMessage("newrelic credentials does not contain newrelic_query_key (secret test/creds)");
        assertThat(fixture.backend.requests()).isEmpty();
    }

    @Test
    void isOnlineAsksForAllMetricsOverTheMetricsInterval() {
        fixture.backend.respond(r -> Reply.json(200, "{\"results\": [{\"events\": []}]}"));
        newrelic(KEYS).checkOnline(Optional.of("2m"));
        assertThat(ProviderFixture.decodedQuery(fixture.backend.lastRequest())).isEqualTo("nrql=SELECT * FROM Metric SINCE 120 seconds ago");
        assertThat(fixture.backend.lastRequest().header("X-Query-Key")).isEqualTo("NRIQ-k");

        fixture.backend.respond(r -> Reply.json(401, "{\"error\": \"bad key\"}"));
        assertThatThrownBy(() -> newrelic(KEYS).checkOnline(Optional.of("2m"))).hasMessage("error response: {\"error\": \"bad key\"}");
        assertThatThrownBy(() -> newrelic(KEYS).checkOnline()).hasMessageStartingWith("newrelic needs the metric's interval (its window is 1 x interval)");
    }

    @Test
    void aClusterServiceAddressGoesThroughTheProxy() {
        fixture.backend.respond(r -> Reply.json(200, "{\"results\": [{\"result\": 7}]}"));

        assertThat(fixture.viaProxy("newrelic", "", Optional.of("creds"), KEYS).query("q", Optional.of("1m"))).isEqualTo(7);
        assertThat(fixture.api().proxied()).containsExactly(
                "/api/v1/namespaces/monitoring/services/metrics:80/proxy/v1/accounts/12345/query?nrql=q+SINCE+60+seconds+ago");
    }

    @Test
    void withoutAnAddressThePublicApiIsAsked() {
        MetricProvider provider = fixture.provider("newrelic", Optional.empty(), Optional.of("creds"), KEYS, ProviderFixture.stopAt());

        assertThatThrownBy(() -> provider.query("q", Optional.of("1m"))).hasMessageContaining("asked for https://insights-api.newrelic.com/v1/accounts/12345/query?nrql=");
    }
}
