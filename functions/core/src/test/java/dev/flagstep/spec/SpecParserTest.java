package dev.flagstep.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flagstep.testing.DefaultLocale;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Reading whole documents: the podinfo tutorial to the exact model, the spec-only form, JSON, documents. */
class SpecParserTest {

    static final CanaryId PODINFO = new CanaryId("test", "podinfo");
    static final ObjectMapper JSON = new ObjectMapper();
    final SpecParser parser = new SpecParser();

    static String podinfoYaml() {
        try (InputStream in = SpecParserTest.class.getResourceAsStream("/spec/podinfo.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static CanaryDocument valid(SpecResult result) {
        assertThat(result).as("errors: %s", result instanceof SpecResult.Invalid i ? i.errors() : List.of())
                .isInstanceOf(SpecResult.Valid.class);
        return ((SpecResult.Valid) result).document();
    }

    static List<String> errors(SpecResult result) {
        assertThat(result).isInstanceOf(SpecResult.Invalid.class);
        return ((SpecResult.Invalid) result).errors().stream().map(SpecError::toString).toList();
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode object(String text) {
        return (ObjectNode) json(text);
    }

    @Test
    void podinfoManifestReadsToTheExactModel() {
        String text = podinfoYaml();
        CanaryDocument document = valid(parser.parse(text));

        URI loadtester = URI.create("http://flagger-loadtester.test/");
        URI gate = URI.create("http://flagger-loadtester.test/gate/check");
        Duration tenSeconds = Duration.ofSeconds(10);
        Analysis analysis = new Analysis(
                Duration.ofSeconds(90), 5, 50, 10, List.of(), 25, 0, List.of(), false, 0, 100, 90,
                List.of(
                        new MetricCheck("request-success-rate", new ThresholdRange(Optional.of(99.0), Optional.empty()),
                                Optional.empty(), Optional.of("1m"), Optional.empty(), Optional.empty(), Map.of()),
                        new MetricCheck("latency", new ThresholdRange(Optional.of(0.0), Optional.of(0.5)),
                                Optional.empty(), Optional.of("30s"), Optional.empty(),
                                Optional.of(new TemplateRef("latency", Optional.empty())), Map.of("quantile", "0.99"))),
                List.of(
                        new Webhook("confirm-rollout", HookType.CONFIRM_ROLLOUT, gate, tenSeconds, 0, false, false, Map.of()),
                        new Webhook("smoke-test", HookType.PRE_ROLLOUT, loadtester, Duration.ofSeconds(15), 2, false, false,
                                Map.of("type", "bash", "cmd", "curl -sd 'anon' http://podinfo-canary.test:9898/token | grep token")),
                        new Webhook("load-test", HookType.ROLLOUT, loadtester, Duration.ofSeconds(5), 0, false, false,
                                Map.of("cmd", "hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/")),
                        new Webhook("legacy-load-test", HookType.ROLLOUT, loadtester, tenSeconds, 0, false, false,
                                Map.of("cmd", "hey -z 1m -q 5 -c 1 http://podinfo-canary.test:9898/")),
                        new Webhook("traffic-gate", HookType.CONFIRM_TRAFFIC_INCREASE, gate, tenSeconds, 0, false, true, Map.of()),
                        new Webhook("promotion-gate", HookType.CONFIRM_PROMOTION, gate, tenSeconds, 0, false, false, Map.of()),
                        new Webhook("notify", HookType.POST_ROLLOUT, URI.create("https://hooks.example.com/flagger"),
                                tenSeconds, 0, true, false, Map.of()),
                        new Webhook("rollback-gate", HookType.ROLLBACK, URI.create("http://flagger-loadtester.test/rollback/check"),
                                tenSeconds, 0, false, false, Map.of()),
                        new Webhook("events", HookType.EVENT, URI.create("http://event-recorder.test/"),
                                Duration.ofMinutes(1), 0, false, false, Map.of())),
                List.of(new AlertRef("on-call", "error", "on-call-slack", Optional.of("flagger"))),
                Optional.of(Duration.ofHours(2)),
                Optional.of("podinfo-hooks"),
                object("{\"sessionAffinity\":{\"cookieName\":\"flagger-cookie\",\"maxAge\":21600}}"));
        CanarySpec expected = new CanarySpec(
                PODINFO,
                new ObjectRef("apps/v1", "Deployment", "podinfo"),
                Optional.empty(),
                Optional.of(new AutoscalerRef(AutoscalerRef.Kind.HORIZONTAL_POD_AUTOSCALER, "autoscaling/v2", "podinfo",
                        Optional.empty(), Optional.empty(), Optional.empty())),
                new ServiceSpec(Optional.empty(), 9898, Optional.of(TextNode.valueOf("http")), Optional.empty(), true,
                        List.of(json("{\"name\":\"gateway\",\"namespace\":\"istio-ingress\"}")),
                        List.of("www.example.com"), List.of(), Optional.of("15s"),
                        object("{\"retries\":{\"attempts\":3,\"perTryTimeout\":\"5s\"}}")),
                Optional.of("gatewayapi:v1"),
                Optional.empty(),
                60,
                false,
                false,
                Optional.of(analysis),
                object("{\"revertOnDeletion\":true}"));

        assertThat(document.canary()).isEqualTo(expected);
        assertThat(document.metricTemplates()).containsExactly(new MetricTemplate("test", "latency",
                new MetricProviderSpec("prometheus", Optional.of("http://prometheus.istio-system:9090"), Optional.empty(),
                        Map.of("X-Scope-OrgID", List.of("tenant-a")), Optional.empty(), false),
                """
                histogram_quantile({{ variables.quantile }},
                  sum(rate(istio_request_duration_milliseconds_bucket{
                    reporter="destination", destination_workload_namespace="{{ namespace }}",
                    destination_workload=~"{{ target }}"}[{{ interval }}])) by (le)) / 1000
                """));
        assertThat(document.source()).isSameAs(text);
        assertThat(document.template(new TemplateRef("latency", Optional.empty()))).isPresent();
        assertThat(document.canary().analysis().orElseThrow().hooks(HookType.ROLLOUT))
                .extracting(Webhook::name).containsExactly("load-test", "legacy-load-test");
    }

    /** The spec block on its own, the way the API's PUT /canaries/{ns}/{name} receives it. */
    static String specOnly(String manifest) {
        String canary = manifest.substring(0, manifest.indexOf("\n---\n") + 1);
        String spec = canary.substring(canary.indexOf("\nspec:\n") + "\nspec:\n".length());
        return Arrays.stream(spec.split("\n")).map(line -> line.substring(2)).collect(Collectors.joining("\n", "", "\n"));
    }

    static String templates(String manifest) {
        return manifest.substring(manifest.indexOf("\n---\n") + 1);
    }

    @Test
    void specOnlyFormReadsToTheSameCanary() {
        String text = specOnly(podinfoYaml()) + templates(podinfoYaml());
        assertThat(text).doesNotContain("kind: Canary").startsWith("provider: gatewayapi:v1");

        CanaryDocument document = valid(parser.parse(text, PODINFO));

        assertThat(document.canary()).isEqualTo(valid(parser.parse(podinfoYaml())).canary());
        assertThat(document.metricTemplates()).hasSize(1);
    }

    @Test
    void aWholeManifestWithAnIdMustAgreeWithIt() {
        assertThat(valid(parser.parse(podinfoYaml(), PODINFO)).canary().id()).isEqualTo(PODINFO);
        assertThat(errors(parser.parse(podinfoYaml(), new CanaryId("prod", "frontend")))).startsWith(
                "metadata.name: \"podinfo\" does not match the canary's name \"frontend\"",
                "metadata.namespace: \"test\" does not match the canary's namespace \"prod\"");
    }

    @Test
    void aManifestWithoutNamespaceTakesTheIdsOrDefault() {
        String manifest = """
                apiVersion: flagger.app/v1beta1
                kind: Canary
                metadata:
                  name: podinfo
                spec:
                  targetRef: {kind: Deployment, name: podinfo}
                  service: {port: 9898}
                """;
        assertThat(valid(parser.parse(manifest)).canary().id()).isEqualTo(new CanaryId("default", "podinfo"));
        assertThat(valid(parser.parse(manifest, PODINFO)).canary().id()).isEqualTo(PODINFO);
    }

    @Test
    void jsonReadsLikeYaml() throws IOException {
        String canaryYaml = podinfoYaml().substring(0, podinfoYaml().indexOf("\n---\n") + 1);
        String canaryJson = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(new YAMLMapper().readTree(canaryYaml));
        SpecParser withoutTemplates = new SpecParser(new SpecValidator(false));

        CanaryDocument fromJson = valid(withoutTemplates.parse(canaryJson));

        assertThat(fromJson.canary()).isEqualTo(valid(parser.parse(podinfoYaml())).canary());
        assertThat(fromJson.source()).isEqualTo(canaryJson);
    }

    @Test
    void yamlAnchorsAndMergeKeysWorkAsKubectlReadsThem() {
        String text = """
                targetRef: {kind: Deployment, name: podinfo}
                service: {port: 9898}
                analysis:
                  stepWeight: 10
                  webhooks:
                    - &gate
                      name: gate-a
                      type: confirm-rollout
                      url: http://gate.test/check
                      metadata: &meta {team: payments}
                    - <<: *gate
                      name: gate-b
                      metadata: *meta
                """;
        List<Webhook> hooks = valid(parser.parse(text, PODINFO)).canary().analysis().orElseThrow().webhooks();
        assertThat(hooks).extracting(Webhook::name).containsExactly("gate-a", "gate-b");
        assertThat(hooks).extracting(Webhook::type).containsOnly(HookType.CONFIRM_ROLLOUT);
        assertThat(hooks.get(1).metadata()).containsExactly(Map.entry("team", "payments"));
    }

    @Test
    void exactlyOneCanaryPerText() {
        String spec = "targetRef: {kind: Deployment, name: podinfo}\nservice: {port: 9898}\n";
        assertThat(errors(parser.parse("", PODINFO)))
                .containsExactly("no Canary found; expected a Canary manifest (kind: Canary) or its spec");
        assertThat(errors(parser.parse(templates(podinfoYaml()), PODINFO)))
                .containsExactly("no Canary found; expected a Canary manifest (kind: Canary) or its spec");
        assertThat(errors(parser.parse(spec + "---\n" + spec, PODINFO)))
                .containsExactly("found 2 Canaries; one document holds exactly one Canary");
    }

    @Test
    void aSpecWithoutAnIdNeedsOne() {
        assertThat(errors(parser.parse("targetRef: {kind: Deployment, name: podinfo}\nservice: {port: 9898}\n")))
                .containsExactly("metadata.name: required; a spec on its own needs the canary's name and namespace given separately");
    }

    @Test
    void manifestLevelProblems() {
        String text = """
                apiVersion: flagger.app/v1alpha3
                kind: Canary
                metadata: {name: Pod_Info}
                specs: {}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: podinfo}
                ---
                - just a list
                """;
        assertThat(errors(parser.parse(text))).containsExactly(
                "document 2.kind: kind \"Deployment\" is not accepted here; expected Canary, MetricTemplate or AlertProvider",
                "document 3: expected a Canary, a MetricTemplate or an AlertProvider, got a list",
                "specs: unknown field; did you mean \"spec\"?",
                "apiVersion: expected \"flagger.app/v1beta1\", got \"flagger.app/v1alpha3\"",
                "metadata.name: must be a Kubernetes name (lowercase letters, digits, '-' and '.'), got \"Pod_Info\"",
                "spec: required");
    }

    @Test
    void malformedJsonGetsJsonsMessage() {
        List<String> errors = errors(parser.parse("{\"targetRef\": {\"kind\": \"Deployment\",}}", PODINFO));
        assertThat(errors).hasSize(1);
        assertThat(errors.getFirst()).startsWith("not valid JSON: line 1, column 37: Unexpected character ('}'")
                .doesNotContain("Source");

        assertThat(errors(parser.parse("{\"targetRef\": {\"kind\": \"Deployment\"", PODINFO)).getFirst())
                .startsWith("not valid JSON: line 1, column 36: Unexpected end-of-input");
        assertThat(errors(parser.parse("{\"a\": 1, \"a\": 2}", PODINFO)).getFirst())
                .isEqualTo("not valid JSON: line 1, column 13: Duplicate field 'a'");
    }

    @Test
    void malformedYamlSaysWhere() {
        assertThat(errors(parser.parse("targetRef:\n  kind: Deployment\n name: x\n", PODINFO))).singleElement()
                .asString().startsWith("line 3, column 2: ");
        assertThat(errors(parser.parse("service:\n  port: 1\n  port: 2\n", PODINFO)))
                .containsExactly("line 3, column 3: duplicate key \"port\"");
    }

    @Test
    void controlCharactersSayWhich() {
        assertThat(errors(parser.parse("targetRef: {kind: Deployment\u0007}\n", PODINFO)))
                .containsExactly("not valid YAML: character U+0007 at position 28 is not allowed");
        // the same ASCII digits whatever the JVM's locale
        assertThat(DefaultLocale.under(DefaultLocale.ARABIC_DIGITS, () -> errors(parser.parse("targetRef: {kind: Deployment\u0007}\n", PODINFO))))
                .containsExactly("not valid YAML: character U+0007 at position 28 is not allowed");
    }

    @Test
    void billionLaughsIsAnErrorNotAnOutOfMemory() {
        StringBuilder text = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            text.append("a").append(i).append(": &a").append(i).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, "*a" + (i - 1)))).append("]\n");
        }
        assertThat(errors(parser.parse(text.toString(), PODINFO))).singleElement().asString()
                .contains("Number of aliases for non-scalar nodes exceeds the specified max=20");

