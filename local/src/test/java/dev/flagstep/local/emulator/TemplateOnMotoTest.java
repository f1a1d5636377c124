package dev.flagstep.local.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.store.CanaryTable;
import dev.flagstep.testing.MotoServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * template.yaml, translated by aws-sam-translator as {@code sam deploy} would, created as a stack on moto's
 * CloudFormation: what moto then describes is what the template declares. Resource types moto cannot create are
 * left out of the stack by {@code emulator/moto_stack.py} and checked here statically in the translated template.
 * Skipped where python3 with moto and aws-sam-translator is missing.
 */
class TemplateOnMotoTest {

    static final String STACK = "flagstep";
    static final List<String> PARAMETERS = List.of("ClusterName=demo");
    /** The types the template uses that moto 5.2's CloudFormation has no model for (checked statically below). */
    static final Set<String> NOT_ON_MOTO = Set.of("AWS::Lambda::Alias", "AWS::Lambda::EventInvokeConfig",
            "AWS::EKS::AccessEntry", "AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm",
            "AWS::ApiGatewayV2::Api", "AWS::ApiGatewayV2::Stage", "AWS::Scheduler::Schedule",
            // the gate links' generated key; TemplateSecurityTest checks it in the template
            "AWS::SecretsManager::Secret");
    static final ObjectMapper JSON = new ObjectMapper();

    static MotoServer moto;
    static JsonNode translated;
    static JsonNode stack;

    @BeforeAll
    static void createStack() throws Exception {
        assumeTrue(MotoServer.available(), () -> "skipped: " + MotoServer.unavailable().orElse(""));
        PythonScript.Result sam = PythonScript.run("/emulator/sam_translate.py", "", Duration.ofMinutes(1),
                List.of("--check"));
        assumeTrue(sam.exitCode() == 0, () -> "skipped: aws-sam-translator is not installed for python3: " + sam.err());
        List<String> args = new ArrayList<>(List.of(RepoRoot.path().resolve("template.yaml").toString()));
        args.addAll(PARAMETERS);
        String cfn = PythonScript.run("/emulator/sam_translate.py", "", Duration.ofMinutes(1), args)
                .outOrFail("sam_translate.py");
        translated = JSON.readTree(cfn);
        moto = MotoServer.start();
        List<String> stackArgs = new ArrayList<>(List.of(moto.endpoint().toString(), STACK));
        stackArgs.addAll(PARAMETERS);
        PythonScript.Result created = PythonScript.run("/emulator/moto_stack.py", cfn, Duration.ofMinutes(2), stackArgs);
        if (created.exitCode() != 0) {
            throw new AssertionError("the stack was not created on moto:\n" + created.err() + "\nmoto's log:\n" + moto.log());
        }
        stack = JSON.readTree(created.out());
    }

