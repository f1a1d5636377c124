package dev.flagstep.asl;

import static dev.flagstep.asl.AslFixtures.json;
import static dev.flagstep.asl.AslFixtures.output;
import static dev.flagstep.asl.AslFixtures.single;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AslPassTest {

    @Test
    void passWithoutFieldsPassesInputThrough() throws Exception {
        assertThat(output(single("{\"Type\":\"Pass\",\"End\":true}"), "{\"a\":1}")).isEqualTo(json("{\"a\":1}"));
    }

    @Test
    void resultReplacesInputByDefault() throws Exception {
        assertThat(output(single("{\"Type\":\"Pass\",\"Result\":{\"x\":true},\"End\":true}"), "{\"a\":1}"))
                .isEqualTo(json("{\"x\":true}"));
    }

    @Test
    void resultPathMergesIntoRawInputCreatingMissingObjects() throws Exception {
        String def = single("""
                {"Type":"Pass","InputPath":"$.a","Result":"r","ResultPath":"$.deep.er.value","End":true}""");
        assertThat(output(def, "{\"a\":{\"k\":1},\"deep\":{\"keep\":2}}"))
                .isEqualTo(json("{\"a\":{\"k\":1},\"deep\":{\"keep\":2,\"er\":{\"value\":\"r\"}}}"));
    }

    @Test
    void resultPathReplacesAnArrayElement() throws Exception {
        String def = single("{\"Type\":\"Pass\",\"Result\":9,\"ResultPath\":\"$.list[1]\",\"End\":true}");
        assertThat(output(def, "{\"list\":[1,2,3]}")).isEqualTo(json("{\"list\":[1,9,3]}"));
    }

    @Test
    void nullResultPathDiscardsTheResult() throws Exception {
        String def = single("{\"Type\":\"Pass\",\"Result\":\"gone\",\"ResultPath\":null,\"End\":true}");
        assertThat(output(def, "{\"a\":1}")).isEqualTo(json("{\"a\":1}"));
    }

    @Test
    void resultPathThroughAScalarIsAStatesRuntimeError() throws Exception {
        String def = single("{\"Type\":\"Pass\",\"Result\":1,\"ResultPath\":\"$.a.b\",\"End\":true}");
        Execution e = AslFixtures.run(def, "{\"a\":\"text\"}", AslFixtures.NO_TASKS);
        assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(e.error()).contains("States.Runtime");
        assertThat(e.cause().orElseThrow()).contains("$.a.b");
    }

    @Test
    void parametersWithPathsNestedObjectsArraysAndContext() throws Exception {
        String def = single("""
                {"Type":"Pass","Parameters":{
                   "static":"s",
                   "picked.$":"$.in.x",
                   "bracket.$":"$['in']['y z']",
                   "first.$":"$.list[0]",
                   "nested":{"deeper.$":"$.in","arr":[{"v.$":"$.list[1]"},3]},
                   "state.$":"$$.State.Name"},
                 "End":true}""");
        assertThat(output(def, "{\"in\":{\"x\":1,\"y z\":2},\"list\":[\"a\",\"b\"]}")).isEqualTo(json("""
                {"static":"s","picked":1,"bracket":2,"first":"a",
                 "nested":{"deeper":{"x":1,"y z":2},"arr":[{"v":"b"},3]},"state":"S"}"""));
    }

    @Test
    void inputPathParametersResultPathOutputPathInSpecOrder() throws Exception {
        // Parameters sees the InputPath-filtered input; ResultPath writes into the raw input
        String def = single("""
                {"Type":"Pass","InputPath":"$.in","Parameters":{"got.$":"$.v"},
                 "ResultPath":"$.out","OutputPath":"$.out","End":true}""");
        assertThat(output(def, "{\"in\":{\"v\":7},\"other\":1}")).isEqualTo(json("{\"got\":7}"));
    }

    @Test
    void nullInputPathAndOutputPathGiveEmptyObjects() throws Exception {
        assertThat(output(single("{\"Type\":\"Pass\",\"InputPath\":null,\"End\":true}"), "{\"a\":1}"))
                .isEqualTo(json("{}"));
        assertThat(output(single("{\"Type\":\"Pass\",\"OutputPath\":null,\"End\":true}"), "{\"a\":1}"))
                .isEqualTo(json("{}"));
    }

    @Test
    void aParameterPathThatMatchesNothingFailsWithStatesRuntime() throws Exception {
        String def = single("{\"Type\":\"Pass\",\"Parameters\":{\"x.$\":\"$.missing\"},\"End\":true}");
        Execution e = AslFixtures.run(def, "{}", AslFixtures.NO_TASKS);
        assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(e.error()).contains("States.Runtime");
        assertThat(e.cause().orElseThrow()).contains("$.missing").contains("x.$");
    }

    @Test
    void missingOutputPathFailsWithStatesRuntime() throws Exception {
        Execution e = AslFixtures.run(single("{\"Type\":\"Pass\",\"OutputPath\":\"$.nope\",\"End\":true}"),
                "{}", AslFixtures.NO_TASKS);
        assertThat(e.error()).contains("States.Runtime");
    }

    @Test
    void passChainFollowsNext() throws Exception {
        String def = """
                {"StartAt":"A","States":{
                  "A":{"Type":"Pass","Result":1,"ResultPath":"$.a","Next":"B"},
                  "B":{"Type":"Pass","Result":2,"ResultPath":"$.b","Next":"C"},
                  "C":{"Type":"Succeed","OutputPath":"$.b"}}}""";
        assertThat(output(def, "{}")).isEqualTo(json("2"));
    }
}
