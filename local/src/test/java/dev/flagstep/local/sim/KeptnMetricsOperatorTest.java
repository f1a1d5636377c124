package dev.flagstep.local.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The status the simulated Keptn writes, as Keptn's metrics-operator writes it. */
class KeptnMetricsOperatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    private static ObjectNode analysis(String timeframe) throws Exception {
        return (ObjectNode) JSON.readTree("{\"spec\": {\"analysisDefinition\": {\"name\": \"slo\"}, \"timeframe\": " + timeframe + "}}");
    }

    @Test
    void aPassIsCompletedWithPassAndTheRecentTimeframe() throws Exception {
        ObjectNode s = KeptnMetricsOperator.status(analysis("{\"recent\": \"2m\"}"), NOW, Optional.of("pass"));

        assertThat(s.path("state").asText()).isEqualTo("Completed");
        assertThat(s.path("pass").asBoolean()).isTrue();
        assertThat(s.has("warning")).isFalse();
        assertThat(s.path("timeframe").toString()).isEqualTo("{\"from\":\"2026-03-01T09:58:00Z\",\"to\":\"2026-03-01T10:00:00Z\"}");
        assertThat(JSON.readTree(s.path("raw").asText()).path("pass").asBoolean()).isTrue();
    }

    @Test
    void aFailureOmitsPassAsKeptnsOmitemptyDoesAndAWarningIsAFailureWithWarning() throws Exception {
        ObjectNode fail = KeptnMetricsOperator.status(analysis("{\"recent\": \"1m\"}"), NOW, Optional.of("fail"));
        ObjectNode warning = KeptnMetricsOperator.status(analysis("{\"recent\": \"1m\"}"), NOW, Optional.of("warning"));

        assertThat(fail.path("state").asText()).isEqualTo("Completed");
        assertThat(fail.has("pass")).isFalse();
        assertThat(warning.has("pass")).isFalse();
        assertThat(warning.path("warning").asBoolean()).isTrue();
    }

    @Test
    void withoutItsDefinitionAnAnalysisStaysPendingAndAnUnknownVerdictProgressing() throws Exception {
        ObjectNode fixed = analysis("{\"from\": \"2026-03-01T09:00:00Z\", \"to\": \"2026-03-01T09:05:00Z\"}");

        ObjectNode pending = KeptnMetricsOperator.status(fixed, NOW, Optional.empty());
        assertThat(pending.path("state").asText()).isEqualTo("Pending");
        assertThat(pending.path("timeframe").toString()).isEqualTo("{\"from\":\"2026-03-01T09:00:00Z\",\"to\":\"2026-03-01T09:05:00Z\"}");
        assertThat(KeptnMetricsOperator.status(fixed, NOW, Optional.of("none")).path("state").asText()).isEqualTo("Progressing");
        assertThat(KeptnMetricsOperator.status(fixed, NOW, Optional.of("none")).has("pass")).isFalse();
    }
}
