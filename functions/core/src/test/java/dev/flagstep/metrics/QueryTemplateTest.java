package dev.flagstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryTemplateTest {

    static final TemplateModel MODEL = new TemplateModel("podinfo", "test", "podinfo-deploy", "podinfo-svc", "podinfo-ingress",
            "podinfo-route", "2m", Map.of("direction", "inbound", "status_code", "404"));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{{ name }}|podinfo",
            "{{ namespace }}|test",
            "{{ target }}|podinfo-deploy",
            "{{ service }}|podinfo-svc",
            "{{ ingress }}|podinfo-ingress",
            "{{ route }}|podinfo-route",
            "{{ interval }}|2m",
            "{{ variables.direction }}|inbound",
            "{{ variables.status_code }}|404",
            "{{namespace}}|test",
            "{{variables.direction}}|inbound",
            "{{   target   }}|podinfo-deploy",
    })
    void rendersEveryFunctionInEveryFlaggerSpelling(String template, String expected) {
        assertThat(QueryTemplate.render(template, MODEL)).isEqualTo(expected);
    }

    @Test
    void rendersARealFlaggerTemplate() {
        String template = """
                histogram_quantile(0.99, sum(rate(response_latency_ms_bucket{
                    namespace="{{ namespace }}", deployment=~"{{ target }}", direction="{{ variables.direction }}"
                }[{{ interval }}])) by (le))""";

        assertThat(QueryTemplate.render(template, MODEL)).isEqualTo("""
                histogram_quantile(0.99, sum(rate(response_latency_ms_bucket{
                    namespace="test", deployment=~"podinfo-deploy", direction="inbound"
                }[2m])) by (le))""");
    }

    @Test
    void aMissingVariableIsAnErrorNamingIt() {
        assertThatThrownBy(() -> QueryTemplate.render("x{dir=\"{{ variables.dir }}\"}", MODEL))
                .isInstanceOf(TemplateException.class)
                .hasMessage("template variable \"variables.dir\" is missing: templateVariables has no key \"dir\""
                        + " (it has [direction, status_code])");
    }

    @Test
    void anUnknownFunctionIsAnErrorNamingIt() {
        assertThatThrownBy(() -> QueryTemplate.render("{{ canary }}", MODEL))
                .isInstanceOf(TemplateException.class)
                .hasMessageStartingWith("unknown template function \"canary\"");
        assertThatThrownBy(() -> QueryTemplate.render("{{ if .x }}y{{ end }}", MODEL))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("\"if .x\"");
    }

    @Test
    void bareVariablesNeedAKey() {
        assertThatThrownBy(() -> QueryTemplate.render("{{ variables }}", MODEL))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("{{ variables.KEY }}");
    }

    @Test
    void anUnclosedActionIsAnError() {
        assertThatThrownBy(() -> QueryTemplate.render("sum(x[{{ interval ])", MODEL))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("unclosed action");
    }

    @Test
    void goTrimMarkersAndCommentsWork() {
        assertThat(QueryTemplate.render("a  {{- name -}}  b {{/* why */}}c", MODEL)).isEqualTo("apodinfob c");
    }

    @Test
    void textWithoutActionsIsUnchanged() {
        assertThat(QueryTemplate.render("sum(rate(x{a=\"{b}\"}[5m]))", MODEL)).isEqualTo("sum(rate(x{a=\"{b}\"}[5m]))");
    }

    @Test
    void anEmptyIntervalRendersEmptyAsInFlagger() {
        TemplateModel noInterval = new TemplateModel("n", "ns", "t", "s", "i", "r", "", Map.of());

        assertThat(QueryTemplate.render("rate(x[{{ interval }}])", noInterval)).isEqualTo("rate(x[])");
    }

    @Test
    void theModelFollowsFlaggersToMetricModel() {
        TemplateModel defaults = TemplateModel.of(Canaries.canary(Optional.empty(), Optional.empty(), List.of()), "1m", Map.of());
        assertThat(defaults).isEqualTo(new TemplateModel("podinfo", "test", "podinfo", "podinfo", "podinfo", "podinfo", "1m", Map.of()));

        ObjectNode extra = JsonNodeFactory.instance.objectNode();
        extra.putObject("routeRef").put("name", "podinfo-apisix");
        TemplateModel explicit = TemplateModel.of(Canaries.canary("Deployment", Optional.of("frontend"), Optional.of("podinfo-ing"),
                Optional.of("nginx"), Optional.empty(), List.of(), extra), "30s", Map.of("k", "v"));
        assertThat(explicit).isEqualTo(new TemplateModel("podinfo", "test", "podinfo", "frontend", "podinfo-ing", "podinfo-apisix",
                "30s", Map.of("k", "v")));
    }
}
