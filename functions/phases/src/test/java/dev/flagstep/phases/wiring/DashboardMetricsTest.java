package dev.flagstep.phases.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Strategy;
import dev.flagstep.metrics.MetricValue;
import dev.flagstep.observability.FlaggerMetrics;
import dev.flagstep.observability.RolloutFigures;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import dev.flagstep.webhook.HookOutcome;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboards read what the code writes: every metric and dimension set that a panel of the Grafana dashboard
 * (deploy/grafana/flagstep-canaries.json) or a widget of template.yaml's CloudWatch dashboard queries in the
 * {@code flagstep} namespace is one an EMF line builder emits, so neither can drift from the code.
 */
class DashboardMetricsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    /** Container Insights' pod metrics (AWS's names) for Flagger's CPU, memory and network panels. */
    static final Set<String> CONTAINER_INSIGHTS = Set.of("pod_cpu_utilization", "pod_memory_utilization",
            "pod_network_rx_bytes", "pod_network_tx_bytes");
    static final Set<String> POD_DIMENSIONS = Set.of("ClusterName", "Namespace", "PodName");

    /** Metric name to the dimension sets it is emitted under. */
    static final Map<String, Set<Set<String>>> EMITTED = new HashMap<>();

    @BeforeAll
    static void catalogue() {
        FlaggerMetrics.Canary c = new FlaggerMetrics.Canary("podinfo", "test");
        Webhook hook = new Webhook("h", HookType.ROLLOUT, URI.create("http://x/"), Duration.ofSeconds(1), 0, false, false, Map.of());
        List<ObjectNode> lines = new ArrayList<>();
        lines.add(EmfMetrics.canaryLine(new CanaryId("test", "podinfo"), 10, 0, NOW));
        lines.add(EmfMetrics.hookLine(HookType.ROLLOUT, new HookOutcome.Failed(hook, OptionalInt.empty(), "x", 1, Duration.ZERO), NOW));
        lines.add(EmfMetrics.handoverLine(new CanaryId("test", "podinfo"), NOW));
        lines.addAll(EmfMetrics.tickLines(c, CanaryPhase.PROGRESSING, 10, "istio", NOW));
        lines.add(FlaggerMetrics.duration(c, Duration.ofSeconds(1), NOW));
        lines.addAll(FlaggerMetrics.analysis(c, List.of(new MetricValue("request-success-rate", 99)), NOW));
        lines.add(FlaggerMetrics.outcome(c, Strategy.CANARY, false, true, NOW));
        lines.add(FlaggerMetrics.total("test", 1, NOW));
        lines.add(RolloutFigures.started(c, NOW));
        lines.add(RolloutFigures.finished(c, false, java.util.Optional.of(Duration.ofSeconds(1)), NOW));
        lines.add(RolloutFigures.gateWait(c, "confirm-promotion", Duration.ofSeconds(1), NOW));
        for (ObjectNode line : lines) {
            for (JsonNode directive : line.at("/_aws/CloudWatchMetrics")) {
                assertThat(directive.path("Namespace").asText()).isEqualTo("flagstep");
                for (JsonNode metric : directive.path("Metrics")) {
                    Set<Set<String>> sets = EMITTED.computeIfAbsent(metric.path("Name").asText(), k -> new HashSet<>());
                    for (JsonNode set : directive.path("Dimensions")) {
                        Set<String> dims = new TreeSet<>();
                        set.forEach(d -> dims.add(d.asText()));
                        sets.add(dims);
                    }
                }
            }
        }
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("template.yaml"))) {
            p = p.getParent();
        }
        assertThat(p).as("template.yaml above " + Path.of("").toAbsolutePath()).isNotNull();
        return p;
    }

    private static Set<String> keys(JsonNode object) {
        Set<String> keys = new TreeSet<>();
        object.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** A flagstep metric queried with exactly these dimensions ({@code exact}) or a subset of an emitted set. */
    private static void assertEmitted(String where, String metric, Set<String> dims, boolean exact) {
        assertThat(EMITTED).as(where + ": " + metric + " is not emitted").containsKey(metric);
        assertThat(EMITTED.get(metric)).as(where + ": " + metric + " is not emitted under " + dims)
                .anyMatch(set -> exact ? set.equals(dims) : set.containsAll(dims));
    }

    @Test
    void theGrafanaDashboardIsACloudWatchDashboardOfEmittedMetrics() throws IOException {
        JsonNode dash = JSON.readTree(repoRoot().resolve("deploy/grafana/flagstep-canaries.json").toFile());

        assertThat(dash.path("schemaVersion").isInt()).isTrue();
        assertThat(dash.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        assertThat(dash.path("title").asText()).isNotBlank();
        assertThat(dash.path("uid").asText()).isNotBlank();
        Map<String, JsonNode> variables = new HashMap<>();
        dash.at("/templating/list").forEach(v -> variables.put(v.path("name").asText(), v));
        assertThat(variables).containsKeys("datasource", "region", "namespace", "name");
        assertThat(variables.get("datasource").path("type").asText()).isEqualTo("datasource");
        assertThat(variables.get("datasource").path("query").asText()).isEqualTo("cloudwatch");
        for (String v : List.of("namespace", "name")) {
            JsonNode q = variables.get(v).path("query");
            assertThat(q.path("queryType").asText()).isEqualTo("dimensionValues");
            assertThat(q.path("namespace").asText()).isEqualTo("flagstep");
            assertEmitted("variable " + v, q.path("metricName").asText(), Set.of(q.path("dimensionKey").asText()), false);
        }

        Set<String> titles = new HashSet<>();
        List<JsonNode> panels = new ArrayList<>();
        dash.path("panels").forEach(panels::add);
        assertThat(panels).isNotEmpty();
        Pattern variable = Pattern.compile("\\$\\{?(\\w+)");
        for (JsonNode panel : panels) {
            assertThat(panel.path("id").isInt()).isTrue();
            assertThat(panel.path("gridPos").path("w").asInt()).isBetween(1, 24);
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            String title = panel.path("title").asText();
            assertThat(titles.add(title)).as("panel titles are unique: " + title).isTrue();
            assertThat(panel.at("/datasource/type").asText()).as(title).isEqualTo("cloudwatch");
            assertThat(panel.path("targets")).as(title).isNotEmpty();
            Set<String> ids = new HashSet<>();
            panel.path("targets").forEach(t -> ids.add(t.path("id").asText()));
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.at("/datasource/type").asText()).as(title).isEqualTo("cloudwatch");
                assertThat(target.path("queryMode").asText()).as(title).isEqualTo("Metrics");
                if (target.path("metricEditorMode").asInt() == 1) {
                    Matcher ref = Pattern.compile("\\b([a-z]\\w*)\\b").matcher(target.path("expression").asText());
                    while (ref.find()) {
                        if (!ref.group(1).equals("FILL")) {
                            assertThat(ids).as(title + ": expression names a query id").contains(ref.group(1));
                        }
                    }
                    continue;
                }
                String metric = target.path("metricName").asText();
                Set<String> dims = keys(target.path("dimensions"));
                switch (target.path("namespace").asText()) {
                    case "flagstep" -> assertEmitted("panel " + title, metric, dims, target.path("matchExact").asBoolean(true));
                    case "ContainerInsights" -> {
                        assertThat(CONTAINER_INSIGHTS).as(title).contains(metric);
                        assertThat(POD_DIMENSIONS).as(title).containsAll(dims);
                    }
                    default -> throw new AssertionError(title + ": unexpected namespace " + target.path("namespace"));
                }
                Matcher m = variable.matcher(target.toString());
                while (m.find()) {
                    if (m.group(1).equals("PROP")) {
                        continue; // ${PROP('Dim.x')}: CloudWatch's label of a series, not a variable
                    }
                    assertThat(variables).as(title + " uses $" + m.group(1)).containsKey(m.group(1));
                }
            }
        }
        // Flagger's own panels are all there, and the rollout figures per canary and for the stack
        assertThat(titles).contains("Status", "Traffic weight", "Analysis duration", "Metric checks", "Promotions", "Rollbacks",
                "Deployment frequency", "Change-failure rate", "Time in gates vs analysing", "Stack: deployment frequency",
                "Stack: change-failure rate", "Stack: time in gates vs analysing", "Canaries per namespace",
                "Primary: CPU usage", "Canary: CPU usage", "Primary: memory usage", "Canary: memory usage",
                "Primary: network I/O", "Canary: network I/O", "Canary: success rate", "Canary: request duration");
    }

    @Test
    void theCloudWatchDashboardInTheTemplateReadsEmittedMetrics() throws IOException {
        JsonNode template = new ObjectMapper(new YAMLFactory()).readTree(repoRoot().resolve("template.yaml").toFile());
        String body = template.at("/Resources/Dashboard/Properties/DashboardBody").asText();
        // the body is a !Sub: its ${...} are stack values
        JsonNode dash = JSON.readTree(body.replaceAll("\\$\\{[^}]*}", "X"));
        Pattern search = Pattern.compile("SEARCH\\('\\{([^}]*)} MetricName=\"([^\"]+)\"'");
        Set<String> read = new HashSet<>();
        for (JsonNode widget : dash.path("widgets")) {
            if (!widget.path("type").asText().equals("metric")) {
                continue;
            }
            String title = widget.at("/properties/title").asText();
            String namespace = "";
            String metric = "";
            for (JsonNode row : widget.at("/properties/metrics")) {
                List<String> dims = new ArrayList<>();
                for (int i = 0; i < row.size(); i++) {
                    JsonNode cell = row.get(i);
                    if (cell.isObject()) {
                        Matcher m = search.matcher(cell.path("expression").asText());
                        if (m.find()) {
                            List<String> schema = List.of(m.group(1).split(","));
                            assertThat(schema.getFirst()).as(title).isEqualTo("flagstep");
                            assertEmitted("widget " + title, m.group(2), new TreeSet<>(schema.subList(1, schema.size())), true);
                            read.add(m.group(2));
                        }
                    } else if (i == 0) {
                        namespace = cell.asText().equals(".") ? namespace : cell.asText();
                    } else if (i == 1) {
                        metric = cell.asText().equals(".") ? metric : cell.asText();
                    } else if (i % 2 == 0) {
                        dims.add(cell.asText());
                    }
                }
                if (row.size() > 0 && row.get(0).isTextual() && namespace.equals("flagstep")) {
                    assertEmitted("widget " + title, metric, new TreeSet<>(dims), true);
                    read.add(metric);
                }
            }
        }
        assertThat(read).as("every Flagger metric per canary, and the rollout figures, are on the dashboard")
                .contains(FlaggerMetrics.STATUS, FlaggerMetrics.WEIGHT, FlaggerMetrics.DURATION, FlaggerMetrics.ANALYSIS,
                        FlaggerMetrics.SUCCESSES, FlaggerMetrics.FAILURES, RolloutFigures.STARTED, RolloutFigures.FINISHED,
                        RolloutFigures.ROLLED_BACK, RolloutFigures.DURATION, RolloutFigures.GATE_WAIT);
    }
}