    @AfterAll
    static void stop() {
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void theStackIsCreatedWithOnlyTheTypesMotoLacksLeftOut() {
        assertThat(stack.get("stackStatus").asText()).isEqualTo("CREATE_COMPLETE");
        Set<String> stripped = new TreeSet<>();
        stack.get("stripped").forEach(t -> stripped.add(t.asText()));
        assertThat(stripped).as("types left out of the stack").isEqualTo(new TreeSet<>(NOT_ON_MOTO));
        stack.get("dependents").forEach(t -> assertThat(t.asText()).isEqualTo("AWS::Lambda::Permission"));
        Set<String> expected = new TreeSet<>();
        translated.get("Resources").properties().forEach(r -> expected.add(r.getKey()));
        stack.get("stripped").fieldNames().forEachRemaining(expected::remove);
        stack.get("dependents").fieldNames().forEachRemaining(expected::remove);
        Set<String> created = new TreeSet<>();
        stack.get("resources").fieldNames().forEachRemaining(created::add);
        assertThat(created).as("resources moto created").isEqualTo(expected);
    }

    @Test
    void theTableHasTheStoresKeysIndexAndTtl() {
        JsonNode table = only(stack.get("tables"));
        assertThat(keys(table.get("KeySchema"))).containsExactly(CanaryTable.PK + " HASH", CanaryTable.SK + " RANGE");
        assertThat(table.at("/BillingModeSummary/BillingMode").asText()).isEqualTo("PAY_PER_REQUEST");
        assertThat(table.get("GlobalSecondaryIndexes")).hasSize(1);
        JsonNode gsi = table.get("GlobalSecondaryIndexes").get(0);
        assertThat(gsi.get("IndexName").asText()).isEqualTo(CanaryTable.STATUS_INDEX);
        assertThat(keys(gsi.get("KeySchema"))).containsExactly(CanaryTable.GSI_PK + " HASH", CanaryTable.GSI_SK + " RANGE");
        assertThat(gsi.at("/Projection/ProjectionType").asText()).isEqualTo("ALL");
        // moto's CloudFormation creates the table without its TimeToLiveSpecification (TTL stays DISABLED there):
        // the TTL is checked in the translated template.
        JsonNode ttl = translated.at("/Resources/CanaryTable/Properties/TimeToLiveSpecification");
        assertThat(ttl.get("AttributeName").asText()).isEqualTo(CanaryTable.TTL_ATTRIBUTE);
        assertThat(ttl.get("Enabled").asBoolean()).isTrue();
        assertThat(stack.at("/outputs/TableName").asText()).isEqualTo(table.get("TableName").asText());
    }

    @Test
    void theBusAndTheRulesRouteRolloutRequestsToTheLiveAliases() throws Exception {
        assertThat(stack.get("buses")).hasSize(1);
        String bus = stack.get("buses").get(0).get("Name").asText();
        assertThat(bus).isEqualTo(STACK + "-events");
        assertThat(stack.at("/outputs/EventBusName").asText()).isEqualTo(bus);
        Map<String, String> rules = new TreeMap<>(); // "bus pattern" -> target
        for (JsonNode rule : stack.get("rules")) {
            assertThat(rule.get("State").asText()).isEqualTo("ENABLED");
            assertThat(rule.get("Targets")).as(rule.get("Name").asText()).hasSize(1);
            rules.put(rule.get("EventBusName").asText() + " " + JSON.readTree(rule.get("EventPattern").asText()),
                    rule.get("Targets").get(0).get("Arn").asText());
        }
        assertThat(rules).containsExactlyInAnyOrderEntriesOf(Map.of(
                bus + " {\"detail-type\":[\"Rollout Requested\"],\"source\":[\"flagstep.trigger\"]}", live("RolloutTriggerFunction"),
                "default {\"detail\":{\"action-type\":[\"PUSH\"],\"result\":[\"SUCCESS\"]},\"detail-type\":[\"ECR Image Action\"],"
                        + "\"source\":[\"aws.ecr\"]}", live("RolloutTriggerFunction")));
    }

    @Test
    void theStateMachineInvokesTheLiveAliasOfTheFunctionEachTaskNames() throws Exception {
        JsonNode machine = only(stack.get("stateMachines"));
        assertThat(machine.get("name").asText()).isEqualTo(STACK + "-canary");
        assertThat(machine.get("stateMachineArn").asText()).isEqualTo(stack.at("/outputs/StateMachineArn").asText());
        assertThat(machine.get("roleArn").asText()).isEqualTo(stack.at("/roles/CanaryStateMachineRole/Arn").asText());
        String definition = machine.get("definition").asText();
        assertThat(definition).as("placeholders left after the substitution").doesNotContain("${");
        JsonNode states = JSON.readTree(definition).get("States");
        JsonNode original = JSON.readTree(RepoRoot.path().resolve("statemachine/canary.asl.json").toFile()).get("States");
        JsonNode resources = translated.get("Resources");
        JsonNode substitutions = resources.at("/CanaryStateMachine/Properties/DefinitionSubstitutions");
        Set<String> invoked = new TreeSet<>();
        original.properties().forEach(state -> {
            Matcher m = Pattern.compile("\\$\\{(\\w+)}").matcher(state.getValue().at("/Parameters/FunctionName").asText());
            if (m.matches()) {
                String alias = substitutions.path(m.group(1)).path("Ref").asText();
                assertThat(resources.path(alias).path("Type").asText())
                        .as(state.getKey() + ": " + m.group(1) + " is substituted by an alias").isEqualTo("AWS::Lambda::Alias");
                String arn = live(resources.path(alias).at("/Properties/FunctionName/Ref").asText());
                assertThat(states.get(state.getKey()).at("/Parameters/FunctionName").asText()).as(state.getKey()).isEqualTo(arn);
                invoked.add(arn);
            }
        });
        assertThat(invoked).hasSize(10);
        Set<String> allowed = new TreeSet<>();
        stack.at("/roles/CanaryStateMachineRole/InlinePolicies").forEach(policy -> policy.get("Statement").forEach(st -> {
            if (st.get("Action").toString().contains("lambda:InvokeFunction")) {
                st.get("Resource").forEach(r -> allowed.add(r.asText()));
            }
        }));
        assertThat(allowed).as("the state machine role may invoke exactly the aliases its Tasks name").isEqualTo(invoked);
    }

    @Test
    void everyFunctionRunsItsHandlerWithItsOwnRoleTheTableAndTheBus() {
        JsonNode resources = translated.get("Resources");
        Set<String> declared = new TreeSet<>();
        resources.properties().forEach(r -> {
            if (r.getValue().path("Type").asText().equals("AWS::Lambda::Function")) {
                declared.add(r.getKey());
            }
        });
        Set<String> created = new TreeSet<>();
        stack.get("functions").fieldNames().forEachRemaining(created::add);
        assertThat(created).isEqualTo(declared);
        String table = only(stack.get("tables")).get("TableName").asText();
        for (String id : declared) {
            JsonNode fn = stack.at("/functions/" + id);
            JsonNode props = resources.at("/" + id + "/Properties");
            assertThat(fn.get("Handler").asText()).as(id).isEqualTo(props.get("Handler").asText());
            assertThat(fn.get("Runtime").asText()).as(id).isEqualTo("java21");
            assertThat(fn.get("MemorySize").asInt()).as(id).isEqualTo(props.get("MemorySize").asInt());
            assertThat(fn.get("Timeout").asInt()).as(id).isEqualTo(props.get("Timeout").asInt());
            JsonNode role = stack.at("/roles/" + id + "Role");
            assertThat(fn.get("Role").asText()).as(id + " runs with its own role").isEqualTo(role.get("Arn").asText());
            assertThat(role.at("/AssumeRolePolicyDocument/Statement/0/Principal/Service").asText())
                    .isEqualTo("lambda.amazonaws.com");
            assertThat(role.get("InlinePolicies").size()).as(id + " role policies").isPositive();
            assertThat(fn.at("/Environment/Variables/TABLE_NAME").asText()).as(id).isEqualTo(table);
            assertThat(fn.at("/Environment/Variables/EVENT_BUS_NAME").asText()).as(id).isEqualTo(STACK + "-events");
            assertThat(fn.at("/Environment/Variables/CLUSTER_NAME").asText()).as(id).isEqualTo("demo");
        }
    }

    /** The types moto cannot create, checked in the translated template instead. */
    @Test
    void whatMotoCannotCreateReferencesOnlyWhatExists() {
        JsonNode resources = translated.get("Resources");
        Set<String> functions = new TreeSet<>();
        stack.get("functions").fieldNames().forEachRemaining(functions::add);
        List<String> checked = new ArrayList<>();
        resources.properties().forEach(e -> {
            String id = e.getKey();
            JsonNode r = e.getValue();
            String type = r.get("Type").asText();
            if (!NOT_ON_MOTO.contains(type) && !stack.get("dependents").has(id)) {
                return;
            }
            checked.add(id);
            for (String ref : references(r)) {
                assertThat(resources.has(ref) || translated.path("Parameters").has(ref) || ref.startsWith("AWS::"))
                        .as(id + " refers to " + ref).isTrue();
            }
            JsonNode p = r.get("Properties");
            switch (type) {
                case "AWS::Lambda::Alias" -> {
                    assertThat(p.get("Name").asText()).isEqualTo("live");
                    String fn = p.at("/FunctionName/Ref").asText();
                    assertThat(functions).as(id).contains(fn);
                    String version = p.at("/FunctionVersion/Fn::GetAtt/0").asText();
                    assertThat(resources.at("/" + version + "/Type").asText()).isEqualTo("AWS::Lambda::Version");
                    assertThat(resources.at("/" + version + "/Properties/FunctionName/Ref").asText()).as(id).isEqualTo(fn);
                }
                case "AWS::EKS::AccessEntry" -> {
                    assertThat(r.get("Condition").asText()).isEqualTo("CreateAccessEntries");
                    assertThat(p.at("/ClusterName/Ref").asText()).isEqualTo("ClusterName");
                    assertThat(p.at("/KubernetesGroups/0").asText()).isEqualTo("flagstep-canaries");
                    String role = p.at("/PrincipalArn/Fn::GetAtt/0").asText();
                    assertThat(stack.at("/roles/" + role).isMissingNode()).as(id + " names role " + role).isFalse();
                    assertThat(p.at("/PrincipalArn/Fn::GetAtt/1").asText()).isEqualTo("Arn");
                }
                case "AWS::Scheduler::Schedule" -> {
                    assertThat(p.at("/ScheduleExpression/Ref").asText()).isEqualTo("SyncSchedule");
                    assertThat(p.at("/Target/Arn/Ref").asText()).isEqualTo("SyncFunctionAliaslive");
                }
                case "AWS::Lambda::Permission" -> {
                    String alias = p.at("/FunctionName/Ref").asText();
                    assertThat(resources.at("/" + alias + "/Type").asText()).as(id).isEqualTo("AWS::Lambda::Alias");
                }
                default -> { }
            }
        });
        assertThat(checked).hasSizeGreaterThanOrEqualTo(NOT_ON_MOTO.size());
    }

    /** The ARN CloudFormation gives a Ref to a function's {@code live} alias. */
    static String live(String function) {
        JsonNode fn = stack.at("/functions/" + function);
        assertThat(fn.isMissingNode()).as(function + " created").isFalse();
        return fn.get("FunctionArn").asText() + ":live";
    }

    static JsonNode only(JsonNode byId) {
        assertThat(byId.size()).isEqualTo(1);
        return byId.elements().next();
    }

    static List<String> keys(JsonNode schema) {
        List<String> keys = new ArrayList<>();
        schema.forEach(k -> keys.add(k.get("AttributeName").asText() + " " + k.get("KeyType").asText()));
        return keys;
    }

    /** Logical ids and parameters a node refers to through Ref, Fn::GetAtt and Fn::Sub. */
    static Set<String> references(JsonNode node) {
        Set<String> refs = new TreeSet<>();
        if (node.isObject()) {
            node.properties().forEach(e -> {
                switch (e.getKey()) {
                    case "Ref" -> refs.add(e.getValue().asText());
                    case "Fn::GetAtt" -> refs.add(e.getValue().isArray() ? e.getValue().get(0).asText()
                            : e.getValue().asText().split("\\.")[0]);
                    case "Fn::Sub" -> {
                        JsonNode text = e.getValue().isArray() ? e.getValue().get(0) : e.getValue();
                        Matcher m = Pattern.compile("\\$\\{([^!}.]+)[^}]*}").matcher(text.asText());
                        Set<String> local = new TreeSet<>();
                        if (e.getValue().isArray()) {
                            e.getValue().get(1).fieldNames().forEachRemaining(local::add);
                            refs.addAll(references(e.getValue().get(1)));
                        }
                        while (m.find()) {
                            if (!local.contains(m.group(1))) {
                                refs.add(m.group(1));
                            }
                        }
                    }
                    default -> refs.addAll(references(e.getValue()));
                }
            });
        } else if (node.isArray()) {
            node.forEach(v -> refs.addAll(references(v)));
        }
        return refs;
    }
}
