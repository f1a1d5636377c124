package dev.flagstep.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The proxy path, both ways, and where a proxied receiver's redirect leads. */
class ServiceAddressTest {

    private static final ServiceAddress LOADTESTER = new ServiceAddress("test", "flagger-loadtester", false, 80);

    @Test
    void theProxyPathKeepsThePathAndTheRawQuery() {
        assertThat(LOADTESTER.proxyPath("/gate/approve", Optional.empty()))
                .isEqualTo("/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/gate/approve");
        assertThat(LOADTESTER.proxyPath("", Optional.empty()))
                .isEqualTo("/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/");
        assertThat(LOADTESTER.proxyPath("/a%20b/", Optional.of("q=sum(rate(x%7Ba%3D%22b%22%7D))&x=1")))
                .isEqualTo("/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/a%20b/?q=sum(rate(x%7Ba%3D%22b%22%7D))&x=1");
        assertThat(new ServiceAddress("test", "secure", true, 8443).proxyPath("/x", Optional.of("")))
                .isEqualTo("/api/v1/namespaces/test/services/https:secure:8443/proxy/x?");
    }

    @Test
    void aProxyPathReadsBack() {
        assertThat(ServiceAddress.fromProxyPath("/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/next"))
                .contains(new ServiceAddress.Proxied(LOADTESTER, "/next"));
        assertThat(ServiceAddress.fromProxyPath("/api/v1/namespaces/test/services/flagger-loadtester/proxy"))
                .contains(new ServiceAddress.Proxied(LOADTESTER, "/"));
        assertThat(ServiceAddress.fromProxyPath("/api/v1/namespaces/test/services/https:s/proxy/a"))
                .contains(new ServiceAddress.Proxied(new ServiceAddress("test", "s", true, 443), "/a"));
        assertThat(ServiceAddress.fromProxyPath("/api/v1/namespaces/test/services/s:http/proxy/a")).isEmpty();
        assertThat(ServiceAddress.fromProxyPath("/api/v1/namespaces/test/pods/p:80/proxy/a")).isEmpty();
        assertThat(ServiceAddress.fromProxyPath("/next")).isEmpty();
    }

    private static final URI API = URI.create("https://abc.eks.amazonaws.com");
    private static final Route.Proxied PROXIED = new Route.Proxied(LOADTESTER,
            URI.create(API + "/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/gate/approve"),
            HttpClient.newHttpClient(), Optional.of("Bearer t"));
    private static final URI CLUSTER_URL = URI.create("http://flagger-loadtester.test/gate/approve");

    @Test
    void aLocationTheApiServerRewroteMapsBackToTheClusterUrl() throws Exception {
        assertThat(PROXIED.follow(CLUSTER_URL, API + "/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/gate/next?x=1"))
                .isEqualTo(URI.create("http://flagger-loadtester.test/gate/next?x=1"));
        assertThat(PROXIED.follow(CLUSTER_URL, "/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/"))
                .isEqualTo(URI.create("http://flagger-loadtester.test/"));
        // another Service: its cluster name
        assertThat(PROXIED.follow(CLUSTER_URL, API + "/api/v1/namespaces/other/services/https:gate:8443/proxy/g"))
                .isEqualTo(URI.create("https://gate.other.svc:8443/g"));
    }

    @Test
    void otherLocationsAreTakenAsTheReceiverMeantThem() throws Exception {
        assertThat(PROXIED.follow(CLUSTER_URL, "next")).isEqualTo(URI.create("http://flagger-loadtester.test/gate/next"));
        // a bare path the API server did not rewrite is the receiver's own
        assertThat(PROXIED.follow(CLUSTER_URL, "/gate/next")).isEqualTo(URI.create("http://flagger-loadtester.test/gate/next"));
        assertThat(PROXIED.follow(CLUSTER_URL, "https://example.com/x")).isEqualTo(URI.create("https://example.com/x"));
        assertThat(PROXIED.follow(CLUSTER_URL, "http://other.test/y")).isEqualTo(URI.create("http://other.test/y"));
    }
}
