package dev.flagstep.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy/crds.yaml}, flagstep's CRDs for Flagger's kinds: the names, scope, printer columns and status schema
 * of Flagger 1.44's own (so a cluster holds either and kubectl and Argo CD show the same), a property for every
 * field flagstep's parser knows (so none depends on the pass-through of unknown fields), and a structural schema
 * (every node typed), which the API server requires of apiextensions.k8s.io/v1.
 */
class CrdManifestTest {

    private static final Path FILE = Path.of("..", "..", "deploy", "crds.yaml");
    private static List<JsonNode> crds;

    @BeforeAll
    static void load() throws IOException {
        ObjectMapper yaml = new YAMLMapper();
        crds = new ArrayList<>();
        try (InputStream in = Files.newInputStream(FILE); var parser = new YAMLFactory().createParser(in)) {
            for (Iterator<JsonNode> it = yaml.readValues(parser, JsonNode.class); it.hasNext(); ) crds.add(it.next());
        }
    }

    @Test
    void threeNamespacedCrdsOfFlaggersGroupVersionAndNames() {
        assertThat(crds).extracting(c -> c.path("metadata").path("name").asText())
                .containsExactly("canaries.flagger.app", "metrictemplates.flagger.app", "alertproviders.flagger.app");
        Map<String, String> kinds = Map.of("canaries", "Canary", "metrictemplates", "MetricTemplate", "alertproviders", "AlertProvider");
        for (JsonNode crd : crds) {
            JsonNode spec = crd.path("spec");
            JsonNode names = spec.path("names");
            String kind = kinds.get(names.path("plural").asText());
            assertThat(crd.path("apiVersion").asText()).isEqualTo("apiextensions.k8s.io/v1");
            assertThat(spec.path("group").asText()).isEqualTo("flagger.app");
            assertThat(spec.path("scope").asText()).isEqualTo("Namespaced");
            assertThat(names.path("kind").asText()).isEqualTo(kind);
            assertThat(names.path("listKind").asText()).isEqualTo(kind + "List");
            assertThat(names.path("singular").asText()).isEqualTo(kind.toLowerCase());
            assertThat(names.path("categories").toString()).isEqualTo("[\"all\"]");
            assertThat(names.has("shortNames")).as("Flagger's have none: a short name would clash with another CRD").isFalse();
            assertThat(spec.path("versions")).hasSize(1);
            JsonNode v = spec.path("versions").get(0);
            assertThat(v.path("name").asText()).isEqualTo("v1beta1");
            assertThat(v.path("served").asBoolean() && v.path("storage").asBoolean()).isTrue();
            assertThat(v.path("subresources").has("status")).isTrue();
        }
    }

    @Test
    void canaryPrinterColumnsAreFlaggers() {
        List<String> columns = new ArrayList<>();
        for (JsonNode c : version("canaries").path("additionalPrinterColumns")) {
            columns.add(c.path("name").asText() + " " + c.path("type").asText() + " " + c.path("jsonPath").asText()
                    + " " + c.path("priority").asInt(0));
        }
        assertThat(columns).containsExactly(
                "Status string .status.phase 0",
                "Weight string .status.canaryWeight 0",
                "Suspended boolean .spec.suspend 1",
                "FailedChecks string .status.failedChecks 1",
                "Interval string .spec.analysis.interval 1",
                "Mirror boolean .spec.analysis.mirror 1",
                "StepWeight string .spec.analysis.stepWeight 1",
                "StepWeights string .spec.analysis.stepWeights 1",
                "MaxWeight string .spec.analysis.maxWeight 1",
                "LastTransitionTime string .status.lastTransitionTime 0");
        assertThat(version("metrictemplates").path("additionalPrinterColumns").get(0).path("jsonPath").asText())
                .isEqualTo(".spec.provider.type");
        assertThat(version("alertproviders").path("additionalPrinterColumns").get(0).path("jsonPath").asText())
                .isEqualTo(".spec.type");
    }

