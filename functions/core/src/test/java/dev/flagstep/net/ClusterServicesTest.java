package dev.flagstep.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The rule, case by case: which URLs are cluster Services, and which Service and port. */
class ClusterServicesTest {

    /** Namespaces that exist; every lookup is recorded. */
    private final List<String> lookedUp = new ArrayList<>();
    private final NamespaceLookup lookup = ns -> {
        lookedUp.add(ns);
        return Set.of("test", "flagger", "istio-system", "monitoring", "bot", "notifications", "1ns").contains(ns);
    };
    private final ClusterServices rule = new ClusterServices("cluster.local", lookup);

    private Optional<ServiceAddress> of(String url) {
        return rule.serviceOf(URI.create(url), "canaries");
    }

    private static ServiceAddress svc(String ns, String name, boolean https, int port) {
        return new ServiceAddress(ns, name, https, port);
    }

    @ParameterizedTest
    @CsvSource({
            "http://flagger-helmtester.flagger/, flagger",
            "http://Telegram.BOT.:8080/, bot",
            "http://example.com/, com",
            "http://flagger-loadtester/, ''",
            "http://a.b.svc/, ''",
            "http://10.0.0.1/, ''",
            "http://my_svc.test/, ''",
    })
    void theNamespaceATwoLabelHostWouldBeIn(String url, String namespace) {
        assertThat(ClusterServices.twoLabelNamespace(URI.create(url)))
                .isEqualTo(namespace.isEmpty() ? Optional.empty() : Optional.of(namespace));
    }

    @Test
    void oneLabelIsAServiceInTheCanarysNamespace() {
        assertThat(of("http://loadtester/")).contains(svc("canaries", "loadtester", false, 80));
        assertThat(of("http://prometheus:9090")).contains(svc("canaries", "prometheus", false, 9090));
        assertThat(lookedUp).isEmpty();
    }

    @Test
    void twoLabelsAreAServiceOnlyWhenTheNamespaceExists() {
        assertThat(of("http://flagger-loadtester.test/gate/approve")).contains(svc("test", "flagger-loadtester", false, 80));
        assertThat(of("http://flagger-helmtester.flagger/")).contains(svc("flagger", "flagger-helmtester", false, 80));
        assertThat(of("http://telegram.bot:8080/")).contains(svc("bot", "telegram", false, 8080));
        assertThat(of("http://prometheus.istio-system:9090")).contains(svc("istio-system", "prometheus", false, 9090));
        assertThat(of("http://example.com/")).isEmpty();
        assertThat(of("https://hooks.example:8443/x")).isEmpty();
        assertThat(lookedUp).containsExactly("test", "flagger", "bot", "istio-system", "com", "example");
    }

