package dev.flagstep.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.net.ClusterServiceException;
import dev.flagstep.testing.FakeApiServer;
import dev.flagstep.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KubeNamespacesTest {

    private final FakeApiServer api = FakeApiServer.start("tok").namespace("test").forbidNamespaceGet("secret");
    private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final KubeNamespaces namespaces = new KubeNamespaces(() -> api.client(Duration.ofSeconds(5)), clock);

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void anExistingNamespaceIsRememberedForTenMinutes() {
        assertThat(namespaces.exists("test")).isTrue();
        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertThat(namespaces.exists("test")).isTrue();
        assertThat(api.namespaceGets()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(namespaces.exists("test")).isTrue();
        assertThat(api.namespaceGets()).isEqualTo(2);
    }

    @Test
    void aMissingNamespaceIsRememberedForThirtySeconds() {
        assertThat(namespaces.exists("com")).isFalse();
        clock.advance(Duration.ofSeconds(29));
        assertThat(namespaces.exists("com")).isFalse();
        assertThat(api.namespaceGets()).isEqualTo(1);
        api.namespace("com");
        clock.advance(Duration.ofSeconds(1));
        assertThat(namespaces.exists("com")).isTrue();
        assertThat(api.namespaceGets()).isEqualTo(2);
    }

    @Test
    void aForbiddenLookupIsAClearFinalErrorAndNotRemembered() {
        assertThatThrownBy(() -> namespaces.exists("secret"))
                .isInstanceOf(ClusterServiceException.class)
                .hasMessage("the flagstep role may not get namespace secret (grant get on namespaces, see docs/cluster-services.md)")
                .satisfies(e -> assertThat(((ClusterServiceException) e).retryable()).isFalse());
        assertThatThrownBy(() -> namespaces.exists("secret")).isInstanceOf(ClusterServiceException.class);
        assertThat(api.namespaceGets()).isEqualTo(2);
    }

    @Test
    void anUnreachableApiIsRetryable() {
        api.close();
        KubeNamespaces down = new KubeNamespaces(() -> new KubeClient(api.client(Duration.ofSeconds(1)).endpoint(), pause -> { }), clock);
        assertThatThrownBy(() -> down.exists("test"))
                .isInstanceOf(ClusterServiceException.class)
                .hasMessageStartingWith("looking up namespace test failed: GET Namespace test: cannot connect to the Kubernetes API")
                .satisfies(e -> assertThat(((ClusterServiceException) e).retryable()).isTrue());
    }
}
