package dev.flagstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.metrics.FakeHttpServer.Reply;
import dev.flagstep.testing.KubeMockServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ExternalMetricsProviderTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    private static final String PATH = "/apis/external.metrics.k8s.io/v1beta1/namespaces/";
    private static final String LIST = """
            {"kind": "ExternalMetricValueList", "apiVersion": "external.metrics.k8s.io/v1beta1", "metadata": {},
             "items": [{"metricName": "queue-length", "metricLabels": {"app": "podinfo"},
                        "timestamp": "2026-03-01T10:00:00Z", "value": "1500m"},
                       {"metricName": "queue-length", "timestamp": "2026-03-01T10:00:00Z", "value": "7"}]}""";

    private final ProviderFixture fixture = new ProviderFixture();

    @AfterEach
    void stop() {
        fixture.close();
    }

    private MetricProvider inCluster() {
        return fixture.provider("externalmetrics", Optional.empty(), Optional.empty(), Map.of(), kube::client);
    }

    @Test
    void asksTheClustersExternalMetricsApiAndReadsTheFirstItemsQuantityExactly() throws Exception {
        kube.expect().get().withPath(PATH + "test/queue-length?labelSelector=app%3Dpodinfo%2Ctier+in+%28web%29")
                .andReturn(200, LIST).once();

        double value = inCluster().query("test/queue-length?labelSelector=app%3Dpodinfo%2Ctier%20in%20(web)", Optional.of("1m"));

        assertThat(value).isEqualTo(1.5);
        var request = kube.server().takeRequest(1, TimeUnit.SECONDS);
        assertThat(request.getMethod()).isEqualTo("GET");
        assertThat(request.getPath()).isEqualTo(PATH + "test/queue-length?labelSelector=app%3Dpodinfo%2Ctier+in+%28web%29");
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer test-token");
    }

    @Test
    void aMetricAloneIsInTheDefaultNamespaceWithoutASelector() throws Exception {
        kube.expect().get().withPath(PATH + "default/queue-length").andReturn(200, LIST).times(2);

        assertThat(inCluster().query("queue-length", Optional.empty())).isEqualTo(1.5);
        assertThat(inCluster().query("/queue-length", Optional.empty())).isEqualTo(1.5);
        assertThat(kube.server().takeRequest(1, TimeUnit.SECONDS).getPath()).isEqualTo(PATH + "default/queue-length");
    }

    @Test
    void noItemsIsNoValues() {
        kube.expect().get().withPath(PATH + "test/queue-length")
                .andReturn(200, "{\"kind\": \"ExternalMetricValueList\", \"metadata\": {}, \"items\": []}").once();

        assertThatThrownBy(() -> inCluster().query("test/queue-length", Optional.empty()))
                .isInstanceOf(NoValuesFoundException.class).hasMessage("no values found: no external metrics found");
    }

    @Test
    void malformedQueriesAreFlaggersErrorsAndSendNothing() {
        assertThatThrownBy(() -> inCluster().query("a/b/c", Optional.empty())).hasMessage("error parsing metric query: malformed "
                + "query string, too many slashes, expected <namespace>/<metricName>?labelSelector=<urlencoded label selectors>, got a/b/c");
        assertThatThrownBy(() -> inCluster().query("test/", Optional.empty()))
                .hasMessage("error parsing metric query: metric name cannot be empty");
        assertThat(kube.server().getRequestCount()).isZero();
    }

    @Test
    void anApiErrorIsAQueryErrorNotNoValues() {
        kube.expect().get().withPath(PATH + "test/queue-length")
                .andReturn(403, "{\"kind\": \"Status\", \"message\": \"forbidden: cannot get resource\"}").once();

        assertThatThrownBy(() -> inCluster().query("test/queue-length", Optional.empty())).isExactlyInstanceOf(MetricQueryException.class)
                .hasMessage("error querying external metrics API: GET external metric test/queue-length: Kubernetes API answered 403 "
                        + "forbidden: cannot get resource");
    }

    @Test
    void isOnlineListsTheDummyMetricOfKubeSystemAndAnyErrorIsOffline() throws Exception {
        kube.expect().get().withPath(PATH + "kube-system/dummy-metric").andReturn(200, "{\"items\": []}").once();
        inCluster().checkOnline();
        assertThat(kube.server().takeRequest(1, TimeUnit.SECONDS).getPath()).isEqualTo(PATH + "kube-system/dummy-metric");

        kube.expect().get().withPath(PATH + "kube-system/dummy-metric").andReturn(404, "{\"message\": \"the server could not find "
                + "the requested resource\"}").once();
        assertThatThrownBy(() -> inCluster().checkOnline()).hasMessageStartingWith("external metrics service unavailable: ")
                .hasMessageContaining("404");
    }

    @Test
    void anAddressIsAskedDirectlyWithTheSecretsTokenAsBearer() {
        fixture.backend.respond(r -> Reply.json(200, LIST.replace("1500m", "2k")));

        double value = fixture.provider("externalmetrics", Optional.of(fixture.address() + "/"), Optional.of("creds"),
                Map.of("token", "s3cret"), kube::client).query("test/queue-length", Optional.empty());

        assertThat(value).isEqualTo(2000);
        FakeHttpServer.Request request = fixture.backend.lastRequest();
        assertThat(request.uri().getPath()).isEqualTo(PATH + "test/queue-length");
        assertThat(request.header("Authorization")).isEqualTo("Bearer s3cret");
        assertThat(kube.server().getRequestCount()).isZero();
    }

    @Test
    void aClusterServiceAddressGoesThroughTheProxy() {
        fixture.backend.respond(r -> Reply.json(200, LIST));

        assertThat(fixture.viaProxy("externalmetrics", "", Optional.empty(), Map.of()).query("test/queue-length", Optional.empty()))
                .isEqualTo(1.5);
        assertThat(fixture.api().proxied()).containsExactly(
                "/api/v1/namespaces/monitoring/services/metrics:80/proxy" + PATH + "test/queue-length");
    }

    @Test
    void aTokenCannotPassTheProxy() {
        assertThatThrownBy(() -> fixture.viaProxy("externalmetrics", "", Optional.of("creds"), Map.of("token", "t"))
                .query("test/queue-length", Optional.empty()))
                .hasMessageContaining("provider.secretRef cannot be used with a cluster Service address");
    }

    @Test
    void quantitiesAreReadExactly() {
        assertThat(Quantity.parse("1500m")).contains(1.5);
        assertThat(Quantity.parse("2k")).contains(2000.0);
        assertThat(Quantity.parse("1Ki")).contains(1024.0);
        assertThat(Quantity.parse("1.5Gi")).contains(1610612736.0);
        assertThat(Quantity.parse("250u")).contains(0.00025);
        assertThat(Quantity.parse("3n")).contains(3e-9);
        assertThat(Quantity.parse("1e3")).contains(1000.0);
        assertThat(Quantity.parse("-12.25")).contains(-12.25);
        assertThat(Quantity.parse("12x")).isEmpty();
        assertThat(Quantity.parse("")).isEmpty();
    }
}
