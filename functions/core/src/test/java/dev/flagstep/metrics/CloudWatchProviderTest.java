package dev.flagstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.aws.AwsJsonClient;
import dev.flagstep.aws.AwsService;
import dev.flagstep.aws.AwsSettings;
import dev.flagstep.aws.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class CloudWatchProviderTest {

    static final Instant NOW = Instant.parse("2026-11-24T10:00:00.250Z");

    /** The example from Flagger's docs: an error rate from two metrics, only the expression returned. */
    static final String ERROR_RATE_QUERY = """
            [
                {"Id": "e1", "Expression": "m1 / m2", "Label": "ErrorRate"},
                {"Id": "m1", "MetricStat": {"Metric": {"Namespace": "MyKubernetesCluster", "MetricName": "ErrorCount",
                    "Dimensions": [{"Name": "appName", "Value": "podinfo.test"}]}, "Period": 60, "Stat": "Sum", "Unit": "Count"},
                 "ReturnData": false},
                {"Id": "m2", "MetricStat": {"Metric": {"Namespace": "MyKubernetesCluster", "MetricName": "RequestCount",
                    "Dimensions": [{"Name": "appName", "Value": "podinfo.test"}]}, "Period": 60, "Stat": "Sum", "Unit": "Count"},
                 "ReturnData": false}
            ]
            """;

    private final FakeCloudWatch cloudWatch = new FakeCloudWatch();
    private final AwsJsonClient client = new AwsJsonClient(AwsService.CLOUDWATCH, AwsSettings.of("us-east-1",
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "SECRET"))).withRetry(RetryPolicy.none()),
            cloudWatch.endpoint());
    private final CloudWatchProvider provider = new CloudWatchProvider(client, Clock.fixed(NOW, ZoneOffset.UTC));

    @AfterEach
    void stop() {
        cloudWatch.close();
    }

    private static Map<String, Object> result(String id, List<Double> values) {
        return Map.of("Id", id, "Label", id, "StatusCode", "Complete",
                "Timestamps", values.stream().map(v -> (Object) NOW.minusSeconds(60L * values.indexOf(v))).toList(),
                "Values", values);
    }

    @Test
    void sendsGetMetricDataOverTenIntervalsAndPicksTheFirstValueOfTheFirstResult() {
        cloudWatch.answer(in -> FakeCloudWatch.results(List.of(
                result("e1", List.of(0.02, 0.5, 0.7)),
                result("other", List.of(9.0)))));

        double value = provider.query(ERROR_RATE_QUERY, Optional.of("1m"));

        assertThat(value).isEqualTo(0.02);
        Map<String, Object> input = cloudWatch.inputs().getFirst();
        assertThat(input.get("EndTime")).isEqualTo(NOW);
        assertThat(input.get("StartTime")).isEqualTo(NOW.minus(Duration.ofMinutes(10)));
        assertThat(input.get("MaxDatapoints")).isEqualTo(20L);
        assertThat(input.get("MetricDataQueries")).isEqualTo(List.of(
                Map.of("Id", "e1", "Expression", "m1 / m2", "Label", "ErrorRate"),
                Map.of("Id", "m1", "ReturnData", false, "MetricStat", Map.of(
                        "Metric", Map.of("Namespace", "MyKubernetesCluster", "MetricName", "ErrorCount",
                                "Dimensions", List.of(Map.of("Name", "appName", "Value", "podinfo.test"))),
                        "Period", 60L, "Stat", "Sum", "Unit", "Count")),
                Map.of("Id", "m2", "ReturnData", false, "MetricStat", Map.of(
                        "Metric", Map.of("Namespace", "MyKubernetesCluster", "MetricName", "RequestCount",
                                "Dimensions", List.of(Map.of("Name", "appName", "Value", "podinfo.test"))),
                        "Period", 60L, "Stat", "Sum", "Unit", "Count"))));
        // the signer uses its own clock: the scope must carry the day of the request's own X-Amz-Date,
        // never a day written into the test (that failed on every later day)
        String signedAt = cloudWatch.lastRequest().header("X-Amz-Date");
        assertThat(signedAt).matches("\\d{8}T\\d{6}Z");
        assertThat(cloudWatch.lastRequest().header("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKID/" + signedAt.substring(0, 8) + "/us-east-1/monitoring/aws4_request");
    }

    @Test
    void theWindowIsTenTimesTheInterval() {
        cloudWatch.answer(in -> FakeCloudWatch.results(List.of(result("e1", List.of(1.0)))));

        provider.query("[{\"Id\":\"e1\",\"Expression\":\"SUM(METRICS())\"}]", Optional.of("1m30s"));

        assertThat(cloudWatch.inputs().getFirst().get("StartTime")).isEqualTo(NOW.minus(Duration.ofMinutes(15)));
    }

    @Test
    void fieldNamesMatchCaseInsensitivelyLikeGoJson() {
        cloudWatch.answer(in -> FakeCloudWatch.results(List.of(result("e1", List.of(3.0)))));

        provider.query("[{\"id\":\"e1\",\"expression\":\"m1\",\"returnData\":true,\"Unknown\":1}]", Optional.of("1m"));

        assertThat(cloudWatch.inputs().getFirst().get("MetricDataQueries"))
                .isEqualTo(List.of(Map.of("Id", "e1", "Expression", "m1", "ReturnData", true)));
    }

    @Test
    void noResultsIsNoValuesFound() {
        cloudWatch.answer(in -> FakeCloudWatch.results(List.of()));

        assertThatThrownBy(() -> provider.query(ERROR_RATE_QUERY, Optional.of("1m")))
                .isInstanceOf(NoValuesFoundException.class)
                .hasMessageContaining("no MetricDataResults");
    }

    @Test
    void aFirstResultWithoutDatapointsIsNoValuesFound() {
        cloudWatch.answer(in -> FakeCloudWatch.results(List.of(result("e1", List.of()), result("m1", List.of(5.0)))));

        assertThatThrownBy(() -> provider.query(ERROR_RATE_QUERY, Optional.of("1m")))
                .isInstanceOf(NoValuesFoundException.class)
                .hasMessageContaining("no datapoints for e1 between 2026-11-24T09:50:00.250Z and 2026-11-24T10:00:00.250Z");
    }

    @Test
    void aMissingIntervalIsAClearErrorAndNoRequestIsMade() {
        assertThatThrownBy(() -> provider.query(ERROR_RATE_QUERY, Optional.empty()))
                .isExactlyInstanceOf(MetricQueryException.class)
                .hasMessageContaining("set metrics[].interval, e.g. 1m")
                .hasMessageContaining("templateRef metrics get no default");
        assertThat(cloudWatch.inputs()).isEmpty();
    }

    @Test
    void anUnparsableIntervalIsFlaggersError() {
        assertThatThrownBy(() -> provider.query(ERROR_RATE_QUERY, Optional.of("1 minute")))
                .isExactlyInstanceOf(MetricQueryException.class)
                .hasMessageStartingWith("error parsing metric interval");
    }

    @Test
    void aQueryThatIsNotAJsonArrayIsAnError() {
        assertThatThrownBy(() -> provider.query("{\"Id\":\"e1\"}", Optional.of("1m")))
                .isExactlyInstanceOf(MetricQueryException.class)
                .hasMessageContaining("expected a JSON array of MetricDataQuery objects");
        assertThatThrownBy(() -> provider.query("[{\"Id\":", Optional.of("1m")))
                .isExactlyInstanceOf(MetricQueryException.class)
                .hasMessageStartingWith("error unmarshaling query: not JSON");
    }

    @Test
    void aServiceErrorIsAQueryError() {
        cloudWatch.answer(in -> FakeCloudWatch.error(400, "InvalidParameterValueException", "The expression m1 / m3 is invalid"));

        assertThatThrownBy(() -> provider.query(ERROR_RATE_QUERY, Optional.of("1m")))
                .isExactlyInstanceOf(MetricQueryException.class)
                .hasMessageStartingWith("error requesting cloudwatch:")
                .hasMessageContaining("The expression m1 / m3 is invalid");
    }
}
