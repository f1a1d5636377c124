package dev.flagstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.metrics.FakeHttpServer.Reply;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GraphiteProviderTest {

    /** Flagger's graphite_test.go shapes: numbers, numeric strings and nulls; the last non-null one counts. */
    private static final String TARGETS = """
            [{"target": "sumSeries(app.http.5xx)", "datapoints": [[1.5, 1621348400], ["2.25", "1621348410"], [null, 1621348420]]},
             {"target": "other", "datapoints": [[null, 1621348400]]}]""";

    private final ProviderFixture fixture = new ProviderFixture();

    @AfterEach
    void stop() {
        fixture.close();
    }

    private MetricProvider graphite(String path, Optional<String> secretRef, Map<String, String> secret) {
        return fixture.provider("graphite", Optional.of(fixture.address() + path), secretRef, secret);
    }

    @Test
    void rendersTheQueryAsJsonUnderTheAddressPathAndReadsTheLastNonNullPoint() {
        fixture.backend.respond(r -> Reply.json(200, TARGETS));

        double value = graphite("/graphite/", Optional.empty(), Map.of()).query("""
                target=sumSeries(
                  app.http.5xx)&from=-2min&format=raw&target=b""", Optional.of("1m"));

        assertThat(value).isEqualTo(2.25);
        FakeHttpServer.Request request = fixture.backend.lastRequest();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.uri().getPath()).isEqualTo("/graphite/render");
        assertThat(request.uri().getRawQuery()).isEqualTo("format=json&from=-2min&target=sumSeries%28+app.http.5xx%29&target=b");
        assertThat(request.header("Authorization")).isNull();
    }

    @Test
    void basicAuthFromTheSecretWhenBothAreSet() {
        fixture.backend.respond(r -> Reply.json(200, TARGETS));
        graphite("", Optional.of("creds"), Map.of("username", "u", "password", "p")).query("target=x", Optional.empty());
        assertThat(fixture.backend.lastRequest().header("Authorization"))
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("u:p".getBytes()));

        graphite("", Optional.of("creds"), Map.of("username", "u", "password", "")).query("target=x", Optional.empty());
        assertThat(fixture.backend.lastRequest().header("Authorization")).isNull();

        assertThatThrownBy(() -> graphite("", Optional.of("creds"), Map.of("username", "u")).query("target=x", Optional.empty()))
                .hasMessage("graphite credentials does not contain password (secret test/creds)");
    }

    @Test
    void onlyNullsOrNoTargetsAreNoValues() {
        MetricProvider provider = graphite("", Optional.empty(), Map.of());
        for (String body : new String[] {"[]", "[{\"target\": \"x\", \"datapoints\": [[null, 1]]}]"}) {
            fixture.backend.respond(r -> Reply.json(200, body));
            assertThatThrownBy(() -> provider.query("target=x", Optional.empty())).as(body).isInstanceOf(NoValuesFoundException.class);
        }
    }

    @Test
    void anErrorStatusQuotesTheBody() {
        fixture.backend.respond(r -> Reply.text(400, "bad target"));

        assertThatThrownBy(() -> graphite("", Optional.empty(), Map.of()).query("target=(", Optional.empty()))
                .isExactlyInstanceOf(MetricQueryException.class).hasMessage("error response: bad target");
    }

    @Test
    void theAddressIsRequired() {
        assertThatThrownBy(() -> fixture.provider("graphite", Optional.empty(), Optional.empty(), Map.of()))
                .hasMessage("graphite address  is not a valid URL");
    }

    @Test
    void isOnlineWhenTheTestTargetRunsEvenWithNoValues() {
        fixture.backend.respond(r -> Reply.json(200, "[]"));
        graphite("", Optional.empty(), Map.of()).checkOnline();
        assertThat(fixture.backend.lastRequest().uri().toString()).isEqualTo("/render?format=json&target=test");

        fixture.backend.respond(r -> Reply.text(500, "down"));
        assertThatThrownBy(() -> graphite("", Optional.empty(), Map.of()).checkOnline())
                .hasMessage("running query failed: error response: down");
    }

    @Test
    void aClusterServiceAddressGoesThroughTheProxyButBasicAuthCannot() {
        fixture.backend.respond(r -> Reply.json(200, TARGETS));

        assertThat(fixture.viaProxy("graphite", "", Optional.empty(), Map.of()).query("target=x", Optional.empty())).isEqualTo(2.25);
        assertThat(fixture.api().proxied()).containsExactly("/api/v1/namespaces/monitoring/services/metrics:80/proxy/render?format=json&target=x");
    }

    @Test
    void basicAuthIsRefusedThroughTheProxy() {
        MetricProvider provider = fixture.viaProxy("graphite", "", Optional.of("creds"), Map.of("username", "u", "password", "p"));

        assertThatThrownBy(() -> provider.query("target=x", Optional.empty()))
                .hasMessageStartingWith("provider.secretRef cannot be used with a cluster Service address");
    }
}
