package dev.flagstep.api.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.api.ApiHandler;
import dev.flagstep.api.IamActions;
import dev.flagstep.api.RolloutTriggerHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * template.yaml against the code and the state machine definition. Runs after {@code package}
 * (surefire's integration-test execution), because it loads every handler from the zip its
 * CodeUri names, exactly as Lambda would.
 */
class TemplateContractIT {

    static Path root;
    static JsonNode template;
    static JsonNode resources;
    static JsonNode asl;

    @BeforeAll
    static void read() throws Exception {
        root = RepoFiles.root();
        template = CfnYaml.read(root.resolve("template.yaml"));
        resources = template.get("Resources");
        asl = new ObjectMapper().readTree(root.resolve("statemachine/canary.asl.json").toFile());
    }

    static Map<String, JsonNode> functions() throws Exception {
        if (template == null) {
            read();
        }
        Map<String, JsonNode> fns = new LinkedHashMap<>();
        resources.properties().forEach(e -> {
            if (e.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                fns.put(e.getKey(), e.getValue().get("Properties"));
            }
        });
        return fns;
    }

    static Stream<String> functionIds() throws Exception {
        return functions().keySet().stream();
    }

    @Test
    void everyFunctionHasADeclaredActionListAndEveryListAFunction() throws Exception {
        assertThat(functions().keySet()).containsExactlyInAnyOrderElementsOf(IamActions.BY_FUNCTION.keySet());
    }

    @ParameterizedTest
    @MethodSource("functionIds")
    void policiesGrantExactlyTheActionsTheCodeCalls(String function) throws Exception {
        Set<String> granted = actions(rolePolicies(function));
        assertThat(granted).as(function + " policies (template.yaml) vs IamActions")
                .containsExactlyInAnyOrderElementsOf(IamActions.BY_FUNCTION.get(function));
    }

    @ParameterizedTest
    @MethodSource("functionIds")
    void codeUriIsTheZipTheHandlersModuleBuilds(String function) throws Exception {
        JsonNode fn = functions().get(function);
        String handler = fn.get("Handler").asText();
        String module = handler.startsWith("dev.flagstep.phases.") ? "phases"
                : handler.startsWith("dev.flagstep.api.") || handler.startsWith("dev.flagstep.sync.")
                        || handler.startsWith("dev.flagstep.preflight.") ? "api" : "?";
        assertThat(fn.get("CodeUri").asText()).isEqualTo("functions/" + module + "/target/flagstep-" + module + ".zip");
        assertThat(root.resolve(fn.get("CodeUri").asText()))
                .as("built by ./mvnw package").exists();
    }

    @ParameterizedTest
    @MethodSource("functionIds")
    void handlerClassAndMethodLoadFromTheZip(String function) throws Exception {
        JsonNode fn = functions().get(function);
        String[] handler = fn.get("Handler").asText().split("::");
        assertThat(handler).hasSize(2);
        ClassLoader zip = ZipClassLoaders.forZip(root.resolve(fn.get("CodeUri").asText()));
        Class<?> type = Class.forName(handler[0], false, zip);
        Class<?> streamHandler =
                Class.forName("com.amazonaws.services.lambda.runtime.RequestStreamHandler", false, zip);
        Class<?> context = Class.forName("com.amazonaws.services.lambda.runtime.Context", false, zip);
        assertThat(streamHandler.isAssignableFrom(type)).as(handler[0] + " implements RequestStreamHandler").isTrue();
        assertThat(Modifier.isPublic(type.getConstructor().getModifiers())).isTrue();
        Method m = type.getMethod(handler[1], InputStream.class, OutputStream.class, context);
        assertThat(Modifier.isPublic(m.getModifiers())).isTrue();
    }

    @Test
    void everyPlaceholderOfTheDefinitionHasASubstitutionAndEverySubstitutionIsUsed() throws Exception {
        String text = Files.readString(root.resolve("statemachine/canary.asl.json"));
        Set<String> placeholders = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}").matcher(text);
        while (m.find()) {
            placeholders.add(m.group(1));
        }
        Set<String> substitutions = new TreeSet<>();
        stateMachine().get("DefinitionSubstitutions").fieldNames().forEachRemaining(substitutions::add);
        assertThat(placeholders).isNotEmpty().isEqualTo(substitutions);
    }

    @Test
    void everyTaskInvokesTheLiveAliasOfAFunctionTheStateMachineMayInvoke() throws Exception {
        JsonNode subs = stateMachine().get("DefinitionSubstitutions");
        Set<String> invoked = new TreeSet<>();
        asl.get("States").properties().forEach(state -> {
            JsonNode s = state.getValue();
            if (!s.path("Type").asText().equals("Task") || s.get("Resource").asText().startsWith("arn:aws:states:::states:")) {
                return; // ContinueAsNew: see theStateMachineMayStartOnlyItself
            }
            assertThat(s.get("Resource").asText()).startsWith("arn:aws:states:::lambda:invoke");
            String placeholder = s.at("/Parameters/FunctionName").asText();
            assertThat(placeholder).as(state.getKey()).matches("\\$\\{[A-Za-z]+}");
            String ref = subs.path(placeholder.substring(2, placeholder.length() - 1)).path("Ref").asText();
            assertThat(ref).as(state.getKey() + " invokes an alias").endsWith(".Alias");
            String function = ref.substring(0, ref.length() - ".Alias".length());
            assertThat(resources.path(function).path("Type").asText()).as(function).isEqualTo("AWS::Serverless::Function");
            invoked.add(ref);
        });
        Set<String> allowed = new TreeSet<>();
        for (JsonNode policy : stateMachine().get("Policies")) {
            for (JsonNode st : policy.path("Statement")) {
                if (st.path("Action").toString().contains("lambda:InvokeFunction")) {
                    st.path("Resource").forEach(r -> allowed.add(r.path("Ref").asText()));
                }
            }
        }
        assertThat(allowed).as("lambda:InvokeFunction resources").isEqualTo(invoked);
    }

    @Test
    void globalsRunJava21OnGravitonWithSnapStartOnTheLiveAliasAndJsonLogs() {
        JsonNode g = template.at("/Globals/Function");
        assertThat(g.get("Runtime").asText()).isEqualTo("java21");
        assertThat(g.get("Architectures").get(0).asText()).isEqualTo("arm64");
        assertThat(g.at("/SnapStart/ApplyOn").asText()).isEqualTo("PublishedVersions");
        assertThat(g.get("AutoPublishAlias").asText()).isEqualTo("live");
        assertThat(g.at("/LoggingConfig/LogFormat").asText()).isEqualTo("JSON");
        assertThat(g.at("/Environment/Variables").has("TABLE_NAME")).isTrue();
        for (String v : List.of("TABLE_NAME", "EVENT_BUS_NAME", "CLUSTER_NAME", "FLAGSTEP_EKS_CLUSTER",
                "EVENT_RETENTION_DAYS", "WEBHOOK_SECRET_ARN", "SECRETS_PREFIX", "DEFAULT_PROVIDER", "METRICS_SERVER",
                "EVENT_WEBHOOK_URL", "FLAGSTEP_CLUSTER_SERVICE_ACCESS", "FLAGSTEP_CLUSTER_DOMAIN")) {
            assertThat(g.at("/Environment/Variables").has(v)).as(v).isTrue();
        }
    }

    /** ContinueAsNew starts a new execution of the same state machine ($$.StateMachine.Id): the role may do that, and nothing more. */
    @Test
    void theStateMachineMayStartOnlyItself() throws Exception {
        Set<String> startTasks = new TreeSet<>();
        asl.get("States").properties().forEach(state -> {
            if (state.getValue().path("Resource").asText().startsWith("arn:aws:states:::states:")) {
                assertThat(state.getValue().get("Resource").asText()).isEqualTo("arn:aws:states:::states:startExecution");
                assertThat(state.getValue().at("/Parameters/StateMachineArn.$").asText()).isEqualTo("$$.StateMachine.Id");
                startTasks.add(state.getKey());
            }
        });
        assertThat(startTasks).containsExactly("ContinueAsNew");
        List<String> resources = new java.util.ArrayList<>();
        for (JsonNode policy : stateMachine().get("Policies")) {
            for (JsonNode st : policy.path("Statement")) {
                if (st.path("Action").toString().contains("states:")) {
                    assertThat(st.path("Action").toString()).isEqualTo("[\"states:StartExecution\"]");
                    resources.add(st.at("/Resource/Fn::Sub").asText());
                }
            }
        }
        assertThat(resources).containsExactly(
                "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:${AWS::StackName}-canary");
    }

    @Test
    void theApiFunctionsKnowTheStateMachineByItsFixedName() throws Exception {
        // Built from the name, not !Ref: the phases reference the HttpApi, which references the
        // ApiFunction, so a !Ref from the ApiFunction to the state machine would close a cycle.
        assertThat(stateMachine().at("/Name/Fn::Sub").asText()).isEqualTo("${AWS::StackName}-canary");
        for (String fn : List.of("ApiFunction", "RolloutTriggerFunction", "SyncFunction")) {
            assertThat(functions().get(fn).at("/Environment/Variables/STATE_MACHINE_ARN/Fn::Sub").asText())
                    .isEqualTo("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:${AWS::StackName}-canary");
        }
    }

    @Test
    void theGatePhasesKnowTheApiSoTheyAnswerItsGatePathsInProcess() throws Exception {
        for (String fn : List.of("ConfirmRolloutFunction", "PreRolloutFunction", "AnalysisFunction",
                "ConfirmPromotionFunction")) {
            assertThat(functions().get(fn).at("/Environment/Variables/FLAGSTEP_API_URL/Fn::Sub").asText())
                    .as(fn).isEqualTo("https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}");
        }
    }

    @Test
    void noResourceDependsOnItself() throws Exception {
        Map<String, Set<String>> deps = new java.util.TreeMap<>();
        Set<String> names = new TreeSet<>();
        resources.fieldNames().forEachRemaining(names::add);
        template.path("Parameters").fieldNames().forEachRemaining(p -> names.remove(p));
        for (String name : names) {
            JsonNode r = resources.get(name).deepCopy();
            if (r.path("Properties").isObject()) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) r.get("Properties")).remove("Events");
            }
            Set<String> refs = new TreeSet<>();
            collectRefs(r, refs);
            refs.retainAll(names);
            deps.computeIfAbsent(name, k -> new TreeSet<>()).addAll(refs);
            // SAM: an HttpApi event makes the API's integration depend on the function.
            resources.get(name).path("Properties").path("Events").forEach(e -> {
                if (e.path("Type").asText().equals("HttpApi")) {
                    deps.computeIfAbsent(e.at("/Properties/ApiId/Ref").asText(), k -> new TreeSet<>()).add(name);
                }
            });
        }
        for (String start : deps.keySet()) {
            assertThat(reachable(deps, start)).as("dependency cycle through " + start).doesNotContain(start);
        }
    }

    private static Set<String> reachable(Map<String, Set<String>> deps, String from) {
        Set<String> seen = new TreeSet<>();
        java.util.Deque<String> todo = new java.util.ArrayDeque<>(deps.getOrDefault(from, Set.of()));
        while (!todo.isEmpty()) {
            String n = todo.pop();
            if (seen.add(n)) {
                todo.addAll(deps.getOrDefault(n, Set.of()));
            }
        }
        return seen;
    }

    /** Resource names a node refers to: Ref, GetAtt, ${...} in Sub; SAM's X.Alias means X (roles are declared resources). */
    private static void collectRefs(JsonNode node, Set<String> out) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                switch (e.getKey()) {
                    case "Ref" -> out.add(owner(e.getValue().asText()));
                    case "Fn::GetAtt" -> out.add(owner(e.getValue().get(0).asText()));
                    case "Fn::Sub" -> {
                        String text = e.getValue().isArray() ? e.getValue().get(0).asText() : e.getValue().asText();
                        Matcher m = Pattern.compile("\\$\\{([A-Za-z0-9]+)(\\.[A-Za-z.]+)?}").matcher(text);
                        while (m.find()) {
                            out.add(owner(m.group(1)));
                        }
                        if (e.getValue().isArray()) {
                            collectRefs(e.getValue().get(1), out);
                        }
                    }
                    default -> collectRefs(e.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, out));
        }
    }

    private static String owner(String ref) {
        return ref.endsWith(".Alias") ? ref.substring(0, ref.length() - ".Alias".length()) : ref;
    }

    @Test
    void onlyTheReadOnlyLoadtesterPathsSkipIam() throws Exception {
        assertThat(template.at("/Resources/HttpApi/Properties/Auth/DefaultAuthorizer").asText()).isEqualTo("AWS_IAM");
        Set<String> open = new TreeSet<>();
        functions().get("ApiFunction").get("Events").forEach(e -> {
            if (e.at("/Properties/Auth/Authorizer").asText().equals("NONE")) {
                open.add(e.at("/Properties/Path").asText());
            }
        });
        assertThat(open).isEqualTo(new TreeSet<>(ApiHandler.UNAUTHENTICATED_PATHS));
    }

    @Test
    void eventRulesMatchWhatTheHandlersExpect() throws Exception {
        // canary events are posted to the event webhooks by the phases, in order: no rule may post them again
        functions().forEach((name, fn) -> fn.path("Events").forEach(e -> assertThat(e.at("/Properties/Pattern/detail-type/0")
                .asText()).as(name).isNotEqualTo("Canary Event")));
        JsonNode requested = functions().get("RolloutTriggerFunction").at("/Events/RolloutRequested/Properties");
        assertThat(requested.at("/EventBusName/Ref").asText()).isEqualTo("EventBus");
        assertThat(requested.at("/Pattern/source/0").asText()).isEqualTo(RolloutTriggerHandler.TRIGGER_SOURCE);
        assertThat(requested.at("/Pattern/detail-type/0").asText()).isEqualTo(RolloutTriggerHandler.ROLLOUT_REQUESTED);
        JsonNode ecr = functions().get("RolloutTriggerFunction").at("/Events/EcrPush/Properties");
        assertThat(ecr.has("EventBusName")).as("ECR events arrive on the default bus").isFalse();
        assertThat(ecr.at("/Pattern/detail-type/0").asText()).isEqualTo(RolloutTriggerHandler.ECR_IMAGE_ACTION);
        assertThat(ecr.at("/Pattern/detail/action-type/0").asText()).isEqualTo("PUSH");
    }

    @Test
    void theTableHasTheStoresKeysIndexAndTtl() {
        JsonNode t = template.at("/Resources/CanaryTable/Properties");
        assertThat(t.get("BillingMode").asText()).isEqualTo("PAY_PER_REQUEST");
        assertThat(t.at("/KeySchema/0/AttributeName").asText()).isEqualTo("pk");
        assertThat(t.at("/KeySchema/1/AttributeName").asText()).isEqualTo("sk");
        assertThat(t.at("/GlobalSecondaryIndexes/0/IndexName").asText()).isEqualTo("status-index");
        assertThat(t.at("/GlobalSecondaryIndexes/0/KeySchema/0/AttributeName").asText()).isEqualTo("gsiPk");
        assertThat(t.at("/GlobalSecondaryIndexes/0/KeySchema/1/AttributeName").asText()).isEqualTo("gsiSk");
        assertThat(t.at("/TimeToLiveSpecification/AttributeName").asText()).isEqualTo("expiresAt");
        assertThat(t.at("/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled").asBoolean()).isTrue();
    }

    @Test
    void everyFunctionThatCallsTheClusterHasAnAccessEntryAndNoOtherDoes() throws Exception {
        Set<String> withCluster = new TreeSet<>();
        IamActions.BY_FUNCTION.forEach((fn, actions) -> {
            if (actions.contains("eks:DescribeCluster")) {
                withCluster.add(fn + "Role");
            }
        });
        Set<String> entries = new TreeSet<>();
        resources.properties().forEach(e -> {
            if (e.getValue().path("Type").asText().equals("AWS::EKS::AccessEntry")) {
                entries.add(e.getValue().at("/Properties/PrincipalArn/Fn::GetAtt/0").asText());
                assertThat(e.getValue().at("/Properties/KubernetesGroups/0").asText())
                        .as("the group docs/routers.md binds").isEqualTo("flagstep-canaries");
            }
        });
        assertThat(entries).isEqualTo(withCluster);
    }

    @Test
    void outputsNameTheApiStateMachineBusAndTable() {
        assertThat(template.get("Outputs").has("ApiUrl")).isTrue();
        assertThat(template.get("Outputs").has("StateMachineArn")).isTrue();
        assertThat(template.get("Outputs").has("EventBusName")).isTrue();
        assertThat(template.get("Outputs").has("TableName")).isTrue();
    }

    private static JsonNode stateMachine() {
        return resources.at("/CanaryStateMachine/Properties");
    }

    /** The policy documents of the function's own role ({Function}Role, declared next to it). */
    static JsonNode rolePolicies(String function) throws Exception {
        if (template == null) {
            read();
        }
        com.fasterxml.jackson.databind.node.ArrayNode documents = new ObjectMapper().createArrayNode();
        resources.path(function + "Role").at("/Properties/Policies").forEach(p -> documents.add(p.get("PolicyDocument")));
        return documents;
    }

    /** Every action of every statement, both branches of each Fn::If (a condition may be true). */
    static Set<String> actions(JsonNode policies) {
        Set<String> actions = new TreeSet<>();
        for (JsonNode policy : policies) {
            for (JsonNode branch : CfnYaml.branches(policy)) {
                if (CfnYaml.isNoValue(branch)) {
                    continue;
                }
                assertThat(branch.has("Statement")).as("inline statements only (no managed or SAM policy templates): " + branch).isTrue();
                for (JsonNode st : branch.get("Statement")) {
                    JsonNode a = st.get("Action");
                    if (a.isArray()) {
                        a.forEach(x -> actions.add(x.asText()));
                    } else {
                        actions.add(a.asText());
                    }
                }
            }
        }
        return actions;
    }
}
