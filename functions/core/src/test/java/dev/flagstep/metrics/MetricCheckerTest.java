package dev.flagstep.metrics;

import static dev.flagstep.metrics.Canaries.builtin;
import static dev.flagstep.metrics.Canaries.canary;
import static dev.flagstep.metrics.Canaries.document;
import static dev.flagstep.metrics.Canaries.inline;
import static dev.flagstep.metrics.Canaries.max;
import static dev.flagstep.metrics.Canaries.min;
import static dev.flagstep.metrics.Canaries.prometheusTemplate;
import static dev.flagstep.metrics.Canaries.templated;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.aws.AwsJsonClient;
import dev.flagstep.aws.AwsService;
import dev.flagstep.aws.AwsSettings;
import dev.flagstep.aws.RetryPolicy;
import dev.flagstep.metrics.FakeHttpServer.Reply;
import dev.flagstep.metrics.MetricCheckResult.AllPassed;
import dev.flagstep.metrics.MetricCheckResult.Failed;
import dev.flagstep.metrics.MetricCheckResult.NoValues;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.MetricCheck;
import dev.flagstep.spec.MetricProviderSpec;
import dev.flagstep.spec.MetricTemplate;
import dev.flagstep.spec.ThresholdRange;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class MetricCheckerTest {

    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    private final FakeHttpServer prometheus = new FakeHttpServer();
    private final FakeCloudWatch cloudWatch = new FakeCloudWatch();
    /** Prometheus answers by the first key found in the query. */
    private final Map<String, Reply> answers = new LinkedHashMap<>();
    private final MetricProviders providers = new MetricProviders(
            new MetricProviders.Settings(prometheus.uri(""), Duration.ofSeconds(2)),
            SecretResolver.none(),
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "SECRET")),
            region -> new AwsJsonClient(AwsService.CLOUDWATCH, AwsSettings.of(region,
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "SECRET"))).withRetry(RetryPolicy.none()), cloudWatch.endpoint()),
            Clock.fixed(NOW, ZoneOffset.UTC));
    private final MetricChecker checker = new MetricChecker(providers);

    MetricCheckerTest() {
        prometheus.respond(request -> {
            String query = sentQuery(request);
            return answers.entrySet().stream().filter(e -> query.contains(e.getKey())).map(Map.Entry::getValue).findFirst()
                    .orElse(Reply.json(400, PromJson.error("bad_data", "unexpected query")));
        });
    }

    @AfterEach
    void stop() {
        prometheus.close();
        cloudWatch.close();
    }

    private static String sentQuery(FakeHttpServer.Request request) {
        return URLDecoder.decode(request.uri().getRawQuery().substring("query=".length()), StandardCharsets.UTF_8);
    }

    private List<String> queries() {
        return prometheus.requests().stream().map(MetricCheckerTest::sentQuery).toList();
    }

    private static CanarySpec withMetrics(String provider, MetricCheck... metrics) {
        return canary(Optional.ofNullable(provider), Optional.empty(), List.of(metrics));
    }

    @Test
    void builtinSuccessRateUsesIstioByDefaultWithTheOneMinuteInterval() {
        answers.put("istio_requests_total", Reply.json(200, PromJson.vector("99.5")));

        MetricCheckResult result = checker.check(document(withMetrics(null, builtin("request-success-rate", min(99)))));

        assertThat(result).isEqualTo(new AllPassed(List.of(new MetricValue("request-success-rate", 99.5))));
        assertThat(queries()).singleElement().satisfies(q -> assertThat(q)
                .contains("reporter=\"destination\"", "destination_workload_namespace=\"test\"", "destination_workload=~\"podinfo\"",
                        "response_code!~\"5.*\"", "[1m]", "* 100")
                .doesNotContain("{{", "\n"));
    }

    @Test
    void theMeshProviderChoosesTheQueriesAsFlaggersMeshProviderFlagDoes() {
        answers.put("envoy_cluster_upstream_rq", Reply.json(200, PromJson.vector("100")));
        answers.put("response_total", Reply.json(200, PromJson.vector("100")));
        MetricCheck successRate = builtin("request-success-rate", min(99));

        // no provider on the canary: the installation's (a kuma mesh, as Flagger's own Kuma tests run it)
        assertThat(new MetricChecker(providers, "kuma").check(document(withMetrics(null, successRate))))
                .isInstanceOf(AllPassed.class);
        // a linkerd installation measures every canary that names a provider with Linkerd's metrics
        assertThat(new MetricChecker(providers, "linkerd").check(document(withMetrics("smi:v1alpha1", successRate))))
                .isInstanceOf(AllPassed.class);
        assertThat(queries()).satisfiesExactly(
                q -> assertThat(q).startsWith("sum( rate( envoy_cluster_upstream_rq{ service=~\"podinfo-canary_test_svc_"),
                q -> assertThat(q).startsWith("sum( rate( response_total{ namespace=\"test\""));
    }

    @Test
    void aSuccessRateBelowMinFailsWithFlaggersEvent() {
        answers.put("istio_requests_total", Reply.json(200, PromJson.vector("91.3")));

        MetricCheckResult result = checker.check(document(withMetrics("istio", builtin("request-success-rate", min(99)))));

        assertThat(result).isEqualTo(new Failed("request-success-rate", Optional.of(91.3),
                "request-success-rate 91.30 below min 99",
                "Halt podinfo.test advancement success rate 91.30% < 99%"));
    }

    @Test
    void gatewayApiDurationComesFromTheAppHistogramInSecondsTruncatedToMilliseconds() {
        answers.put("http_request_duration_seconds_bucket", Reply.json(200, PromJson.vector("0.7349")));
        MetricCheck duration = new MetricCheck("request-duration", max(500), Optional.empty(), Optional.of("30s"), Optional.empty(),
                Optional.empty(), Map.of());

        MetricCheckResult result = checker.check(document(withMetrics("gatewayapi:v1", duration)));

        assertThat(result).isEqualTo(new Failed("request-duration", Optional.of(734.0),
                "request-duration 734ms above max 500ms",
                "Halt podinfo.test advancement request duration 734ms > 500ms"));
        assertThat(queries().getFirst()).contains("histogram_quantile(0.99,", "kubernetes_namespace=\"test\"",
                "kubernetes_pod_name=~\"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)\"", "[30s]");
    }

    @Test
    void nginxDurationIsTheAverageInMillisecondsForTheIngress() {
        answers.put("nginx_ingress_controller_ingress_upstream_latency_seconds_sum", Reply.json(200, PromJson.vector("123.9")));
        CanarySpec canary = canary("Deployment", Optional.empty(), Optional.of("podinfo-ingress"), Optional.of("nginx"),
                Optional.empty(), List.of(builtin("request-duration", max(500))), Canaries.NO_EXTRA);

        MetricCheckResult result = checker.check(document(canary));

        assertThat(result).isEqualTo(new AllPassed(List.of(new MetricValue("request-duration", 123))));
        assertThat(queries().getFirst()).contains("ingress=\"podinfo-ingress\"", "_count{", "* 1000");
    }

    @Test
    void builtinAndInlineMetricsRunBeforeTemplateRefMetricsAndAllValuesAreReturned() {
        answers.put("templated_total", Reply.json(200, PromJson.vector("3")));
        answers.put("istio_requests_total", Reply.json(200, PromJson.vector("100")));
        answers.put("inline_total", Reply.json(200, PromJson.vector("7")));
        MetricTemplate template = prometheusTemplate("errors", prometheus.uri("").toString(),
                "sum(templated_total{namespace=\"{{ namespace }}\"}[{{ interval }}])");
        CanarySpec canary = withMetrics(null,
                templated("errors", "errors", max(5), Optional.of("2m"), Map.of()),
                builtin("request-success-rate", min(99)),
                inline("inline", "sum(inline_total)", max(10)));

        MetricCheckResult result = checker.check(document(canary, template));

        assertThat(result).isEqualTo(new AllPassed(List.of(
                new MetricValue("request-success-rate", 100), new MetricValue("inline", 7), new MetricValue("errors", 3))));
        assertThat(queries()).hasSize(3);
        assertThat(queries().get(0)).contains("istio_requests_total");
        assertThat(queries().get(1)).isEqualTo("sum(inline_total)");
        assertThat(queries().get(2)).isEqualTo("sum(templated_total{namespace=\"test\"}[2m])");
    }

    @Test
    void theFirstFailureStopsTheRemainingChecks() {
        answers.put("istio_requests_total", Reply.json(200, PromJson.vector("100")));
        answers.put("inline_total", Reply.json(200, PromJson.vector("70")));
        answers.put("templated_total", Reply.json(200, PromJson.vector("0")));
        MetricTemplate template = prometheusTemplate("errors", prometheus.uri("").toString(), "sum(templated_total)");
        CanarySpec canary = withMetrics(null,
                templated("errors", "errors", max(5), Optional.of("1m"), Map.of()),
                builtin("request-success-rate", min(99)),
                inline("inline", "sum(inline_total)", max(10)),
                builtin("request-duration", max(500)));

        MetricCheckResult result = checker.check(document(canary, template));

        assertThat(result).isEqualTo(new Failed("inline", Optional.of(70.0), "inline 70.00 above max 10",
                "Halt podinfo.test advancement inline 70.00 > 10"));
        assertThat(queries()).hasSize(2);
    }

    @Test
    void anEmptyResultIsNoValuesWithFlaggersTrafficHint() {
        answers.put("istio_requests_total", Reply.json(200, PromJson.vector()));

        MetricCheckResult result = checker.check(document(withMetrics(null, builtin("request-success-rate", min(99)))));

        assertThat(result).isInstanceOfSatisfying(NoValues.class, noValues -> {
            assertThat(noValues.metric()).isEqualTo("request-success-rate");
            assertThat(noValues.message()).contains("no values found", "probably podinfo.test is not receiving traffic");
            // Flagger's text exactly (its ErrNoValuesFound): what the backend answered goes to the message only
            assertThat(noValues.event()).isEqualTo("Halt advancement no values found for istio metric request-success-rate"
                    + " probably podinfo.test is not receiving traffic: no values found");
        });
    }

    @Test
    void aCustomMetricWithoutValuesReadsAsFlaggersEvent() {
        answers.put("templated_total", Reply.json(200, PromJson.vector("NaN")));
        MetricTemplate template = prometheusTemplate("errors", prometheus.uri("").toString(), "sum(templated_total)");
        CanarySpec canary = withMetrics(null, templated("error rate", "errors", max(5), Optional.of("1m"), Map.of()));

        MetricCheckResult result = checker.check(document(canary, template));

        assertThat(result).isInstanceOfSatisfying(NoValues.class, noValues -> {
            assertThat(noValues.event()).isEqualTo("Halt advancement no values found for custom metric: error rate: no values found");
            assertThat(noValues.message()).startsWith("error rate: no values found: ");
        });
    }

    @Test
    void aCloudWatchTemplateWithoutDatapointsReadsAsFlaggersEvent() {
        cloudWatch.answer(in -> FakeCloudWatch.results(List.of(Map.of("Id", "e1", "Values", List.of(), "Timestamps", List.of()))));
        MetricTemplate template = new MetricTemplate("test", "cw", new MetricProviderSpec("cloudwatch", Optional.empty(),
                Optional.empty(), Map.of(), Optional.of("eu-west-1"), false), "[{\"Id\":\"e1\",\"Expression\":\"m1\"}]");

        MetricCheckResult result = checker.check(document(withMetrics(null, templated("cw", "cw", max(1), Optional.of("1m"), Map.of())),
                template));

        assertThat(result).isInstanceOfSatisfying(NoValues.class, noValues -> assertThat(noValues.event())
                .isEqualTo("Halt advancement no values found for custom metric: cw: no values found"));
    }

    @Test
    void everyProviderOnlineIsAvailable() {
        answers.put("vector(1)", Reply.json(200, PromJson.vector("1")));
        cloudWatch.answer(in -> FakeCloudWatch.error(400, "ValidationError", "The parameter MetricDataQueries is required."));
        MetricTemplate template = new MetricTemplate("test", "cw", new MetricProviderSpec("cloudwatch", Optional.empty(),
                Optional.empty(), Map.of(), Optional.of("eu-west-1"), false), "[{\"Id\":\"e1\",\"Expression\":\"m1\"}]");

        Optional<String> problem = checker.providersAvailable(document(withMetrics(null, builtin("request-success-rate", min(99)),
                templated("cw", "cw", max(1), Optional.of("1m"), Map.of())), template));

        assertThat(problem).isEmpty();
        assertThat(queries()).containsExactly("vector(1)");
    }

    @Test
    void aPrometheusThatDoesNotAnswerOneIsNotAvailable() {
        answers.put("vector(1)", Reply.json(200, PromJson.vector("0")));

        Optional<String> problem = checker.providersAvailable(document(withMetrics(null, builtin("request-duration", max(500)))));

        assertThat(problem).contains("prometheus not avaiable: value is not 1 for query: vector(1)");
    }

    @Test
    void aCloudWatchTemplateWithoutPermissionIsNotAvailable() {
        cloudWatch.answer(in -> FakeCloudWatch.error(403, "AccessDeniedException", "not authorized"));
        MetricTemplate template = new MetricTemplate("test", "cw", new MetricProviderSpec("cloudwatch", Optional.empty(),
                Optional.empty(), Map.of(), Optional.of("eu-west-1"), false), "[{\"Id\":\"e1\",\"Expression\":\"m1\"}]");

        Optional<String> problem = checker.providersAvailable(document(withMetrics(null,
                templated("cw", "cw", max(1), Optional.of("1m"), Map.of())), template));

        assertThat(problem).hasValueSatisfying(p -> assertThat(p).startsWith("cloudwatch in metric template cw.test not avaiable: "
                + "unexpected status code: "));
    }

    @Test
    void aMissingTemplateIsNotAvailable() {
        Optional<String> problem = checker.providersAvailable(document(withMetrics(null,
                templated("errors", "nope", max(5), Optional.of("1m"), Map.of()))));

        assertThat(problem).contains("metric template nope.test error: not found in the canary document");
    }

    @Test
    void aServiceTargetUsesTheServiceObserverName() {
        answers.put("istio_request_duration_milliseconds_bucket", Reply.json(200, PromJson.vector("NaN")));
        CanarySpec canary = canary("Service", Optional.empty(), Optional.empty(), Optional.of("istio"), Optional.empty(),
                List.of(builtin("request-duration", max(500))), Canaries.NO_EXTRA);

        MetricCheckResult result = checker.check(document(canary));

        assertThat(result).isInstanceOfSatisfying(NoValues.class, noValues -> assertThat(noValues.event()).isEqualTo(
                "Halt advancement no values found for istio:service metric request-duration probably podinfo.test is not receiving traffic"));
    }

    @Test
    void aPrometheusErrorIsAFailedCheckWithoutValue() {
        answers.put("istio_requests_total", Reply.json(503, PromJson.error("unavailable", "overloaded")));

        MetricCheckResult result = checker.check(document(withMetrics(null, builtin("request-success-rate", min(99)))));

        assertThat(result).isEqualTo(new Failed("request-success-rate", Optional.empty(),
                "request-success-rate query failed: prometheus error response (HTTP 503): unavailable: overloaded",
                "Prometheus query failed: prometheus error response (HTTP 503): unavailable: overloaded"));
    }

    @Test
    void aCustomMetricWithoutThresholdsFailsAboveZero() {
        answers.put("templated_total", Reply.json(200, PromJson.vector("0.5")));
        MetricTemplate template = prometheusTemplate("errors", prometheus.uri("").toString(), "sum(templated_total)");
        CanarySpec canary = withMetrics(null, templated("errors", "errors", ThresholdRange.none(), Optional.of("1m"), Map.of()));

        MetricCheckResult result = checker.check(document(canary, template));

        assertThat(result).isInstanceOfSatisfying(Failed.class, failed -> {
            assertThat(failed.message()).startsWith("errors 0.50 above 0 (no thresholdRange or threshold is set");
            assertThat(failed.event()).isEqualTo("Halt podinfo.test advancement errors 0.50 > 0");
        });
    }

    @Test
    void aMissingTemplateFails() {
        CanarySpec canary = withMetrics(null, templated("errors", "nope", max(5), Optional.of("1m"), Map.of()));

        MetricCheckResult result = checker.check(document(canary));

        assertThat(result).isEqualTo(new Failed("errors", Optional.empty(),
                "errors: metric template nope.test not found in the canary document",
                "Metric template nope.test error: metric template nope.test not found in the canary document"));
    }

    @Test
    void anUnsupportedProviderTypeFailsAtCheckTime() {
        MetricTemplate datadog = new MetricTemplate("test", "dd", new MetricProviderSpec("statsd",
                Optional.of("https://statsd.example.com"), Optional.empty(), Map.of(), Optional.empty(), false), "avg:x{*}");
        CanarySpec canary = withMetrics(null, templated("dd", "dd", max(5), Optional.of("1m"), Map.of()));

        MetricCheckResult result = checker.check(document(canary, datadog));

        assertThat(result).isInstanceOfSatisfying(Failed.class, failed -> {
            assertThat(failed.message()).isEqualTo(
                    "dd: metric provider type 'statsd' of template dd.test is not supported (supported: "
                            + String.join(", ", dev.flagstep.spec.SpecValidator.SUPPORTED_METRIC_PROVIDERS) + ")");
            assertThat(failed.event()).startsWith("Metric template dd.test provider statsd error: ");
        });
    }

    @Test
    void aMissingTemplateVariableFailsNamingIt() {
        MetricTemplate template = prometheusTemplate("latency", prometheus.uri("").toString(),
                "x{direction=\"{{ variables.direction }}\"}");
        CanarySpec canary = withMetrics(null, templated("latency", "latency", max(5), Optional.of("1m"), Map.of("dir", "inbound")));

        MetricCheckResult result = checker.check(document(canary, template));

        assertThat(result).isInstanceOfSatisfying(Failed.class, failed -> {
            assertThat(failed.message()).contains("latency: query template latency.test: template variable \"variables.direction\" is missing");
            assertThat(failed.event()).startsWith("Metric template latency.test query render error: template variable \"variables.direction\"");
        });
        assertThat(prometheus.requests()).isEmpty();
    }

    @Test
    void aTemplateRefMetricGetsNoDefaultInterval() {
        answers.put("rate(x[])", Reply.json(400, PromJson.error("bad_data", "1:8: parse error: missing unit character in duration")));
        MetricTemplate template = prometheusTemplate("rate", prometheus.uri("").toString(), "rate(x[{{ interval }}])");

        checker.check(document(withMetrics(null, templated("rate", "rate", max(5), Optional.empty(), Map.of())), template));

        assertThat(queries()).containsExactly("rate(x[])");
    }

    @Test
    void cloudWatchTemplatesRunThroughGetMetricData() {
        cloudWatch.answer(in -> FakeCloudWatch.results(List.of(Map.of("Id", "e1", "Values", List.of(0.02), "Timestamps", List.of(NOW)))));
        MetricTemplate template = new MetricTemplate("test", "cw-errors", new MetricProviderSpec("cloudwatch", Optional.empty(),
                Optional.empty(), Map.of(), Optional.of("eu-west-1"), false),
                "[{\"Id\":\"e1\",\"Expression\":\"SEARCH('{AWS/ApplicationELB,TargetGroup} {{ target }}', 'Sum', 60)\"}]");

        MetricCheckResult result = checker.check(document(
                withMetrics(null, templated("app error rate", "cw-errors", max(0.1), Optional.of("1m"), Map.of())), template));

        assertThat(result).isEqualTo(new AllPassed(List.of(new MetricValue("app error rate", 0.02))));
        assertThat(cloudWatch.inputs().getFirst().get("StartTime")).isEqualTo(NOW.minus(Duration.ofMinutes(10)));
        assertThat(cloudWatch.inputs().getFirst().get("MetricDataQueries").toString()).contains("TargetGroup} podinfo'");
        assertThat(cloudWatch.lastRequest().header("Authorization")).contains("/eu-west-1/monitoring/");
    }

    @Test
    void aCloudWatchTemplateRefWithoutIntervalFailsClearly() {
        MetricTemplate template = new MetricTemplate("test", "cw", new MetricProviderSpec("cloudwatch", Optional.empty(),
                Optional.empty(), Map.of(), Optional.of("us-east-1"), false), "[{\"Id\":\"e1\",\"Expression\":\"m1\"}]");

        MetricCheckResult result = checker.check(document(withMetrics(null, templated("cw", "cw", max(1), Optional.empty(), Map.of())),
                template));

        assertThat(result).isInstanceOfSatisfying(Failed.class, failed -> assertThat(failed.message())
                .contains("cloudwatch needs the metric's interval", "set metrics[].interval"));
        assertThat(cloudWatch.inputs()).isEmpty();
    }

    @Test
    void theCanarysMetricsServerOverridesTheDefault() {
        try (FakeHttpServer other = new FakeHttpServer()) {
            other.respond(r -> Reply.json(200, PromJson.vector("100")));
            CanarySpec canary = canary(Optional.empty(), Optional.of(other.uri("").toString()),
                    List.of(builtin("request-success-rate", min(99))));

            assertThat(checker.check(document(canary)).passed()).isTrue();
            assertThat(other.requests()).hasSize(1);
            assertThat(prometheus.requests()).isEmpty();
        }
    }

    @Test
    void anInvalidMetricsServerIsAFailedCheckNotACrash() {
        CanarySpec canary = canary(Optional.empty(), Optional.of("http://prom etheus:9090"), List.of(builtin("request-success-rate", min(99))));

        MetricCheckResult result = checker.check(document(canary));

        assertThat(result).isInstanceOfSatisfying(Failed.class, failed ->
                assertThat(failed.message()).contains("spec.metricsServer http://prom etheus:9090 is not a valid URL"));
    }

    @Test
    void noMetricsPasses() {
        assertThat(checker.check(document(withMetrics(null)))).isEqualTo(new AllPassed(List.of()));
    }
}
