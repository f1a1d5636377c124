package dev.flagstep.local.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeStateMachineResponse;
import software.amazon.awssdk.services.sfn.model.InvalidDefinitionException;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sfn.model.StateMachineStatus;
import software.amazon.awssdk.services.sfn.model.StateMachineType;

/**
 * statemachine/canary.asl.json, the file template.yaml deploys, with its {@code ${...FunctionArn}}
 * substitutions filled as CloudFormation fills them (a Lambda alias ARN per phase), through the Step
 * Functions {@code CreateStateMachine} API: it accepts only definitions it can parse as ASL, so this
 * is the definition's check against the service's own parser rather than ours (LocalStack's, or moto's
 * port of it: {@link AwsEmulator}).
 */
class EmulatorStateMachineTest {

    private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{([A-Za-z0-9]+)}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SfnClient sfn;
    private static String roleArn;

    @BeforeAll
    static void client() {
        sfn = AwsEmulator.get().client(SfnClient.builder());
        roleArn = "arn:aws:iam::" + AwsEmulator.get().account() + ":role/flagstep-canary-state-machine";
    }

    @AfterAll
    static void closeClient() {
        if (sfn != null) {
            sfn.close();
        }
    }

    @Test
    void theCanaryDefinitionIsAcceptedByCreateStateMachineAndDescribedBack() throws IOException {
        Map<String, String> substitutions = new TreeMap<>();
        String definition = substitute(definition(), substitutions);
        assertThat(substitutions).as("the phase functions the definition names").hasSize(10)
                .containsKeys("InitializeFunctionArn", "AnalysisFunctionArn", "RollbackFunctionArn");
        assertThat(definition).doesNotContain("${");
        String name = AwsEmulator.unique("flagstep-canary");

        String arn = sfn.createStateMachine(b -> b.name(name).definition(definition).roleArn(roleArn)
                .type(StateMachineType.STANDARD)).stateMachineArn();

        assertThat(arn).startsWith("arn:aws:states:" + AwsEmulator.get().region() + ":" + AwsEmulator.get().account() + ":stateMachine:")
                .endsWith(":" + name);
        DescribeStateMachineResponse described = sfn.describeStateMachine(b -> b.stateMachineArn(arn));
        assertThat(described.name()).isEqualTo(name);
        assertThat(described.status()).isEqualTo(StateMachineStatus.ACTIVE);
        assertThat(described.type()).isEqualTo(StateMachineType.STANDARD);
        assertThat(described.roleArn()).isEqualTo(roleArn);
        assertThat(JSON.readTree(described.definition())).isEqualTo(JSON.readTree(definition));
        assertThat(sfn.listStateMachines().stateMachines()).anySatisfy(m -> assertThat(m.stateMachineArn()).isEqualTo(arn));
    }

    @Test
    void aDefinitionThatIsNotAslIsRefused() {
        // the control: without it, an API that accepted anything would make the test above prove nothing
        String bogus = """
                {"StartAt": "Teleport", "States": {"Teleport": {"Type": "Teleport", "End": true}}}""";

        var refused = assertThatThrownBy(() -> sfn.createStateMachine(b -> b.name(AwsEmulator.unique("bogus"))
                .definition(bogus).roleArn(roleArn)));
        if (AwsEmulator.get().isMoto()) {
            // moto 5.2 refuses it with its parser's message but without AWS's InvalidDefinition error code
            refused.isInstanceOf(SfnException.class).hasMessageContaining("ASLParserException")
                    .satisfies(e -> assertThat(((SfnException) e).statusCode()).isEqualTo(400));
        } else {
            refused.isInstanceOf(InvalidDefinitionException.class);
        }
    }

    /** The definition packaged into this module from statemachine/canary.asl.json (as LocalRuntime reads it). */
    private static String definition() throws IOException {
        try (InputStream in = EmulatorStateMachineTest.class.getResourceAsStream("/statemachine/canary.asl.json")) {
            assertThat(in).as("statemachine/canary.asl.json on the test classpath").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Fills every {@code ${XFunctionArn}} with the ARN of the "live" alias of function "flagstep-X"
     * in the emulator's account and region (template.yaml passes {@code !Ref XFunction.Alias}).
     */
    private static String substitute(String definition, Map<String, String> used) {
        Matcher m = SUBSTITUTION.matcher(definition);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            assertThat(key).as("substitution ${%s}", key).endsWith("FunctionArn");
            String function = "flagstep-" + key.substring(0, key.length() - "FunctionArn".length());
            String arn = "arn:aws:lambda:" + AwsEmulator.get().region() + ":" + AwsEmulator.get().account() + ":function:" + function + ":live";
            used.put(key, arn);
            m.appendReplacement(out, Matcher.quoteReplacement(arn));
        }
        m.appendTail(out);
        return out.toString();
    }
}
