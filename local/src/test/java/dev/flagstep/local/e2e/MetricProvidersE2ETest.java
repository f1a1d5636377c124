package dev.flagstep.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.testing.FakeSignalFlow;
import dev.flagstep.testing.WebhookReceiver;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each of Flagger's HTTP metric providers judging a rollout: a templateRef metric against a fake of the
 * provider on the test receiver, reached as a cluster Service through the simulated API server's proxy
 * ({@code http://flagger-loadtester.e2e/<prefix>}) or, for an {@code Authorization} credential the proxy
 * would strip, at its loopback address. The secret {@code provider-keys} comes from the environment the
 * build sets (local/pom.xml), as the local runtime reads secrets.
 */
class MetricProvidersE2ETest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static RolloutHarness h;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    /**
     * A provider under test: its template's {@code provider} block (given the receiver's proxied and loopback
     * base URLs), its query, the answers the fake gives (path to reply) and what every request must carry.
     */
    record Case(String name, Function<String[], String> provider, String query, Map<String, Reply> answers,
            String method, Map<String, String> headers) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String DD_SERIES = "{\"series\": [{\"pointlist\": [[1772359200000, 0.5], [1772359260000, 9]]}]}";
    private static final String INFLUX_CSV = "#datatype,string,long,double\r\n#group,false,false,false\r\n#default,_result,,\r\n"
            + ",result,table,_value\r\n,,0,0.5\r\n\r\n";

    static Stream<Case> providers() {
        return Stream.of(
                new Case("datadog", b -> "type: datadog\n    address: " + b[0] + "/datadog\n    secretRef: {name: provider-keys}",
                        "sum:requests.errors{service:podinfo}.as_count()",
                        Map.of("/datadog/api/v1/query", json(DD_SERIES), "/datadog/api/v1/validate", json("{\"valid\": true}")),
                        "GET", Map.of("dd-api-key", "dd-api", "dd-application-key", "dd-app")),
                new Case("newrelic", b -> "type: newrelic\n    address: " + b[0] + "/newrelic\n    secretRef: {name: provider-keys}",
                        "SELECT percentage(count(*), WHERE error IS true) FROM Transaction",
                        Map.of("/newrelic/v1/accounts/42/query", json("{\"results\": [{\"result\": 0.5}]}")),
                        "GET", Map.of("x-query-key", "nr-key")),
                new Case("dynatrace", b -> "type: dynatrace\n    address: " + b[1] + "/dynatrace\n    secretRef: {name: provider-keys}",
                        "builtin:service.errors.total.rate:avg",
                        Map.of("/dynatrace/api/v2/metrics/query", json("{\"result\": [{\"data\": [{\"values\": [0.5]}]}]}"),
                                "/dynatrace/api/v2/metrics", json("{\"totalCount\": 1}")),
                        "GET", Map.of("authorization", "Api-Token dt-token")),
                new Case("graphite", b -> "type: graphite\n    address: " + b[0] + "/graphite",
                        "target=summarize(podinfo.errors, '1min', 'sum', false)&from=-1min",
                        Map.of("/graphite/render", json("[{\"target\": \"x\", \"datapoints\": [[0.5, 1772359200], [null, 1772359260]]}]")),
                        "GET", Map.of()),
                new Case("influxdb", b -> "type: influxdb\n    address: " + b[0] + "/influxdb",
                        "from(bucket: \"k6\") |> range(start: -1m) |> mean()",
                        Map.of("/influxdb/api/v2/query", new Reply(200, INFLUX_CSV, Map.of("Content-Type", "text/csv"),
                                java.time.Duration.ZERO, java.time.Duration.ZERO)),
                        "POST", Map.of("content-type", "application/json")));
    }

    private static Reply json(String body) {
        return Reply.status(200).body(body).header("Content-Type", "application/json");
    }

    private static String canary(String name, String templateProvider, String query) {
        return CanaryYaml.named(name).metricsServer(h.hooksUrl()).analysis("""
                    interval: 10s
                    threshold: 1
                    stepWeight: 50
                    maxWeight: 50
                    metrics:
                      - name: errors
                        templateRef:
                          name: %s-errors
                        thresholdRange:
                          max: 1
                        interval: 1m
                """.formatted(name)) + """
                ---
                apiVersion: flagger.app/v1beta1
                kind: MetricTemplate
                metadata:
                  name: %s-errors
                  namespace: e2e
                spec:
                  provider:
                    %s
                  query: '%s'
                """.formatted(name, templateProvider, query.replace("'", "''"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void aTemplateMetricOfTheProviderJudgesTheRolloutToPromotion(Case c) throws Exception {
        c.answers().forEach((path, reply) -> h.hooks.script(path, reply));
        String[] bases = {h.hooksUrl(), h.hooks.url("").toString().replaceAll("/$", "")};
        CanaryDocument doc = h.canary(canary("m-" + c.name(), c.provider().apply(bases), c.query()));

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        assertThat(h.runWeights(doc, rollout)).containsExactly(50, 0);
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(h.messages(doc.canary().id())).contains("Promotion completed! Scaling down m-" + c.name() + ".e2e")
                .noneMatch(m -> m.startsWith("Halt") || m.contains("not avaiable"));
        List<WebhookReceiver.Request> sent = h.hooks.requests().stream()
                .filter(r -> r.path().startsWith("/" + c.name() + "/")).toList();
        // the availability check, then the metric of the analysis tick
        assertThat(sent).hasSizeGreaterThanOrEqualTo(2);
        assertThat(sent).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo(c.method());
            c.headers().forEach((k, v) -> assertThat(r.header(k)).as(k).contains(v));
        });
        assertThat(sent).extracting(WebhookReceiver.Request::path).containsAnyElementsOf(c.answers().keySet());
    }

    /** SignalFlow is a WebSocket API: its fake is a server of its own, at a loopback (direct) address. */
    @Test
    void aSplunkSignalFlowMetricJudgesTheRolloutToPromotion() throws Exception {
        try (FakeSignalFlow signalflow = new FakeSignalFlow()) {
            signalflow.answer(FakeSignalFlow.Script.data(List.of(List.of(FakeSignalFlow.Point.ofDouble(3, 0.25)))));
            CanaryDocument doc = h.canary(canary("m-splunk", "type: splunk\n    address: " + signalflow.address()
                    + "\n    secretRef: {name: provider-keys}", "data('requests.errors').sum().publish()"));

            Execution rollout = h.deployNewRevision(doc);
            h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

            assertThat(h.runWeights(doc, rollout)).containsExactly(50, 0);
            assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
            // the online checks, then the analysis tick's computation
            assertThat(signalflow.requests()).extracting(r -> r.getPath())
                    .containsSubsequence("/v2/metric?limit=1", "/v2/signalflow/connect");
            assertThat(signalflow.requests().getFirst().getHeader("X-SF-Token")).isEqualTo("sf-token");
            assertThat(signalflow.texts()).startsWith("{\"type\":\"authenticate\",\"token\":\"sf-token\"}");
            assertThat(signalflow.texts().get(1)).contains("\"program\":\"data('requests.errors').sum().publish()\"");
        }
    }

    /** A KeptnMetric of another namespace, read from the simulated cluster (Keptn's controller would fill its status). */
    @Test
    void aKeptnMetricJudgesTheRolloutToPromotion() throws Exception {
        ObjectNode metric = JSON.createObjectNode().put("apiVersion", "metrics.keptn.sh/v1beta1").put("kind", "KeptnMetric");
        metric.putObject("metadata").put("name", "podinfo-errors").put("namespace", "keptn-lifecycle");
        metric.putObject("spec").put("query", "sum(rate(errors[1m]))").putObject("provider").put("name", "prometheus");
        metric.putObject("status").put("value", "0.5");
        h.sim.client().create(ResourceKind.KEPTN_METRIC, metric);
        CanaryDocument doc = h.canary(canary("m-keptn", "type: keptn", "keptnmetric/keptn-lifecycle/podinfo-errors"));

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        assertThat(h.runWeights(doc, rollout)).containsExactly(50, 0);
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(h.messages(doc.canary().id())).contains("Promotion completed! Scaling down m-keptn.e2e");
    }

    /**
     * The External Metrics API of the simulated cluster: its store answers a GET of
     * {@code /apis/external.metrics.k8s.io/v1beta1/namespaces/e2e/<metric>} as a list of what was stored there,
     * which is the shape of an ExternalMetricValueList; the availability check lists {@code kube-system/dummy-metric}.
     */
    @Test
    void anExternalMetricJudgesTheRolloutToPromotion() throws Exception {
        ResourceKind values = new ResourceKind("external.metrics.k8s.io", "v1beta1", "ExternalMetricValue", "podinfo-error-rate");
        ObjectNode value = JSON.createObjectNode().put("apiVersion", values.apiVersion()).put("kind", values.kind())
                .put("metricName", "podinfo-error-rate").put("timestamp", "2026-03-01T10:00:00Z").put("value", "500m");
        value.putObject("metadata").put("name", "podinfo").put("namespace", "e2e");
        h.sim.client().create(values, value);
        CanaryDocument doc = h.canary(canary("m-external", "type: externalmetrics", "e2e/podinfo-error-rate"));

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        assertThat(h.runWeights(doc, rollout)).containsExactly(50, 0);
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(h.messages(doc.canary().id())).contains("Promotion completed! Scaling down m-external.e2e")
                .noneMatch(m -> m.startsWith("Halt"));
    }

    /**
     * Google Cloud Monitoring: a service-account key generated here (written where the local runtime reads secrets,
     * {@code $FLAGSTEP_SECRETS_DIR}) whose {@code token_uri} is the receiver, which also answers the MQL query.
     */
    @Test
    void aStackdriverMetricJudgesTheRolloutToPromotion() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(generator.generateKeyPair()
                .getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        String key = JSON.createObjectNode().put("type", "service_account").put("private_key_id", "k1").put("private_key", pem)
                .put("client_email", "flagger@my-project.iam.gserviceaccount.com").put("token_uri", h.hooks.url("/gtoken").toString())
                .toString();
        Path secret = Path.of(System.getenv("FLAGSTEP_SECRETS_DIR"), "e2e", "google");
        Files.createDirectories(secret);
        Files.writeString(secret.resolve("project"), "my-project");
        Files.writeString(secret.resolve("serviceAccountKey"), key);
        h.hooks.script("/gtoken", json("{\"access_token\": \"ya29.e2e\", \"expires_in\": 3599}"));
        h.hooks.script("/google/v3/projects/my-project/timeSeries:query",
                json("{\"timeSeriesData\": [{\"pointData\": [{\"values\": [{\"doubleValue\": 0.5}]}]}]}"));
        String loopback = h.hooks.url("").toString().replaceAll("/$", "");
        CanaryDocument doc = h.canary(canary("m-stackdriver", "type: stackdriver\n    address: " + loopback
                + "/google\n    secretRef: {name: google}", "fetch k8s_container | metric 'errors' | within 1m"));

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        assertThat(h.runWeights(doc, rollout)).containsExactly(50, 0);
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        List<WebhookReceiver.Request> queries = h.hooks.requests().stream()
                .filter(r -> r.path().startsWith("/google/")).toList();
        // the availability check (empty query), then the analysis tick's query, each with the exchanged token
        assertThat(queries).hasSizeGreaterThanOrEqualTo(2).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.header("authorization")).contains("Bearer ya29.e2e");
        });
        assertThat(h.hooks.requests()).filteredOn(r -> r.path().equals("/gtoken")).hasSize(1);
    }

    @Test
    void noValuesHaltsAdvancementAndTheThresholdRollsBack() throws Exception {
        h.hooks.script("/ddnone/api/v1/query", json("{\"series\": []}"));
        h.hooks.script("/ddnone/api/v1/validate", json("{\"valid\": true}"));
        CanaryDocument doc = h.canary(canary("m-nodata", "type: datadog\n    address: " + h.hooksUrl()
                + "/ddnone\n    secretRef: {name: provider-keys}", "sum:requests.errors{*}"));

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        assertThat(h.messages(doc.canary().id())).containsSubsequence(
                "Advance m-nodata.e2e canary weight 50",
                "Halt advancement no values found for custom metric: errors: no values found",
                "Rolling back m-nodata.e2e failed checks threshold reached 1",
                "Canary failed! Scaling down m-nodata.e2e");
        assertThat(h.messages(doc.canary().id())).noneMatch(m -> m.startsWith("Promotion completed"));
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.FAILED);
    }
}
