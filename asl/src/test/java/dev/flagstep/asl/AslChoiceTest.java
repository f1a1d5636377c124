package dev.flagstep.asl;

import static dev.flagstep.asl.AslFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AslChoiceTest {

    /** A Choice on {@code rule} that goes to "Yes", else to "No" (Default). */
    private static String choice(String rule) {
        return """
                {"StartAt":"C","States":{
                  "C":{"Type":"Choice","Choices":[%s],"Default":"No"},
                  "Yes":{"Type":"Pass","Result":"yes","End":true},
                  "No":{"Type":"Pass","Result":"no","End":true}}}""".formatted(withNext(rule));
    }

    private static String outcome(String rule, String input) throws Exception {
        JsonNode out = AslFixtures.output(choice(rule), input);
        return out.textValue();
    }

    /** Adds Next to the top-level rule object only. */
    private static String withNext(String rule) {
        int close = rule.lastIndexOf('}');
        return rule.substring(0, close) + ",\"Next\":\"Yes\"}";
    }

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "{\"Variable\":\"$.s\",\"StringEquals\":\"a\"}                    | {\"s\":\"a\"}        | yes",
            "{\"Variable\":\"$.s\",\"StringEquals\":\"a\"}                    | {\"s\":\"b\"}        | no",
            "{\"Variable\":\"$.s\",\"StringEquals\":\"1\"}                    | {\"s\":1}            | no",
            "{\"Variable\":\"$.s\",\"StringEqualsPath\":\"$.t\"}              | {\"s\":\"x\",\"t\":\"x\"} | yes",
            "{\"Variable\":\"$.s\",\"StringEqualsPath\":\"$.t\"}              | {\"s\":\"x\",\"t\":\"y\"} | no",
            "{\"Variable\":\"$.s\",\"StringLessThan\":\"b\"}                  | {\"s\":\"a\"}        | yes",
            "{\"Variable\":\"$.n\",\"NumericEquals\":5}                       | {\"n\":5.0}          | yes",
            "{\"Variable\":\"$.n\",\"NumericEquals\":5}                       | {\"n\":\"5\"}        | no",
            "{\"Variable\":\"$.n\",\"NumericLessThan\":5}                     | {\"n\":4.5}          | yes",
            "{\"Variable\":\"$.n\",\"NumericLessThan\":5}                     | {\"n\":5}            | no",
            "{\"Variable\":\"$.n\",\"NumericGreaterThan\":5}                  | {\"n\":6}            | yes",
            "{\"Variable\":\"$.n\",\"NumericGreaterThanEquals\":5}            | {\"n\":5}            | yes",
            "{\"Variable\":\"$.n\",\"NumericLessThanEquals\":5}               | {\"n\":6}            | no",
            "{\"Variable\":\"$.n\",\"NumericGreaterThanPath\":\"$.m\"}         | {\"n\":6,\"m\":5}    | yes",
            "{\"Variable\":\"$.n\",\"NumericLessThanPath\":\"$.m\"}            | {\"n\":6,\"m\":5}    | no",
            "{\"Variable\":\"$.n\",\"NumericEqualsPath\":\"$.m\"}              | {\"n\":2,\"m\":2}    | yes",
            "{\"Variable\":\"$.b\",\"BooleanEquals\":true}                    | {\"b\":true}         | yes",
            "{\"Variable\":\"$.b\",\"BooleanEquals\":true}                    | {\"b\":\"true\"}     | no",
            "{\"Variable\":\"$.b\",\"IsPresent\":true}                        | {\"b\":null}         | yes",
            "{\"Variable\":\"$.b\",\"IsPresent\":true}                        | {}                   | no",
            "{\"Variable\":\"$.b\",\"IsPresent\":false}                       | {}                   | yes",
            "{\"Variable\":\"$.b\",\"IsNull\":true}                           | {\"b\":null}         | yes",
            "{\"Variable\":\"$.b\",\"IsNull\":true}                           | {\"b\":0}            | no",
            "{\"Variable\":\"$.b\",\"IsString\":true}                         | {\"b\":\"s\"}        | yes",
            "{\"Variable\":\"$.b\",\"IsString\":false}                        | {\"b\":1}            | yes",
            "{\"Variable\":\"$.b\",\"IsNumeric\":true}                        | {\"b\":1}            | yes",
            "{\"Variable\":\"$.b\",\"IsNumeric\":true}                        | {\"b\":\"1\"}        | no",
            "{\"Variable\":\"$.s\",\"StringMatches\":\"canary-*.log\"}        | {\"s\":\"canary-7.log\"} | yes",
            "{\"Variable\":\"$.s\",\"StringMatches\":\"canary-*.log\"}        | {\"s\":\"canary-7.txt\"} | no",
            "{\"Variable\":\"$.s\",\"StringMatches\":\"a\\\\*b\"}             | {\"s\":\"a*b\"}      | yes",
            "{\"Variable\":\"$.s\",\"StringMatches\":\"a\\\\*b\"}             | {\"s\":\"axxb\"}     | no",
            "{\"Variable\":\"$.t\",\"TimestampLessThan\":\"2026-01-02T00:00:00Z\"} | {\"t\":\"2026-01-01T23:00:00Z\"} | yes",
            "{\"Variable\":\"$$.State.Name\",\"StringEquals\":\"C\"}          | {}                   | yes",
    })
    void comparisons(String rule, String input, String expected) throws Exception {
        assertThat(outcome(rule, input)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "{\"And\":[{\"Variable\":\"$.a\",\"NumericGreaterThan\":1},{\"Variable\":\"$.b\",\"StringEquals\":\"x\"}]} | {\"a\":2,\"b\":\"x\"} | yes",
            "{\"And\":[{\"Variable\":\"$.a\",\"NumericGreaterThan\":1},{\"Variable\":\"$.b\",\"StringEquals\":\"x\"}]} | {\"a\":2,\"b\":\"y\"} | no",
            "{\"Or\":[{\"Variable\":\"$.a\",\"NumericGreaterThan\":1},{\"Variable\":\"$.b\",\"StringEquals\":\"x\"}]}  | {\"a\":0,\"b\":\"x\"} | yes",
            "{\"Or\":[{\"Variable\":\"$.a\",\"NumericGreaterThan\":1},{\"Variable\":\"$.b\",\"StringEquals\":\"x\"}]}  | {\"a\":0,\"b\":\"y\"} | no",
            "{\"Not\":{\"Variable\":\"$.a\",\"StringEquals\":\"x\"}}                                                      | {\"a\":\"y\"}         | yes",
            "{\"Not\":{\"Variable\":\"$.a\",\"StringEquals\":\"x\"}}                                                      | {\"a\":\"x\"}         | no",
            "{\"And\":[{\"Variable\":\"$.a\",\"IsPresent\":true},{\"Not\":{\"Variable\":\"$.a\",\"IsNull\":true}}]}      | {\"a\":null}          | no",
    })
    void combinators(String rule, String input, String expected) throws Exception {
        assertThat(outcome(rule, input)).isEqualTo(expected);
    }

    @Test
    void firstMatchingChoiceWinsAndChoiceOutputIsItsInput() throws Exception {
        String def = """
                {"StartAt":"C","States":{
                  "C":{"Type":"Choice","InputPath":"$.in","OutputPath":"$.v","Choices":[
                     {"Variable":"$.v","NumericGreaterThan":1,"Next":"First"},
                     {"Variable":"$.v","NumericGreaterThan":0,"Next":"Second"}]},
                  "First":{"Type":"Pass","Parameters":{"first.$":"$"},"End":true},
                  "Second":{"Type":"Pass","Parameters":{"second.$":"$"},"End":true}}}""";
        // First sees the Choice's output: its input narrowed by InputPath, then by OutputPath
        assertThat(AslFixtures.output(def, "{\"in\":{\"v\":5}}")).isEqualTo(json("{\"first\":5}"));
    }

    @Test
    void noMatchAndNoDefaultFailsWithNoChoiceMatched() throws Exception {
        String def = """
                {"StartAt":"C","States":{
                  "C":{"Type":"Choice","Choices":[{"Variable":"$.v","StringEquals":"x","Next":"Yes"}]},
                  "Yes":{"Type":"Succeed"}}}""";
        Execution e = AslFixtures.run(def, "{\"v\":\"y\"}", AslFixtures.NO_TASKS);
        assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(e.error()).contains("States.NoChoiceMatched");
    }

    @Test
    void aVariableThatMatchesNothingIsAStatesRuntimeError() throws Exception {
        Execution e = AslFixtures.run(choice("{\"Variable\":\"$.missing\",\"StringEquals\":\"x\"}"), "{}",
                AslFixtures.NO_TASKS);
        assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(e.error()).contains("States.Runtime");
        assertThat(e.cause().orElseThrow()).contains("$.missing");
    }
}
