package dev.flagstep.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncMetricsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode canary(String namespace, String name) {
        ObjectNode c = JSON.createObjectNode();
        c.putObject("metadata").put("namespace", namespace).put("name", name);
        return c;
    }

    @Test
    void flaggerCanaryTotalCountsTheCanaryObjectsOfEachNamespace() {
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        var lines = SyncMetrics.totals(List.of(canary("test", "a"), canary("prod", "a"), canary("test", "b")), now);

        assertThat(lines).extracting(l -> l.path("namespace").asText() + "=" + l.path("flagger_canary_total").asInt())
                .containsExactly("prod=1", "test=2");
        assertThat(lines.getFirst().at("/_aws/CloudWatchMetrics/0/Dimensions/0/0").asText()).isEqualTo("namespace");
        assertThat(SyncMetrics.totals(List.of(), now)).isEmpty();
    }
}