    @Test
    void svcAndTheClusterDomainAreServicesWithoutALookup() {
        assertThat(of("http://podinfo.test.svc/")).contains(svc("test", "podinfo", false, 80));
        assertThat(of("http://podinfo.test.svc:9898/")).contains(svc("test", "podinfo", false, 9898));
        assertThat(of("http://podinfo.test.svc.cluster.local/")).contains(svc("test", "podinfo", false, 80));
        assertThat(of("http://podinfo.nowhere.svc.cluster.local/")).contains(svc("nowhere", "podinfo", false, 80));
        assertThat(lookedUp).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://hooks.slack.com/services/T0/B0/x",
            "http://podinfo.test.svc.other.domain/",
            "http://podinfo.test.svc.cluster/",
            "http://podinfo.test.svc.cluster.local.extra/",
            "http://pod.ns.pod.cluster.local/",
            "http://a.b.c/",
            "http://a.b.c.d/",
            "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1",
            "http://podinfo.test.cluster.local/"})
    void otherHostsOfThreeOrMoreLabelsGoDirect(String url) {
        assertThat(of(url)).isEmpty();
        assertThat(lookedUp).isEmpty();
    }

    @Test
    void aCustomClusterDomainReplacesClusterLocal() {
        ClusterServices custom = new ClusterServices("Corp.Example.", lookup);
        assertThat(custom.clusterDomain()).isEqualTo("corp.example");
        assertThat(custom.serviceOf(URI.create("http://a.test.svc.corp.example/"), "x")).contains(svc("test", "a", false, 80));
        assertThat(custom.serviceOf(URI.create("http://a.test.svc.cluster.local/"), "x")).isEmpty();
        assertThat(custom.serviceOf(URI.create("http://a.test.svc/"), "x")).contains(svc("test", "a", false, 80));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "cluster..local", "-cluster.local", "cluster_local", "cluster.local/", "a.b:80"})
    void aClusterDomainThatIsNoDnsNameIsRefused(String domain) {
        assertThatThrownBy(() -> new ClusterServices(domain, lookup)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cluster domain");
    }

    @Test
    void oneTrailingDotIsIgnored() {
        assertThat(of("http://loadtester./")).contains(svc("canaries", "loadtester", false, 80));
        assertThat(of("http://flagger-loadtester.test./")).contains(svc("test", "flagger-loadtester", false, 80));
        assertThat(of("http://podinfo.test.svc.cluster.local./")).contains(svc("test", "podinfo", false, 80));
    }

    @Test
    void theHostIsLowerCased() {
        assertThat(of("http://Flagger-LoadTester.TEST/")).contains(svc("test", "flagger-loadtester", false, 80));
        assertThat(of("HTTP://PODINFO.TEST.SVC.CLUSTER.LOCAL:9898/")).contains(svc("test", "podinfo", false, 9898));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/", "http://10.0.1.7/", "http://1.2.3/", "http://[::1]:8080/",
            "http://[fd00::1]/", "http://[::ffff:10.0.0.1]/", "http://localhost:9090/", "http://LOCALHOST/", "http://localhost./"})
    void ipLiteralsAndLocalhostGoDirect(String url) {
        assertThat(of(url)).isEmpty();
        assertThat(lookedUp).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://1loadtester/",                       // a Service name starts with a letter (DNS-1035)
            "http://-x/", "http://x-/",
            "http://a234567890123456789012345678901234567890123456789012345678901234/", // 64 characters
            "http://x.-ns/", "http://x.ns-/",
            "http://x..svc/",
            "http://1x.test.svc/"})
    void hostsThatAreNotServiceOrNamespaceLabelsGoDirect(String url) {
        assertThat(of(url)).isEmpty();
        assertThat(lookedUp).isEmpty();
    }

    @Test
    void labelsOfUpTo63CharactersAndNamespacesStartingWithADigitAreServices() {
        String name = "a".repeat(63);
        assertThat(of("http://" + name + "/")).contains(svc("canaries", name, false, 80));
        assertThat(of("http://x.1ns.svc/")).contains(svc("1ns", "x", false, 80));
        // java.net.URI has no host when the last label starts with a digit: direct (and failing as it would anyway)
        assertThat(of("http://x.1ns/")).isEmpty();
    }

    @Test
    void underscoresMakeNoHostAtAllAndGoDirect() {
        // java.net.URI has no host for a_b: the request fails as it would anyway
        assertThat(of("http://a_b.test/")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "http://podinfo.test.svc/, false, 80",
            "https://podinfo.test.svc/, true, 443",
            "http://podinfo.test.svc:8080/, false, 8080",
            "https://podinfo.test.svc:8443/, true, 8443",
            "https://podinfo.test.svc:80/, true, 80",
            "HTTPS://podinfo.test.svc/, true, 443"})
    void portsAreTheUrlsElseTheSchemesDefault(String url, boolean https, int port) {
        assertThat(of(url)).contains(svc("test", "podinfo", https, port));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://podinfo.test.svc/", "ws://loadtester/", "file:///etc/passwd", "mailto:a@test", "/relative/path"})
    void onlyHttpAndHttpsAreServices(String url) {
        assertThat(of(url)).isEmpty();
    }

    @Test
    void userInfoDoesNotChangeTheService() {
        assertThat(of("http://user:secret@flagger-loadtester.test/")).contains(svc("test", "flagger-loadtester", false, 80));
    }

    @Test
    void aNamespaceThatCannotBeLookedUpFailsNamingTheHost() {
        ClusterServices forbidden = new ClusterServices("cluster.local", ns -> {
            throw new ClusterServiceException("the flagstep role may not get namespace " + ns
                    + " (grant get on namespaces, see docs/cluster-services.md)", false);
        });
        assertThatThrownBy(() -> forbidden.serviceOf(URI.create("http://flagger-loadtester.Test./x"), "canaries"))
                .isInstanceOf(ClusterServiceException.class)
                .hasMessage("cannot tell whether flagger-loadtester.test is a cluster Service: the flagstep role may not get "
                        + "namespace test (grant get on namespaces, see docs/cluster-services.md)")
                .satisfies(e -> assertThat(((ClusterServiceException) e).retryable()).isFalse());
        // no lookup for the other shapes
        assertThat(forbidden.serviceOf(URI.create("http://loadtester/"), "canaries")).isPresent();
        assertThat(forbidden.serviceOf(URI.create("https://hooks.slack.com/"), "canaries")).isEmpty();
    }

    @Test
    void theClusterDomainComesFromTheEnvironment() {
        assertThat(ClusterServices.domainFromEnvironment(Map.of())).isEqualTo("cluster.local");
        assertThat(ClusterServices.domainFromEnvironment(Map.of("FLAGSTEP_CLUSTER_DOMAIN", " "))).isEqualTo("cluster.local");
        assertThat(ClusterServices.domainFromEnvironment(Map.of("FLAGSTEP_CLUSTER_DOMAIN", "Corp.Example"))).isEqualTo("corp.example");
        assertThatThrownBy(() -> ClusterServices.domainFromEnvironment(Map.of("FLAGSTEP_CLUSTER_DOMAIN", "bad_domain")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("environment variable FLAGSTEP_CLUSTER_DOMAIN is 'bad_domain': must be the cluster's DNS domain, "
                        + "such as cluster.local (template parameter ClusterDomain)");
    }

    @Test
    void theAccessModeComesFromTheEnvironment() {
        assertThat(ClusterServiceAccess.fromEnvironment(Map.of())).isEqualTo(ClusterServiceAccess.PROXY);
        assertThat(ClusterServiceAccess.fromEnvironment(Map.of("FLAGSTEP_CLUSTER_SERVICE_ACCESS", "proxy"))).isEqualTo(ClusterServiceAccess.PROXY);
        assertThat(ClusterServiceAccess.fromEnvironment(Map.of("FLAGSTEP_CLUSTER_SERVICE_ACCESS", "Off"))).isEqualTo(ClusterServiceAccess.OFF);
        assertThatThrownBy(() -> ClusterServiceAccess.fromEnvironment(Map.of("FLAGSTEP_CLUSTER_SERVICE_ACCESS", "direct")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("environment variable FLAGSTEP_CLUSTER_SERVICE_ACCESS is 'direct': must be proxy or off "
                        + "(template parameter ClusterServiceAccess)");
    }
}
