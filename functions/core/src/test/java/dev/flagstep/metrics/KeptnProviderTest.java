package dev.flagstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.testing.KubeMockServer;
import dev.flagstep.webhook.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KeptnProviderTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    private final ProviderFixture fixture = new ProviderFixture();
    private final List<Duration> sleeps = new ArrayList<>();
    /** The Analyses seen while polling (before they are deleted). */
    private final List<ObjectNode> seen = new ArrayList<>();

    @AfterEach
    void stop() {
        fixture.close();
    }

    private static void metric(String namespace, String name, String status) {
        kube.apply(ResourceKind.KEPTN_METRIC, """
                metadata: {name: %s, namespace: %s}
                spec: {provider: {name: prometheus}, query: 'sum(rate(http_requests_total[1m]))', fetchIntervalSeconds: 10}
                %s""".formatted(name, namespace, status));
    }

    /** A sleeper standing in for Keptn: on the {@code completeAt}-th poll, the Analysis completes with {@code pass}. */
    private KeptnProvider keptn(String namespace, int completeAt, Optional<Boolean> pass) {
        Sleeper sleeper = d -> {
            sleeps.add(d);
            List<ObjectNode> analyses = kube.client().list(ResourceKind.KEPTN_ANALYSIS, Optional.of(namespace));
            seen.addAll(analyses);
            if (sleeps.size() == completeAt && pass.isPresent()) {
                for (ObjectNode a : analyses) {
                    kube.client().edit(ResourceKind.KEPTN_ANALYSIS.ref(namespace, a.path("metadata").path("name").asText()),
                            o -> o.putObject("status").put("state", "Completed").put("pass", pass.get()));
                }
            }
        };
        return new KeptnProvider(kube::client, sleeper);
    }

    @Test
    void aKeptnMetricsStringValueIsReadFromAnyNamespace() {
        metric("keptn-lifecycle", "response-time", "status: {value: '12.5', rawValue: 'MTIuNQ=='}");

        MetricProvider provider = fixture.provider("keptn", Optional.empty(), Optional.empty(), Map.of(), kube::client);

        assertThat(provider.query("KeptnMetric/keptn-lifecycle/Response-Time\n", Optional.of("1m"))).isEqualTo(12.5);
        assertThat(provider.query("keptnmetrics/keptn-lifecycle/response-time", Optional.empty())).isEqualTo(12.5);
    }

    @Test
    void aKeptnMetricWithoutValueOrWithAnUnparsableOneIsAnErrorNotNoValues() {
        metric("test", "empty", "");
        metric("test", "words", "status: {value: 'twelve'}");
        KeptnProvider provider = keptn("test", 1, Optional.empty());

        assertThatThrownBy(() -> provider.query("keptnmetric/test/empty", Optional.empty())).isExactlyInstanceOf(MetricQueryException.class)
                .hasMessage("could not retrieve KeptnMetric - no value found in resource test/empty");
        assertThatThrownBy(() -> provider.query("keptnmetric/test/words", Optional.empty()))
                .hasMessageStartingWith("could not parse value of KeptnMetric test/words to float");
        assertThatThrownBy(() -> provider.query("keptnmetric/test/missing", Optional.empty()))
                .hasMessageStartingWith("could not retrieve KeptnMetric test/missing: ");
    }

    @Test
    void anAnalysisIsCreatedPolledEverySecondUntilCompletedThenDeleted() {
        double value = keptn("test", 3, Optional.of(true)).query("analysis/test/error-rate/5m/workload=podinfo;x=y;bad", Optional.empty());

        assertThat(value).isEqualTo(1);
        assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
        ObjectNode created = seen.get(0);
        assertThat(created.path("metadata").path("name").asText()).matches("error-rate-[0-9a-f]{6}");
        assertThat(created.path("spec").toString()).isEqualTo(
                "{\"analysisDefinition\":{\"name\":\"error-rate\"},\"timeframe\":{\"recent\":\"5m\"},\"args\":{\"workload\":\"podinfo\",\"x\":\"y\"}}");
        assertThat(kube.client().list(ResourceKind.KEPTN_ANALYSIS, Optional.of("test"))).isEmpty();
    }

    @Test
    void aFailedAnalysisIsZeroAndTheDurationDefaultsToOneMinute() {
        double value = keptn("test", 1, Optional.of(false)).query("analyses/test/error-rate", Optional.empty());

        assertThat(value).isZero();
        assertThat(seen.get(0).path("spec").path("timeframe").path("recent").asText()).isEqualTo("1m");
        assertThat(seen.get(0).path("spec").path("args").isEmpty()).isTrue();
        assertThat(kube.client().list(ResourceKind.KEPTN_ANALYSIS, Optional.of("test"))).isEmpty();
    }

    /** Keptn's status has {@code pass} with omitempty: a failed Analysis is Completed with no {@code pass} at all. */
    @Test
    void aCompletedAnalysisWithoutPassIsAFailureReadAtOnce() {
        Sleeper keptn = d -> {
            sleeps.add(d);
            for (ObjectNode a : kube.client().list(ResourceKind.KEPTN_ANALYSIS, Optional.of("test"))) {
                kube.client().edit(ResourceKind.KEPTN_ANALYSIS.ref("test", a.path("metadata").path("name").asText()),
                        o -> o.putObject("status").put("state", "Completed").put("raw", "{\"pass\":false}"));
            }
        };

        assertThat(new KeptnProvider(kube::client, keptn).query("analysis/test/error-rate", Optional.empty())).isZero();
        assertThat(sleeps).hasSize(1);
        assertThat(kube.client().list(ResourceKind.KEPTN_ANALYSIS, Optional.of("test"))).isEmpty();
    }

    @Test
    void anAnalysisNeverCompletedTimesOutAfterTenPollsAndIsStillDeleted() {
        assertThatThrownBy(() -> keptn("test", 0, Optional.empty()).query("analysis/test/error-rate", Optional.empty()))
                .isExactlyInstanceOf(MetricQueryException.class)
                .hasMessage("encountered timeout while waiting for Keptn Analysis test/error-rate to be finished");

        assertThat(sleeps).hasSize(10);
        assertThat(seen).isNotEmpty();
        assertThat(kube.client().list(ResourceKind.KEPTN_ANALYSIS, Optional.of("test"))).isEmpty();
    }

    /** The factory hands the keptn provider the sleeper it was given (the phases' clock), not real sleeps. */
    @Test
    void theProvidersFactoryPollsOnTheSleeperItIsGiven() {
        MetricProviders providers = new MetricProviders(MetricProviders.Settings.defaults(), SecretResolver.none(),
                SecretScope.unprefixed(), dev.flagstep.net.AddressGuard.local(), dev.flagstep.net.ServiceRouter.direct(),
                software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create(), region -> {
                    throw new AssertionError("no CloudWatch here");
                }, java.time.Clock.systemUTC(), kube::client, sleeps::add);
        MetricProvider keptn = providers.forTemplate("test", new dev.flagstep.spec.MetricTemplate("t", "test",
                new dev.flagstep.spec.MetricProviderSpec("keptn", Optional.empty(), Optional.empty(), Map.of(), Optional.empty(), false),
                "analysis/test/never"));

        assertThatThrownBy(() -> keptn.query("analysis/test/never", Optional.empty()))
                .hasMessage("encountered timeout while waiting for Keptn Analysis test/never to be finished");
        assertThat(sleeps).hasSize(10).allMatch(Duration.ofSeconds(1)::equals);
    }

    @Test
    void malformedQueriesAreFlaggersErrors() {
        KeptnProvider provider = keptn("test", 1, Optional.empty());
        assertThatThrownBy(() -> provider.query("keptnmetric/test", Optional.empty())).hasMessage("unexpected query format. query must "
                + "be in the format <keptnmetric|analysis>/<namespace>/<resourceName>/<duration>/<arguments>");
        assertThatThrownBy(() -> provider.query("metric/test/x", Optional.empty()))
                .hasMessage("unexpected resource kind provided in the query. must be one of: ['keptnmetric', 'analysis']");
        assertThatThrownBy(() -> provider.query("keptnmetric/te st/x", Optional.empty())).isExactlyInstanceOf(MetricQueryException.class)
                .hasMessageStartingWith("could not query Keptn te st/x: ");
    }

    @Test
    void isOnlineIsAlwaysTrue() {
        keptn("test", 1, Optional.empty()).checkOnline();
        fixture.provider("keptn", Optional.empty(), Optional.empty(), Map.of(), () -> {
            throw new AssertionError("IsOnline asks nothing");
        }).checkOnline();
    }
}
