package dev.flagstep.metrics;

import static dev.flagstep.metrics.Canaries.canary;
import static dev.flagstep.metrics.Canaries.document;
import static dev.flagstep.metrics.Canaries.max;
import static dev.flagstep.metrics.Canaries.templated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.metrics.FakeHttpServer.Reply;
import dev.flagstep.metrics.MetricCheckResult.AllPassed;
import dev.flagstep.metrics.MetricCheckResult.Failed;
import dev.flagstep.net.AddressGuard;
import dev.flagstep.spec.MetricProviderSpec;
import dev.flagstep.spec.MetricTemplate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/** A canary's secret references resolve to {@code {SecretsPrefix}{its namespace}/{name}} and nowhere else. */
class SecretScopeTest {

    private final FakeHttpServer prometheus = new FakeHttpServer();
    private final List<String> resolved = new ArrayList<>();
    private final SecretResolver store = id -> {
        resolved.add(id);
        return Map.of("token", "token-of-" + id);
    };
    private final MetricChecker checker = new MetricChecker(new MetricProviders(
            new MetricProviders.Settings(prometheus.uri(""), Duration.ofSeconds(2)), store, new SecretScope("flagstep/"),
            AddressGuard.local(), AnonymousCredentialsProvider.create(), region -> {
                throw new AssertionError("no CloudWatch here");
            }, Clock.systemUTC()));

    SecretScopeTest() {
        prometheus.respond(request -> Reply.json(200, PromJson.vector("0.5")));
    }

    @AfterEach
    void stop() {
        prometheus.close();
    }

    private MetricTemplate template(String namespace, String secretRef) {
        return new MetricTemplate(namespace, "errors", new MetricProviderSpec("prometheus", Optional.of(prometheus.uri("").toString()),
                Optional.of(secretRef), Map.of(), Optional.empty(), false), "sum(errors_total)");
    }

    @Test
    void aTemplateSecretIsTheCanarysNamespacesSecretUnderThePrefix() {
        var metric = templated("errors", "errors", max(1), Optional.of("1m"), Map.of());
        MetricCheckResult result = checker.check(document(canary(Optional.empty(), Optional.empty(), List.of(metric)),
                template("test", "prom-auth")));

        assertThat(result).isInstanceOf(AllPassed.class);
        assertThat(resolved).containsExactly("flagstep/test/prom-auth");
        assertThat(prometheus.requests().getFirst().header("Authorization")).isEqualTo("Bearer token-of-flagstep/test/prom-auth");
    }

    @Test
    void aTemplateClaimingAnotherNamespaceStillReadsTheCanarysOwnSecret() {
        // the template is part of the canary's own document: its metadata.namespace proves nothing
        var metric = new dev.flagstep.spec.MetricCheck("errors", max(1), Optional.empty(), Optional.of("1m"), Optional.empty(),
                Optional.of(new dev.flagstep.spec.TemplateRef("errors", Optional.of("team-b"))), Map.of());
        checker.check(document(canary(Optional.empty(), Optional.empty(), List.of(metric)), template("team-b", "prom-auth")));

        assertThat(resolved).containsExactly("flagstep/test/prom-auth");
    }

    @Test
    void aStoredReferenceToAnotherNamespaceFailsTheCheckWithoutReadingAnything() {
        var metric = templated("errors", "errors", max(1), Optional.of("1m"), Map.of());
        MetricCheckResult result = checker.check(document(canary(Optional.empty(), Optional.empty(), List.of(metric)),
                template("test", "../team-b/prom-auth")));

        assertThat(result).isInstanceOfSatisfying(Failed.class, f -> assertThat(f.message())
                .contains("secret reference \"../team-b/prom-auth\" is not a bare secret name"));
        assertThat(resolved).isEmpty();
        assertThat(prometheus.requests()).isEmpty();
    }

    @Test
    void secretIds() {
        SecretScope scope = new SecretScope("flagstep/");
        assertThat(scope.secretId("test", "hmac")).isEqualTo("flagstep/test/hmac");
        assertThat(SecretScope.unprefixed().secretId("test", "prom-auth")).isEqualTo("test/prom-auth");
        assertThatThrownBy(() -> scope.secretId("test", "arn:aws:secretsmanager:us-east-1:1:secret:x"))
                .isInstanceOf(MetricQueryException.class).hasMessageContaining("is not a bare secret name");
        assertThatThrownBy(() -> scope.secretId("test", "team-b/hmac")).isInstanceOf(MetricQueryException.class);
        assertThatThrownBy(() -> scope.secretId("../x", "hmac")).isInstanceOf(MetricQueryException.class)
                .hasMessageContaining("is not a Kubernetes namespace");
    }

    @Test
    void theAwsScopeRefusesAnEmptyPrefix() {
        assertThat(SecretScope.fromEnvironment(Map.of("SECRETS_PREFIX", "flagstep/")).prefix()).isEqualTo("flagstep/");
        assertThatThrownBy(() -> SecretScope.fromEnvironment(Map.of())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SECRETS_PREFIX is not set or empty");
        assertThatThrownBy(() -> SecretScope.fromEnvironment(Map.of("SECRETS_PREFIX", " "))).isInstanceOf(IllegalStateException.class);
    }
}
