package dev.flagstep.asl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Everything outside the subset, or invalid, is refused at load time with the state and field named. */
class AslValidationTest {

    private static final String TASK = "\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\","
            + "\"Parameters\":{\"FunctionName\":\"fn\"}";

    private static void refused(String definition, String... messageParts) {
        assertThatThrownBy(() -> AslInterpreter.load(definition, Map.of()))
                .isInstanceOf(AslException.class)
                .message().contains(messageParts);
    }

    private static String single(String state) {
        return AslFixtures.single(state);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // state JSON                                                                      | expected in message
            "{\"Type\":\"Parallel\",\"Branches\":[],\"End\":true}                               | 'Type'; Parallel",
            "{\"Type\":\"Map\",\"End\":true}                                                    | 'Type'; Map",
            "{\"Type\":\"Pass\",\"QueryLanguage\":\"JSONata\",\"End\":true}                      | 'QueryLanguage'; JSONata",
            "{\"Type\":\"Pass\",\"Assign\":{\"x\":1},\"End\":true}                              | 'Assign'; not supported",
            "{\"Type\":\"Pass\",\"Output\":{\"x\":1},\"End\":true}                              | 'Output'; not supported",
            "{\"Type\":\"Pass\",\"Colour\":\"red\",\"End\":true}                                | 'Colour'; not a field of a Pass state",
            "{\"Type\":\"Pass\",\"ResultSelector\":{},\"End\":true}                             | 'ResultSelector'; Pass",
            "{\"Type\":\"Pass\"}                                                                | 'Next'; Next or",
            "{\"Type\":\"Pass\",\"Next\":\"S\",\"End\":true}                                    | 'Next'; not both",
            "{\"Type\":\"Pass\",\"Parameters\":{\"x.$\":\"nope\"},\"End\":true}                   | 'Parameters.x.$'; must start with '$'",
            "{\"Type\":\"Pass\",\"Parameters\":{\"x.$\":\"$.a[*]\"},\"End\":true}                 | 'Parameters.x.$'; not supported",
            "{\"Type\":\"Pass\",\"Parameters\":{\"x.$\":\"$..a\"},\"End\":true}                   | 'Parameters.x.$'; deep scan",
            "{\"Type\":\"Pass\",\"Parameters\":{\"x.$\":\"States.Hash($.a, 'MD5')\"},\"End\":true} | 'Parameters.x.$'; unsupported intrinsic function 'States.Hash'",
            "{\"Type\":\"Pass\",\"Parameters\":{\"x.$\":\"States.Format('{} {}', $.a)\"},\"End\":true} | 'Parameters.x.$'; 2 {} placeholders but 1 arguments",
            "{\"Type\":\"Pass\",\"Parameters\":{\"x.$\":\"States.MathAdd(1)\"},\"End\":true}      | 'Parameters.x.$'; takes 2 arguments",
            "{\"Type\":\"Pass\",\"Parameters\":{\"x.$\":3},\"End\":true}                        | 'Parameters.x.$'; as a string",
            "{\"Type\":\"Pass\",\"ResultPath\":\"$$.x\",\"End\":true}                             | 'ResultPath'; context object",
            "{\"Type\":\"Wait\",\"End\":true}                                                   | 'Seconds'; exactly one",
            "{\"Type\":\"Wait\",\"Seconds\":1,\"SecondsPath\":\"$.s\",\"End\":true}               | 'Seconds/SecondsPath'; exactly one",
            "{\"Type\":\"Wait\",\"Seconds\":-1,\"End\":true}                                    | 'Seconds'; integer",
            "{\"Type\":\"Wait\",\"Timestamp\":\"tomorrow\",\"End\":true}                         | 'Timestamp'; RFC 3339",
            "{\"Type\":\"Fail\",\"Error\":\"E\",\"ErrorPath\":\"$.e\"}                            | 'ErrorPath'; not both",
            "{\"Type\":\"Succeed\",\"Next\":\"S\"}                                              | 'Next'; not a field of a Succeed state",
            "{\"Type\":\"Choice\",\"Choices\":[]}                                               | 'Choices'; non-empty",
            "{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.a\",\"StringEquals\":\"x\"}]}   | 'Choices[0].Next'; needs Next",
            "{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.a\",\"StringEquals\":1,\"Next\":\"S\"}]} | 'Choices[0].StringEquals'; not a valid string operand",
            "{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.a\",\"StringSounds\":\"x\",\"Next\":\"S\"}]} | 'Choices[0].StringSounds'; unknown choice operator",
            "{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.a\",\"BooleanLessThan\":true,\"Next\":\"S\"}]} | 'Choices[0].BooleanLessThan'; unknown",
            "{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.a\",\"IsNull\":true,\"IsString\":true,\"Next\":\"S\"}]} | 'Choices[0]'; exactly one operator",
            "{\"Type\":\"Choice\",\"Choices\":[{\"And\":[{\"Variable\":\"$.a\",\"IsNull\":true,\"Next\":\"S\"}],\"Next\":\"S\"}]} | 'Choices[0].And[0].Next'; only top-level",
            "{\"Type\":\"Choice\",\"Choices\":[{\"Not\":{\"Variable\":\"$.a\"},\"Next\":\"S\"}]}  | 'Choices[0].Not'; no comparison operator",
    })
    void refusesWithStateAndField(String state, String expected) {
        String[] parts = expected.split(";\\s*");
        refused(single(state), parts.length == 1 ? new String[] {"State 'S'", parts[0]}
                : new String[] {"State 'S'", "field " + parts[0], parts[1]});
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "\"Resource\":\"arn:aws:states:::sqs:sendMessage\",\"Parameters\":{}                     | 'Resource'; sqs:sendMessage",
            "\"Resource\":\"arn:aws:lambda:eu-west-1:1:function:f\",\"Parameters\":{}                | 'Resource'; unsupported resource",
            "\"Resource\":\"arn:aws:states:::lambda:invoke\"                                         | 'Parameters'; FunctionName",
            "\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{\"Payload\":{}}           | 'Parameters.FunctionName'; needs FunctionName",
            "\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{\"FunctionName\":\"f\",\"InvocationType\":\"Event\"} | 'Parameters.InvocationType'; not supported",
            "\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{\"FunctionName\":\"f\"},\"HeartbeatSeconds\":5 | 'HeartbeatSeconds'; not supported",
            "\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{\"FunctionName\":\"f\"},\"Arguments\":{} | 'Arguments'; not supported",
            "\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{\"FunctionName\":\"f\"},\"TimeoutSeconds\":0 | 'TimeoutSeconds'; integer from 1",
            "\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{\"FunctionName\":\"f\"},\"TimeoutSeconds\":1,\"TimeoutSecondsPath\":\"$.t\" | 'TimeoutSecondsPath'; not both",
            "\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{\"FunctionName\":\"f\"},\"Retry\":[{\"ErrorEquals\":[\"States.ALL\",\"X\"]}] | 'Retry[0].ErrorEquals'; States.ALL must appear alone",
            "\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{\"FunctionName\":\"f\"},\"Retry\":[{\"ErrorEquals\":[\"States.ALL\"]},{\"ErrorEquals\":[\"X\"]}] | 'Retry[0].ErrorEquals'; only in the last",
            "\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{\"FunctionName\":\"f\"},\"Retry\":[{\"ErrorEquals\":[\"X\"],\"BackoffRate\":0.5}] | 'Retry[0].BackoffRate'; >= 1.0",
            "\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{\"FunctionName\":\"f\"},\"Retry\":[{\"ErrorEquals\":[\"X\"],\"JitterStrategy\":\"HALF\"}] | 'Retry[0].JitterStrategy'; \"FULL\" or \"NONE\"",
            "\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{\"FunctionName\":\"f\"},\"Retry\":[{\"ErrorEquals\":[]}] | 'Retry[0].ErrorEquals'; non-empty",
            "\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{\"FunctionName\":\"f\"},\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Next\":\"S\"},{\"ErrorEquals\":[\"X\"],\"Next\":\"S\"}] | 'Catch[0].ErrorEquals'; only in the last",
            "\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{\"FunctionName\":\"f\"},\"Catch\":[{\"ErrorEquals\":[\"X\"]}] | 'Catch[0].Next'; needs Next",
            "\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{\"FunctionName\":\"f\"},\"Catch\":[{\"ErrorEquals\":[\"X\"],\"Next\":\"Nowhere\"}] | 'Catch[0].Next'; 'Nowhere', which does not exist",
    })
    void refusesTaskConstructs(String fields, String expected) {
        String[] parts = expected.split(";\\s*");
        refused(single("{\"Type\":\"Task\"," + fields + ",\"End\":true}"), "State 'S'", "field " + parts[0], parts[1]);
    }

    @Test
    void refusesMissingOrUnknownTargets() {
        refused("{\"StartAt\":\"Nope\",\"States\":{\"S\":{\"Type\":\"Succeed\"}}}", "StartAt", "'Nope'");
        refused("{\"StartAt\":\"S\",\"States\":{\"S\":{\"Type\":\"Pass\",\"Next\":\"Ghost\"}}}",
                "State 'S'", "field 'Next'", "'Ghost', which does not exist");
        refused("""
                {"StartAt":"C","States":{"C":{"Type":"Choice","Default":"Ghost",
                  "Choices":[{"Variable":"$.a","IsNull":true,"Next":"C"}]}}}""", "State 'C'", "field 'Default'", "'Ghost'");
        refused("{\"StartAt\":\"S\",\"States\":{}}", "States");
        refused("{\"States\":{\"S\":{\"Type\":\"Succeed\"}}}", "StartAt");
    }

    @Test
    void refusesUnreachableStates() {
        refused("{\"StartAt\":\"S\",\"States\":{\"S\":{\"Type\":\"Succeed\"},\"Orphan\":{\"Type\":\"Succeed\"}}}",
                "State 'Orphan'", "cannot be reached");
    }

    @Test
    void refusesTopLevelOddities() {
        refused("{\"StartAt\":\"S\",\"QueryLanguage\":\"JSONata\",\"States\":{\"S\":{\"Type\":\"Succeed\"}}}", "JSONata");
        refused("{\"StartAt\":\"S\",\"Extra\":1,\"States\":{\"S\":{\"Type\":\"Succeed\"}}}", "'Extra'");
        refused("{\"StartAt\":\"S\",\"States\":{\"S\":{\"Type\":\"Succeed\"}}", "not valid JSON");
        refused("{\"StartAt\":\"S\",\"StartAt\":\"S\",\"States\":{\"S\":{\"Type\":\"Succeed\"}}}", "Duplicate field 'StartAt'");
    }

    @Test
    void unfilledPlaceholdersAreNamed() {
        String def = single("{" + TASK.replace("\"fn\"", "\"${InitializeFunctionArn}\"")
                + ",\"Next\":\"${Missing}\",\"End\":true}");
        assertThatThrownBy(() -> AslInterpreter.load(def, Map.of("Other", "x")))
                .isInstanceOf(AslException.class)
                .hasMessageContaining("${InitializeFunctionArn}")
                .hasMessageContaining("${Missing}");
    }

    @Test
    void placeholdersAreSubstitutedBeforeParsing() {
        String def = "{\"StartAt\":\"S\",\"States\":{\"S\":{" + TASK.replace("\"fn\"", "\"${Fn}\"") + ",\"End\":true}}}";
        StateMachine machine = AslInterpreter.load("canary", def, Map.of("Fn", "arn:aws:lambda:eu-west-1:1:function:f"));
        assertThat(machine.stateNames()).containsExactly("S");
        assertThat(machine.arn()).endsWith(":stateMachine:canary");
    }

    @Test
    void acceptsEverySupportedConstructTogether() {
        String def = """
                {"Comment":"all of it","StartAt":"P","TimeoutSeconds":3600,"QueryLanguage":"JSONPath","States":{
                  "P":{"Type":"Pass","Comment":"c","InputPath":"$","Parameters":{"a.$":"States.Format('{}', $.x)"},
                       "Result":1,"ResultPath":"$.r","OutputPath":"$","Next":"T"},
                  "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
                       "Parameters":{"FunctionName.$":"$.fn","Payload":{"t.$":"$$.Task.Token"}},
                       "ResultSelector":{"p.$":"$"},"ResultPath":null,"TimeoutSecondsPath":"$.i",
                       "Retry":[{"ErrorEquals":["Lambda.ServiceException"],"IntervalSeconds":2,"MaxAttempts":6,
                                 "BackoffRate":2.0,"MaxDelaySeconds":30,"JitterStrategy":"NONE","Comment":"c"}],
                       "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.e","Next":"F"}],"Next":"C"},
                  "C":{"Type":"Choice","Choices":[
                         {"And":[{"Variable":"$.d","StringEquals":"x"},{"Not":{"Variable":"$.n","NumericLessThanPath":"$.m"}}],"Next":"W"}],
                       "Default":"S"},
                  "W":{"Type":"Wait","SecondsPath":"$.i","Next":"S"},
                  "S":{"Type":"Succeed"},
                  "F":{"Type":"Fail","ErrorPath":"$.e.Error","CausePath":"States.Format('failed: {}', $.e.Cause)"}}}""";
        assertThat(AslInterpreter.load(def, Map.of()).stateNames()).containsExactly("P", "T", "C", "W", "S", "F");
    }
}
