package dev.flagstep.phases.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.kubernetes.EksAccess;
import dev.flagstep.kubernetes.ServiceProxy;
import dev.flagstep.net.Route;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/** FLAGSTEP_CLUSTER_SERVICE_ACCESS and FLAGSTEP_CLUSTER_DOMAIN choose how the Lambdas reach cluster Services. */
class ClusterServiceWiringTest {

    private static final Clock CLOCK = Clock.systemUTC();
    /** Never asked for a client here: building one would need a cluster. */
    private static final EksAccess EKS = new EksAccess(Map.of(), AnonymousCredentialsProvider.create(), CLOCK, Optional.empty());

    @Test
    void proxyIsTheDefault() {
        assertThat(LambdaWiring.router(Map.of(), EKS, CLOCK)).isInstanceOf(ServiceProxy.class);
        assertThat(LambdaWiring.router(Map.of("FLAGSTEP_CLUSTER_SERVICE_ACCESS", "proxy", "FLAGSTEP_CLUSTER_DOMAIN", "corp.internal"),
                EKS, CLOCK)).isInstanceOf(ServiceProxy.class);
    }

    @Test
    void offSendsEveryUrlDirectly() {
        var router = LambdaWiring.router(Map.of("FLAGSTEP_CLUSTER_SERVICE_ACCESS", "off"), EKS, CLOCK);
        assertThat(router.route(URI.create("http://flagger-loadtester.test.svc/"), "test")).isInstanceOf(Route.Direct.class);
    }

    @Test
    void aPublicUrlNeverAsksForTheClusterClient() {
        // the client would fail (no CLUSTER_NAME): a public URL must not need it
        var router = LambdaWiring.router(Map.of(), EKS, CLOCK);
        assertThat(router.route(URI.create("https://hooks.slack.com/services/x"), "test")).isInstanceOf(Route.Direct.class);
    }

    @Test
    void badValuesAreClearErrorsNamingTheVariable() {
        assertThatThrownBy(() -> LambdaWiring.router(Map.of("FLAGSTEP_CLUSTER_SERVICE_ACCESS", "endpoints"), EKS, CLOCK))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("FLAGSTEP_CLUSTER_SERVICE_ACCESS is 'endpoints'");
        assertThatThrownBy(() -> LambdaWiring.router(Map.of("FLAGSTEP_CLUSTER_DOMAIN", "cluster local"), EKS, CLOCK))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("FLAGSTEP_CLUSTER_DOMAIN is 'cluster local'");
    }

    @Test
    void aClusterUrlWithoutAClusterFailsClearly() {
        var router = LambdaWiring.router(Map.of(), EKS, CLOCK);
        assertThatThrownBy(() -> router.route(URI.create("http://loadtester/"), "test"))
                .hasMessageStartingWith("cannot reach service loadtester.test through the Kubernetes API server: ");
    }
}
