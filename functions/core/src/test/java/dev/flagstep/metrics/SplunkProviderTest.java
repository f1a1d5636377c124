package dev.flagstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.testing.FakeSignalFlow;
import dev.flagstep.testing.FakeSignalFlow.Point;
import dev.flagstep.testing.FakeSignalFlow.Script;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SplunkProviderTest {

    private static final Map<String, String> TOKEN = Map.of("sf_token_key", "sf-tok");
    private static final long NOW_MS = ProviderFixture.NOW_SECONDS * 1000;

    private final FakeSignalFlow signalflow = new FakeSignalFlow();
    private final ProviderFixture fixture = new ProviderFixture();

    @AfterEach
    void stop() {
        signalflow.close();
        fixture.close();
    }

    private MetricProvider splunk(Map<String, String> secret) {
        return fixture.provider("splunk", Optional.of(signalflow.address()), Optional.of("creds"), secret);
    }

    @Test
    void runsTheProgramOverTheLastTenIntervalsAndReadsTheLastDatapoint() {
        signalflow.answer(Script.data(List.of(List.of(Point.ofDouble(7, 1.5)), List.of(Point.ofDouble(7, 2.75)))));

        double value = splunk(TOKEN).query("data('demo.trans.latency').mean().publish()", Optional.of("1m"));

        assertThat(value).isEqualTo(2.75);
        assertThat(signalflow.requests()).extracting(r -> r.getPath()).containsExactly("/v2/signalflow/connect");
        assertThat(signalflow.texts()).containsExactly(
                "{\"type\":\"authenticate\",\"token\":\"sf-tok\"}",
                "{\"type\":\"execute\",\"program\":\"data('demo.trans.latency').mean().publish()\",\"channel\":\"ch-1\","
                        + "\"start\":" + (NOW_MS - 600_000) + ",\"stop\":" + NOW_MS
                        + ",\"resolution\":0,\"maxDelay\":0,\"immediate\":true,\"timezone\":\"\"}");
    }

    @Test
    void longIntAndCompressedDataMessagesAreRead() {
        signalflow.answer(Script.data(List.of(List.of(Point.ofLong(1, 42)))));
        assertThat(splunk(TOKEN).query("q", Optional.of("1m"))).isEqualTo(42);
        signalflow.answer(Script.data(List.of(List.of(Point.ofInt(1, -3)))));
        assertThat(splunk(TOKEN).query("q", Optional.of("1m"))).isEqualTo(-3);
        signalflow.answer(new Script(List.of(List.of(Point.ofDouble(1, 0.5))), true, "END_OF_CHANNEL"));
        assertThat(splunk(TOKEN).query("q", Optional.of("1m"))).isEqualTo(0.5);
    }

    @Test
    void noDatapointsOrOnlyValuelessOnesAreNoValues() {
        MetricProvider provider = splunk(TOKEN);
        signalflow.answer(Script.data(List.of()));
        assertThatThrownBy(() -> provider.query("q", Optional.of("1m"))).isInstanceOf(NoValuesFoundException.class);
        signalflow.answer(new Script(List.of(List.of(new Point(9, 1, 0))), false, "CHANNEL_ABORT"));
        assertThatThrownBy(() -> provider.query("q", Optional.of("1m"))).isInstanceOf(NoValuesFoundException.class);
    }

    @Test
    void datapointsOfTwoTimeSeriesAreAnError() {
        signalflow.answer(Script.data(List.of(List.of(Point.ofDouble(1, 1), Point.ofDouble(2, 2)))));

        assertThatThrownBy(() -> splunk(TOKEN).query("q", Optional.of("1m"))).isExactlyInstanceOf(MetricQueryException.class)
                .hasMessage("invalid response: query returned multiple values");
    }

    @Test
    void aComputationErrorIsTold() {
        signalflow.answer(new Script(List.of(), false, "{\"type\": \"error\", \"channel\": \"$CHANNEL\", \"error\": 400, "
                + "\"errorType\": \"ANALYTICS_PROGRAM_SYNTAX_ERROR\", \"message\": \"bad program\"}"));

        assertThatThrownBy(() -> splunk(TOKEN).query("q(", Optional.of("1m"))).isExactlyInstanceOf(MetricQueryException.class)
                .hasMessage("error executing query: 400 (ANALYTICS_PROGRAM_SYNTAX_ERROR): bad program");
    }

    @Test
    void aComputationThatDoesNotEndInTimeIsAnError() {
        signalflow.answer(new Script(List.of(List.of(Point.ofDouble(1, 1))), false, ""));
        ProviderHttp quick = new ProviderHttp("splunk", java.net.http.HttpClient.newHttpClient(), java.time.Duration.ofMillis(300),
                dev.flagstep.net.AddressGuard.local(), dev.flagstep.net.ServiceRouter.direct(), "test");
        SplunkProvider provider = new SplunkProvider(Optional.of(signalflow.address()),
                new ProviderSecret("splunk", Optional.of("test/creds"), ref -> TOKEN), quick, ProviderFixture.FIXED);

        assertThatThrownBy(() -> provider.query("q", Optional.of("1m"))).isExactlyInstanceOf(MetricQueryException.class)
                .hasMessage("error executing query: the computation did not end within 300ms");
    }

    @Test
    void theAddressTheTokenAndTheIntervalAreRequired() {
        assertThatThrownBy(() -> fixture.provider("splunk", Optional.empty(), Optional.of("creds"), TOKEN))
                .hasMessage("splunk endpoint is not set");
        assertThatThrownBy(() -> splunk(Map.of("token", "x")).query("q", Optional.of("1m")))
                .hasMessage("splunk credentials does not contain sf_token_key (secret test/creds)");
        assertThatThrownBy(() -> splunk(TOKEN).query("q", Optional.empty()))
                .hasMessageStartingWith("splunk needs the metric's interval (its window is 10 x interval)");
        assertThat(signalflow.requests()).isEmpty();
    }

    @Test
    void isOnlineWhenTheMetricListingAnswers200ToTheToken() {
        splunk(TOKEN).checkOnline();
        assertThat(signalflow.requests()).singleElement().satisfies(r -> {
            assertThat(r.getMethod()).isEqualTo("GET");
            assertThat(r.getPath()).isEqualTo("/v2/metric?limit=1");
            assertThat(r.getHeader("X-SF-Token")).isEqualTo("sf-tok");
        });

        signalflow.validationStatus(401);
        assertThatThrownBy(() -> splunk(TOKEN).checkOnline()).hasMessage("error response: {\"message\": \"invalid token\"}");
    }

    @Test
    void theRealmAddressBecomesTheStreamAddressAsInFlagger() {
        SplunkProvider provider = (SplunkProvider) fixture.provider("splunk", Optional.of("https://api.us1.signalfx.com"),
                Optional.of("creds"), TOKEN);

        assertThat(provider.connect()).isEqualTo(URI.create("wss://stream.us1.signalfx.com/v2/signalflow/connect"));
        assertThat(provider.validation()).isEqualTo(URI.create("https://api.us1.signalfx.com/v2/metric?limit=1"));
        SplunkProvider stream = (SplunkProvider) fixture.provider("splunk", Optional.of("wss://stream.eu0.signalfx.com"),
                Optional.of("creds"), TOKEN);
        assertThat(stream.connect()).isEqualTo(URI.create("wss://stream.eu0.signalfx.com/v2/signalflow/connect"));
        assertThat(stream.validation()).isEqualTo(URI.create("https://api.eu0.signalfx.com/v2/metric?limit=1"));
    }

    @Test
    void aClusterServiceStreamIsRefused() {
        MetricProvider provider = fixture.viaProxy("splunk", "", Optional.of("creds"), TOKEN);

        assertThatThrownBy(() -> provider.query("q", Optional.of("1m")))
                .hasMessageContaining("a WebSocket cannot pass the API server's service proxy");
        assertThat(fixture.api().proxied()).isEmpty();
    }
}