    @Test
    void canaryStatusHoldsFlaggersFieldsAndNothingElse() {
        JsonNode status = schema("canaries").path("properties").path("status");
        assertThat(names(status.path("properties"))).containsExactlyInAnyOrder("phase", "canaryWeight", "failedChecks",
                "iterations", "lastAppliedSpec", "lastPromotedSpec", "lastTransitionTime", "trackedConfigs", "conditions",
                "sessionAffinityCookie", "primarySessionAffinityCookie", "previousSessionAffinityCookie");
        assertThat(status.has("x-kubernetes-preserve-unknown-fields"))
                .as("a field Flagger's schema would prune must not seem to work on flagstep's").isFalse();
        assertThat(status.path("properties").path("phase").path("enum").toString()).isEqualTo("[\"\",\"Initializing\","
                + "\"Initialized\",\"Waiting\",\"Progressing\",\"WaitingPromotion\",\"Promoting\",\"Finalising\",\"Succeeded\","
                + "\"Failed\",\"Terminating\",\"Terminated\"]");
        for (String n : List.of("canaryWeight", "failedChecks", "iterations")) {
            assertThat(status.path("properties").path(n).path("type").asText()).as(n).isEqualTo("number");
        }
        JsonNode condition = status.path("properties").path("conditions").path("items");
        assertThat(names(condition.path("properties"))).containsExactlyInAnyOrder("type", "status", "reason", "message",
                "lastUpdateTime", "lastTransitionTime");
        assertThat(condition.path("required").toString()).isEqualTo("[\"type\",\"status\"]");
    }

    @Test
    void everyFieldTheParserKnowsHasAProperty() {
        JsonNode spec = schema("canaries").path("properties").path("spec");
        assertThat(names(spec.path("properties"))).containsAll(KnownFields.SPEC);
        JsonNode p = spec.path("properties");
        assertThat(names(p.path("service").path("properties"))).containsAll(KnownFields.SERVICE_MODELLED);
        assertThat(names(p.path("analysis").path("properties"))).containsAll(KnownFields.ANALYSIS_MODELLED);
        JsonNode a = p.path("analysis").path("properties");
        assertThat(names(a.path("metrics").path("items").path("properties"))).containsAll(KnownFields.METRIC);
        assertThat(names(a.path("webhooks").path("items").path("properties"))).containsAll(KnownFields.WEBHOOK);
        assertThat(names(a.path("alerts").path("items").path("properties"))).containsAll(KnownFields.ALERT);
        JsonNode template = schema("metrictemplates").path("properties").path("spec").path("properties");
        assertThat(names(template)).containsAll(KnownFields.TEMPLATE_SPEC);
        assertThat(names(template.path("provider").path("properties"))).containsAll(KnownFields.TEMPLATE_PROVIDER);
        assertThat(spec.path("required").toString()).as("flagstep's validator names a missing service.port").isEqualTo("[\"targetRef\"]");
    }

    @Test
    void everySchemaNodeIsTyped() {
        for (JsonNode crd : crds) {
            List<String> untyped = new ArrayList<>();
            untyped(crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema"), "", untyped);
            assertThat(untyped).as(crd.path("metadata").path("name").asText()).isEmpty();
        }
    }

    private static void untyped(JsonNode schema, String at, List<String> out) {
        if (!schema.has("type") && !schema.path("x-kubernetes-int-or-string").asBoolean()) out.add(at.isEmpty() ? "/" : at);
        schema.path("properties").fields().forEachRemaining(e -> untyped(e.getValue(), at + "." + e.getKey(), out));
        if (schema.has("items")) untyped(schema.path("items"), at + "[]", out);
        if (schema.path("additionalProperties").isObject()) untyped(schema.path("additionalProperties"), at + "{}", out);
    }

    private static JsonNode version(String plural) {
        return crds.stream().filter(c -> c.path("spec").path("names").path("plural").asText().equals(plural)).findFirst()
                .orElseThrow().path("spec").path("versions").get(0);
    }

    private static JsonNode schema(String plural) {
        return version(plural).path("schema").path("openAPIV3Schema");
    }

    private static Set<String> names(JsonNode properties) {
        Set<String> out = new HashSet<>();
        properties.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
