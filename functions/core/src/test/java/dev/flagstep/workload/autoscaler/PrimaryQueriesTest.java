package dev.flagstep.workload.autoscaler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PrimaryQueriesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "sum(rate(http_requests_total{deployment=\"podinfo\"}[1m]))|sum(rate(http_requests_total{deployment=\"podinfo-primary\"}[1m]))",
            "x{deployment=\"podinfo-canary\"}|x{deployment=\"podinfo-primary\"}",
            // Flagger makes these podinfo-primary-primary
            "x{deployment=\"podinfo-primary\"}|x{deployment=\"podinfo-primary\"}",
            "a{d=\"podinfo-canary\"} + b{d=\"podinfo\"} + c{d=\"podinfo-primary\"}|a{d=\"podinfo-primary\"} + b{d=\"podinfo-primary\"} + c{d=\"podinfo-primary\"}",
            // a plain substring match, as Flagger's: pod name patterns follow the workload
            "x{pod=~\"podinfo-[a-z0-9]+-[a-z0-9]+\"}|x{pod=~\"podinfo-primary-[a-z0-9]+-[a-z0-9]+\"}",
            "x{app=\"podinfo-backend\"}|x{app=\"podinfo-primary-backend\"}",
            "podinfopodinfo|podinfo-primarypodinfo-primary",
            "up|up",
            "''|''"})
    void rewritesTheTargetsNameForThePrimary(String query, String expected) {
        assertThat(PrimaryQueries.rewrite(query, "podinfo")).isEqualTo(expected);
    }

    @Test
    void withoutPrimaryScalerQueriesEveryTriggerQueryIsRewrittenAndNothingElse() throws Exception {
        JsonNode triggers = JSON.readTree("""
                [{"type": "prometheus", "name": "prom", "metadata": {"query": "q{app=\\"podinfo\\"}", "serverAddress": "http://podinfo:9090"}},
                 {"type": "cpu", "metadata": {"value": "80"}},
                 {"type": "prometheus", "metadata": {"query": "r{app=\\"podinfo-canary\\"}"}}]""");
        PrimaryQueries.rewrite(triggers, "podinfo", Optional.empty());
        assertThat(triggers).isEqualTo(JSON.readTree("""
                [{"type": "prometheus", "name": "prom", "metadata": {"query": "q{app=\\"podinfo-primary\\"}", "serverAddress": "http://podinfo:9090"}},
                 {"type": "cpu", "metadata": {"value": "80"}},
                 {"type": "prometheus", "metadata": {"query": "r{app=\\"podinfo-primary\\"}"}}]"""));
    }

    @Test
    void primaryScalerQueriesReplaceNamedTriggersOnlyAndTurnTheRewriteOff() throws Exception {
        JsonNode triggers = JSON.readTree("""
                [{"type": "prometheus", "name": "prom", "metadata": {"query": "q{app=\\"podinfo\\"}"}},
                 {"type": "prometheus", "name": "other", "metadata": {"query": "o{app=\\"podinfo\\"}"}},
                 {"type": "prometheus", "metadata": {"query": "u{app=\\"podinfo\\"}"}},
                 {"type": "prometheus", "name": "bare"}]""");
        PrimaryQueries.rewrite(triggers, "podinfo", Optional.of(Map.of("prom", "primary-query", "bare", "b", "absent", "a")));
        assertThat(triggers).isEqualTo(JSON.readTree("""
                [{"type": "prometheus", "name": "prom", "metadata": {"query": "primary-query"}},
                 {"type": "prometheus", "name": "other", "metadata": {"query": "o{app=\\"podinfo\\"}"}},
                 {"type": "prometheus", "metadata": {"query": "u{app=\\"podinfo\\"}"}},
                 {"type": "prometheus", "name": "bare", "metadata": {"query": "b"}}]"""));

        JsonNode untouched = JSON.readTree("[{\"name\": \"prom\", \"metadata\": {\"query\": \"q{app=\\\"podinfo\\\"}\"}}]");
        JsonNode before = untouched.deepCopy();
        PrimaryQueries.rewrite(untouched, "podinfo", Optional.of(Map.of()));
        assertThat(untouched).isEqualTo(before);
    }
}
