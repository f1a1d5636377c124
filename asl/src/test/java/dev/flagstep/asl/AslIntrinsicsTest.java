package dev.flagstep.asl;

import static dev.flagstep.asl.AslFixtures.json;
import static dev.flagstep.asl.AslFixtures.output;
import static dev.flagstep.asl.AslFixtures.single;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class AslIntrinsicsTest {

    /** The value of {@code expression} (a {@code .$} value) evaluated against {@code input}. */
    private static JsonNode eval(String expression, String input) throws Exception {
        String def = single("{\"Type\":\"Pass\",\"Parameters\":{\"v.$\":" + AslFixtures.MAPPER.writeValueAsString(expression)
                + "},\"End\":true}");
        return output(def, input).get("v");
    }

    @Test
    void format() throws Exception {
        assertThat(eval("States.Format('{}/{} weight {}% ok={} n={}', $.ns, $.name, $.w, $.ok, $.none)",
                "{\"ns\":\"default\",\"name\":\"podinfo\",\"w\":10,\"ok\":true,\"none\":null}").textValue())
                .isEqualTo("default/podinfo weight 10% ok=true n=null");
    }

    @Test
    void formatEscapes() throws Exception {
        assertThat(eval("States.Format('literal \\{\\} and \\' and {}', 'x')", "{}").textValue())
                .isEqualTo("literal {} and ' and x");
    }

    @Test
    void formatRefusesObjectArguments() throws Exception {
        String def = single("{\"Type\":\"Pass\",\"Parameters\":{\"v.$\":\"States.Format('{}', $)\"},\"End\":true}");
        Execution e = AslFixtures.run(def, "{\"a\":1}", AslFixtures.NO_TASKS);
        assertThat(e.error()).contains("States.Runtime");
        assertThat(e.cause().orElseThrow()).contains("States.Format");
    }

    @Test
    void stringToJsonAndBack() throws Exception {
        assertThat(eval("States.StringToJson($.s)", "{\"s\":\"{\\\"a\\\":[1,2]}\"}")).isEqualTo(json("{\"a\":[1,2]}"));
        assertThat(eval("States.JsonToString($.o)", "{\"o\":{\"a\":[1,2]}}").textValue()).isEqualTo("{\"a\":[1,2]}");
    }

    @Test
    void arrayAndNestedCalls() throws Exception {
        assertThat(eval("States.Array('a', 1, true, null, $.o, States.MathAdd($.n, -3))", "{\"o\":{\"k\":1},\"n\":5}"))
                .isEqualTo(json("[\"a\",1,true,null,{\"k\":1},2]"));
        assertThat(eval("States.Array()", "{}")).isEqualTo(json("[]"));
    }

    @Test
    void mathAddWantsIntegers() throws Exception {
        assertThat(eval("States.MathAdd($.a, 1)", "{\"a\":41}").intValue()).isEqualTo(42);
        String def = single("{\"Type\":\"Pass\",\"Parameters\":{\"v.$\":\"States.MathAdd($.a, 1)\"},\"End\":true}");
        assertThat(AslFixtures.run(def, "{\"a\":1.5}", AslFixtures.NO_TASKS).error()).contains("States.Runtime");
    }

    @Test
    void uuidIsFreshEachTime() throws Exception {
        JsonNode out = output(single("""
                {"Type":"Pass","Parameters":{"a.$":"States.UUID()","b.$":"States.UUID()"},"End":true}"""), "{}");
        assertThat(out.get("a").textValue()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(out.get("a")).isNotEqualTo(out.get("b"));
    }

    @Test
    void arrayHelpersAndSplitAndMergeAndBase64() throws Exception {
        assertThat(eval("States.ArrayLength($.l)", "{\"l\":[1,2,3]}").intValue()).isEqualTo(3);
        assertThat(eval("States.ArrayGetItem($.l, 1)", "{\"l\":[1,2,3]}").intValue()).isEqualTo(2);
        assertThat(eval("States.ArrayContains($.l, 3)", "{\"l\":[1,2,3]}").booleanValue()).isTrue();
        assertThat(eval("States.StringSplit($.s, ',')", "{\"s\":\"a,b,,c\"}")).isEqualTo(json("[\"a\",\"b\",\"c\"]"));
        assertThat(eval("States.JsonMerge($.a, $.b, false)", "{\"a\":{\"x\":1,\"y\":1},\"b\":{\"y\":2}}"))
                .isEqualTo(json("{\"x\":1,\"y\":2}"));
        assertThat(eval("States.Base64Decode(States.Base64Encode('héllo'))", "{}").textValue()).isEqualTo("héllo");
    }

    @Test
    void contextPathsAsArguments() throws Exception {
        assertThat(eval("States.Format('{} in {}', $$.State.Name, $$.Execution.Name)", "{}").textValue())
                .isEqualTo("S in test");
    }
}