        // Few aliases over a big list: under the alias limit, stopped by the value budget.
        String wide = "w0: &w0 [" + String.join(", ", java.util.Collections.nCopies(20_000, "x")) + "]\n"
                + "w1: &w1 [*w0, *w0, *w0, *w0, *w0]\n"
                + "w2: [*w1, *w1, *w1, *w1, *w1]\n";
        assertThat(errors(parser.parse(wide, PODINFO)))
                .containsExactly("the document expands to more than 100000 values (YAML aliases?); refusing to read it");
    }

    @Test
    void selfReferencingAliasIsAnError() {
        assertThat(errors(parser.parse("a: &a [*a]\n", PODINFO))).singleElement().asString()
                .matches("(line \\d+, column \\d+: nested deeper than 64 levels|.*recursive.*|.*alias.*)");
    }

    @Test
    void hugeDocumentsAreRefused() {
        String huge = "targetRef: {kind: Deployment, name: podinfo}\n# " + "x".repeat(300 * 1024) + "\n";
        assertThat(errors(parser.parse(huge, PODINFO))).containsExactly("the document is larger than 256 KB");
    }

    @Test
    void nullTextIsAnErrorNotAnException() {
        assertThat(errors(parser.parse(null, PODINFO)))
                .containsExactly("no Canary found; expected a Canary manifest (kind: Canary) or its spec");
    }
}
