package dev.flagstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.metrics.FakeHttpServer.Reply;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InfluxDbProviderTest {

    private static final Map<String, String> SECRET = Map.of("token", "tok-1", "org", "my org");

    /** InfluxDB 2's answer for a mean(): annotated CSV, CRLF rows, a quoted tag value with a comma. */
    static String csv(String datatype, String value) {
        return "#datatype,string,long,dateTimeRFC3339,dateTimeRFC3339," + datatype + ",string\r\n"
                + "#group,false,false,true,true,false,true\r\n"
                + "#default,_result,,,,,\r\n"
                + ",result,table,_start,_stop,_value,host\r\n"
                + ",,0,2026-03-01T09:50:00Z,2026-03-01T10:00:00Z," + value + ",\"a,b\"\r\n"
                + ",,1,2026-03-01T09:50:00Z,2026-03-01T10:00:00Z,7.5,c\r\n\r\n";
    }

    private final ProviderFixture fixture = new ProviderFixture();

    @AfterEach
    void stop() {
        fixture.close();
    }

    private MetricProvider influx(Optional<String> secretRef) {
        return fixture.provider("influxdb", Optional.of(fixture.address() + "/influx/"), secretRef, SECRET);
    }

    private static Reply csvReply(String csv) {
        return new Reply(200, Map.of("Content-Type", "text/csv; charset=utf-8"), csv.getBytes(StandardCharsets.UTF_8), 0);
    }

    @Test
    void postsTheFluxQueryAsTheGoClientDoesAndReadsTheFirstDoubleValue() {
        fixture.backend.respond(r -> csvReply(csv("double", "1.25")));

        double value = influx(Optional.of("creds")).query("from(bucket: \"k6\") |> range(start: -2m) |> mean()", Optional.empty());

        assertThat(value).isEqualTo(1.25);
        FakeHttpServer.Request request = fixture.backend.lastRequest();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.uri().getPath()).isEqualTo("/influx/api/v2/query");
        assertThat(request.uri().getRawQuery()).isEqualTo("org=my+org");
        assertThat(request.header("Authorization")).isEqualTo("Token tok-1");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(new String(request.body(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"dialect\":{\"annotations\":[\"datatype\",\"group\",\"default\"],\"delimiter\":\",\",\"header\":true},"
                        + "\"query\":\"from(bucket: \\\"k6\\\") |> range(start: -2m) |> mean()\",\"type\":\"flux\"}");
    }

    @Test
    void withoutASecretThereIsNoAuthAndAnEmptyOrg() {
        fixture.backend.respond(r -> csvReply(csv("double", "3")));

        assertThat(influx(Optional.empty()).query("q", Optional.empty())).isEqualTo(3);
        assertThat(fixture.backend.lastRequest().uri().getRawQuery()).isEqualTo("org=");
        assertThat(fixture.backend.lastRequest().header("Authorization")).isNull();
    }

    @Test
    void noRecordsOrAnEmptyValueIsNoValues() {
        MetricProvider provider = influx(Optional.of("creds"));
        fixture.backend.respond(r -> csvReply("\r\n"));
        assertThatThrownBy(() -> provider.query("q", Optional.empty())).isInstanceOf(NoValuesFoundException.class);
        fixture.backend.respond(r -> csvReply(csv("double", "")));
        assertThatThrownBy(() -> provider.query("q", Optional.empty())).isInstanceOf(NoValuesFoundException.class)
                .hasMessageContaining("invalid response");
    }

    @Test
    void aLongValueIsAnErrorAsInFlagger() {
        fixture.backend.respond(r -> csvReply(csv("long", "42")));

        assertThatThrownBy(() -> influx(Optional.of("creds")).query("q", Optional.empty()))
                .isExactlyInstanceOf(MetricQueryException.class).hasMessageStartingWith("invalid response: _value is long, not double");
    }

    @Test
    void aFluxErrorTableAndAnHttpErrorAreErrors() {
        fixture.backend.respond(r -> csvReply("#datatype,string,long\r\n,error,reference\r\n,\"compilation failed: bad\",897\r\n"));
        assertThatThrownBy(() -> influx(Optional.of("creds")).query("q", Optional.empty()))
                .isExactlyInstanceOf(MetricQueryException.class).hasMessage("query error: compilation failed: bad,897");

        fixture.backend.respond(r -> Reply.json(401, "{\"code\":\"unauthorized\",\"message\":\"unauthorized access\"}"));
        assertThatThrownBy(() -> influx(Optional.of("creds")).query("q", Optional.empty()))
                .hasMessage("error accessing influxdb query api: 401 unauthorized access");
    }

    @Test
    void theAddressAndBothSecretKeysAreRequired() {
        assertThatThrownBy(() -> fixture.provider("influxdb", Optional.empty(), Optional.empty(), Map.of()))
                .hasMessage("influxdb address  is not a valid URL");
        assertThatThrownBy(() -> fixture.provider("influxdb", Optional.of(fixture.address()), Optional.of("creds"), Map.of("token", "t"))
                .query("q", Optional.empty())).hasMessage("influxdb credentials does not contain org (secret test/creds)");
    }

    @Test
    void isOnlineWhenTheDefaultBucketCanBeQueriedEvenEmpty() {
        fixture.backend.respond(r -> csvReply("\r\n"));
        influx(Optional.of("creds")).checkOnline();
        assertThat(new String(fixture.backend.lastRequest().body(), StandardCharsets.UTF_8))
                .contains("\"query\":\"from(bucket: \\\"default\\\") |> range(start: -2h)\"");

        fixture.backend.respond(r -> Reply.json(404, "{\"code\":\"not found\",\"message\":\"bucket \\\"default\\\" not found\"}"));
        assertThatThrownBy(() -> influx(Optional.of("creds")).checkOnline())
                .hasMessage("error accessing influxdb query api: 404 bucket \"default\" not found");
    }

    @Test
    void aClusterServiceAddressGoesThroughTheProxyWithoutAToken() {
        fixture.backend.respond(r -> csvReply(csv("double", "2")));
        assertThat(fixture.viaProxy("influxdb", "", Optional.empty(), Map.of()).query("q", Optional.empty())).isEqualTo(2);
        assertThat(fixture.api().proxied()).containsExactly("/api/v1/namespaces/monitoring/services/metrics:80/proxy/api/v2/query?org=");
        assertThat(new String(fixture.backend.lastRequest().body(), StandardCharsets.UTF_8)).contains("\"type\":\"flux\"");
    }

    @Test
    void theTokenCannotPassTheProxy() {
        MetricProvider provider = fixture.viaProxy("influxdb", "", Optional.of("creds"), SECRET);
        assertThatThrownBy(() -> provider.query("q", Optional.empty()))
                .hasMessageStartingWith("provider.secretRef cannot be used with a cluster Service address");
    }
}
