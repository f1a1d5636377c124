package dev.flagstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Go's url.Values encoding and parsing, with the outputs Go 1.22 gives for the same inputs. */
class GoQueryTest {

    @Test
    void encodeSortsKeysAndEscapesAsQueryEscape() {
        assertThat(GoQuery.encode(Map.of("to", "2", "query", "avg:x{*} by {host} ~a+b/c", "from", "1")))
                .isEqualTo("from=1&query=avg%3Ax%7B%2A%7D+by+%7Bhost%7D+~a%2Bb%2Fc&to=2");
        assertThat(GoQuery.encode(Map.of("nrql", "SELECT 'é' FROM T"))).isEqualTo("nrql=SELECT+%27%C3%A9%27+FROM+T");
    }

    @Test
    void encodeAllKeepsTheValuesOfAKeyInOrder() {
        assertThat(GoQuery.encodeAll(Map.of("target", List.of("b", "a"), "format", List.of("json"))))
                .isEqualTo("format=json&target=b&target=a");
    }

    @Test
    void parseDecodesAndDropsWhatGoCannotRead() {
        assertThat(GoQuery.parse("target=a+b&target=%41&from=-1min&bad=%zz&semi=1;2&&=x&flag"))
                .containsExactly(Map.entry("target", List.of("a b", "A")), Map.entry("from", List.of("-1min")),
                        Map.entry("flag", List.of("")));
    }
}
