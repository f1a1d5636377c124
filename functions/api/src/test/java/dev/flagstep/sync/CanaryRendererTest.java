package dev.flagstep.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.SpecError;
import dev.flagstep.spec.SpecParser;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanaryRendererTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final CanaryId ID = new CanaryId("test", "podinfo");

    static ObjectNode read(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static final String CANARY = """
            {"apiVersion":"flagger.app/v1beta1","kind":"Canary",
             "metadata":{"name":"podinfo","namespace":"test","uid":"u-1","resourceVersion":"41","generation":3,
                         "labels":{"app":"podinfo"},"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}},
             "spec":{"targetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"podinfo"},
                     "service":{"port":9898},
                     "analysis":{"interval":"1m","threshold":5,"maxWeight":50,"stepWeight":10,
                        "metrics":[{"name":"error-rate","templateRef":{"name":"error-rate"},"thresholdRange":{"max":1},"interval":"1m"},
                                   {"name":"latency","templateRef":{"name":"latency","namespace":"flagger"},"thresholdRange":{"max":500},"interval":"1m"}],
                        "alerts":[{"name":"on-call","severity":"error","providerRef":{"name":"on-call"}}]}},
             "status":{"phase":"Succeeded","canaryWeight":0}}
            """;

    static ObjectNode template(String ns, String name, String query) {
        ObjectNode t = read("""
                {"apiVersion":"flagger.app/v1beta1","kind":"MetricTemplate","metadata":{"name":"%s","namespace":"%s","resourceVersion":"9"},
                 "spec":{"provider":{"type":"prometheus","address":"http://prometheus.istio-system:9090"}}}
                """.formatted(name, ns));
        ((ObjectNode) t.get("spec")).put("query", query);
        return t;
    }

    static final ObjectNode PROVIDER = read("""
            {"apiVersion":"flagger.app/v1beta1","kind":"AlertProvider","metadata":{"name":"on-call","namespace":"test"},
             "spec":{"type":"slack","channel":"on-call","address":"https://hooks.slack.com/services/x"}}
            """);

    static Map<CanaryId, ObjectNode> templates() {
        return Map.of(new CanaryId("test", "error-rate"), template("test", "error-rate", "sum(rate(x[1m]))\n/ sum(rate(y[1m]))\n"),
                new CanaryId("flagger", "latency"), template("flagger", "latency", "histogram_quantile(0.99, z)"),
                new CanaryId("test", "unused"), template("test", "unused", "up"));
    }

    @Test
    void theCanaryAndWhatItReferencesAreOneValidDocument() {
        CanaryRendering r = CanaryRenderer.render(read(CANARY), templates(), Map.of(new CanaryId("test", "on-call"), PROVIDER));
        assertThat(r.missing()).isEmpty();
        assertThat(r.text()).contains("kind: \"Canary\"", "kind: \"MetricTemplate\"", "kind: \"AlertProvider\"")
                .doesNotContain("uid", "resourceVersion", "labels", "last-applied", "status", "unused", "generation");
        assertThat(r.text().split("(?m)^---$")).hasSize(4);
        var result = new SpecParser().parse(r.text(), ID);
        assertThat(result).isInstanceOf(dev.flagstep.spec.SpecResult.Valid.class);
        var doc = ((dev.flagstep.spec.SpecResult.Valid) result).document();
        assertThat(doc.metricTemplates()).hasSize(2);
        assertThat(doc.template(new dev.flagstep.spec.TemplateRef("error-rate", java.util.Optional.empty())).orElseThrow().query())
                .isEqualTo("sum(rate(x[1m]))\n/ sum(rate(y[1m]))\n");
    }

    @Test
    void keepsTheAnnotationsRoutersRead() {
        ObjectNode canary = read(CANARY);
        ((ObjectNode) canary.at("/metadata/annotations")).put("kuma.io/mesh", "payments");
        CanaryRendering r = CanaryRenderer.render(canary, templates(), Map.of());
        assertThat(r.text()).contains("kuma.io/mesh").doesNotContain("last-applied");
        var doc = ((dev.flagstep.spec.SpecResult.Valid) new SpecParser().parse(r.text(), ID)).document();
        assertThat(doc.canary().annotations()).isEqualTo(Map.of("kuma.io/mesh", "payments"));
    }

    @Test
    void theTextDoesNotDependOnKeyOrderOrServerFieldsButOnEveryChange() throws Exception {
        ObjectNode canary = read(CANARY);
        String text = CanaryRenderer.render(canary, templates(), Map.of()).text();
        // the same object with keys in another order, a new resourceVersion, labels and status
        ObjectNode reordered = read(CANARY);
        ObjectNode spec = (ObjectNode) reordered.remove("spec");
        ObjectNode specReversed = JSON.createObjectNode();
        java.util.List<String> keys = new java.util.ArrayList<>();
        spec.fieldNames().forEachRemaining(keys::add);
        java.util.Collections.reverse(keys);
        keys.forEach(k -> specReversed.set(k, spec.get(k)));
        reordered.set("spec", specReversed);
        ((ObjectNode) reordered.get("metadata")).put("resourceVersion", "99").putObject("labels").put("x", "y");
        reordered.putObject("status").put("phase", "Progressing");
        assertThat(CanaryRenderer.render(reordered, templates(), Map.of()).text()).isEqualTo(text);
        // listed in another order: the same
        var otherOrder = new java.util.LinkedHashMap<CanaryId, ObjectNode>();
        new java.util.ArrayList<>(templates().entrySet()).reversed().forEach(e -> otherOrder.put(e.getKey(), e.getValue()));
        assertThat(CanaryRenderer.render(canary, otherOrder, Map.of()).text()).isEqualTo(text);
        // a change of the spec, of a referenced template, of a referenced provider: another text
        ObjectNode suspended = read(CANARY);
        ((ObjectNode) suspended.get("spec")).put("suspend", true);
        assertThat(CanaryRenderer.render(suspended, templates(), Map.of()).text()).isNotEqualTo(text);
        var changedTemplate = new java.util.HashMap<>(templates());
        changedTemplate.put(new CanaryId("flagger", "latency"), template("flagger", "latency", "histogram_quantile(0.95, z)"));
        assertThat(CanaryRenderer.render(canary, changedTemplate, Map.of()).text()).isNotEqualTo(text);
        var unusedChanged = new java.util.HashMap<>(templates());
        unusedChanged.put(new CanaryId("test", "unused"), template("test", "unused", "down"));
        assertThat(CanaryRenderer.render(canary, unusedChanged, Map.of()).text()).isEqualTo(text);
        assertThat(CanaryRenderer.render(canary, templates(), Map.of(new CanaryId("test", "on-call"), PROVIDER)).text())
                .isNotEqualTo(text);
    }

    @Test
    void aMissingTemplateNamesItsField() {
        var onlyOne = Map.of(new CanaryId("test", "error-rate"), template("test", "error-rate", "up"));
        CanaryRendering r = CanaryRenderer.render(read(CANARY), onlyOne, Map.of());
        assertThat(r.missing()).containsExactly(new SpecError("analysis.metrics[1].templateRef",
                "no MetricTemplate \"latency\" in namespace \"flagger\" in the cluster (or its namespace is not watched)"));
        Validation v = Validation.of(new SpecParser(), ID, r);
        assertThat(v).isInstanceOf(Validation.Invalid.class);
        assertThat(((Validation.Invalid) v).errors()).containsExactlyElementsOf(r.missing());
        assertThat(((Validation.Invalid) v).message()).startsWith("analysis.metrics[1].templateRef: no MetricTemplate");
    }

    @Test
    void anInvalidSpecIsReportedWithItsField() {
        ObjectNode bad = read(CANARY);
        ((ObjectNode) bad.at("/spec/analysis")).put("stepWeight", -5);
        Validation v = Validation.of(new SpecParser(), ID, CanaryRenderer.render(bad, templates(), Map.of()));
        assertThat(((Validation.Invalid) v).message()).contains("analysis.stepWeight");
    }

    @Test
    void stringsThatLookLikeOtherYamlTypesStayStrings() {
        ObjectNode c = read(CANARY);
        ((ObjectNode) c.at("/spec/analysis")).putArray("webhooks").addObject().put("name", "on").put("url", "http://x.test/")
                .putObject("metadata").put("cmd", "yes").put("n", "0644").put("empty", "").put("colon", "a: b #c");
        CanaryRendering r = CanaryRenderer.render(c, templates(), Map.of());
        var doc = ((dev.flagstep.spec.SpecResult.Valid) new SpecParser().parse(r.text(), ID)).document();
        var hook = doc.canary().analysis().orElseThrow().webhooks().getFirst();
        assertThat(hook.name()).isEqualTo("on");
        assertThat(hook.metadata()).containsEntry("cmd", "yes").containsEntry("n", "0644").containsEntry("empty", "")
                .containsEntry("colon", "a: b #c");
    }
}
