package dev.flagstep.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.observability.EmfDocument.Unit;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmfDocumentTest {

    /** The compact text of a JSON document: numbers, key order and all. */
    static String text(String json) {
        try {
            return new ObjectMapper().readTree(json).toString();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    @Test
    void metricsSharingTheirDimensionSetsShareOneDirective() throws Exception {
        var line = EmfDocument.at(NOW).dimension("name", "podinfo")
                .metric("a", Unit.COUNT, 1, List.of(List.of("name"), List.of()))
                .metric("b", Unit.SECONDS, 1.5, List.of(List.of("name"), List.of()))
                .metric("c", Unit.NONE, 2, List.of(List.of("name")))
                .json();

        assertThat(line).hasToString(text("""
                {"_aws": {"Timestamp": 1795514400000, "CloudWatchMetrics": [
                  {"Namespace": "flagstep", "Dimensions": [["name"], []],
                   "Metrics": [{"Name": "a", "Unit": "Count"}, {"Name": "b", "Unit": "Seconds"}]},
                  {"Namespace": "flagstep", "Dimensions": [["name"]], "Metrics": [{"Name": "c", "Unit": "None"}]}]},
                 "name": "podinfo", "a": 1, "b": 1.5, "c": 2}"""));
    }

    @Test
    void aDimensionWithoutAValueIsRefused() {
        var doc = EmfDocument.at(NOW).metric("a", Unit.COUNT, 1, List.of(List.of("name")));

        assertThatThrownBy(doc::json).hasMessageContaining("dimension name has no value");
    }

    @Test
    void cloudWatchLimitsAreRefusedNotDropped() {
        var doc = EmfDocument.at(NOW);
        for (int i = 0; i < EmfDocument.MAX_METRICS; i++) {
            doc.metric("m" + i, Unit.COUNT, i, List.of(List.of()));
        }
        assertThatThrownBy(() -> doc.metric("one-more", Unit.COUNT, 0, List.of(List.of())))
                .hasMessageContaining("more than 100 metrics");

        List<String> wide = java.util.stream.IntStream.range(0, 31).mapToObj(i -> "d" + i).toList();
        assertThatThrownBy(() -> EmfDocument.at(NOW).metric("x", Unit.COUNT, 0, List.of(wide)))
                .hasMessageContaining("more than 30 dimensions");
    }

    @Test
    void aValueJsonCannotHoldIsRefused() {
        assertThatThrownBy(() -> EmfDocument.at(NOW).metric("x", Unit.NONE, Double.NaN, List.of(List.of())))
                .hasMessageContaining("metric x: NaN");
    }

    @Test
    void aNameIsEitherADimensionOrAMetricOnce() {
        assertThatThrownBy(() -> EmfDocument.at(NOW).dimension("name", "a").metric("name", Unit.COUNT, 1, List.of()))
                .hasMessageContaining("name given twice");
        assertThatThrownBy(() -> EmfDocument.at(NOW).dimension("name", "a").dimension("name", "b"))
                .hasMessageContaining("name given twice");
    }
}
