package dev.flagstep.api.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.api.ApiHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** template.yaml's security settings: roles, the VPC policy, the secrets prefix, throttles, no dead parameters. */
class TemplateSecurityTest {

    static JsonNode template;
    static JsonNode resources;

    @BeforeAll
    static void read() throws Exception {
        template = CfnYaml.read(RepoFiles.root().resolve("template.yaml"));
        resources = template.get("Resources");
    }

    static Map<String, JsonNode> functions() {
        Map<String, JsonNode> fns = new TreeMap<>();
        resources.properties().forEach(e -> {
            if (e.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                fns.put(e.getKey(), e.getValue().get("Properties"));
            }
        });
        return fns;
    }

    @Test
    void everyFunctionHasItsOwnDeclaredRoleSoSamGeneratesNone() {
        assertThat(functions()).hasSize(14);
        functions().forEach((name, fn) -> {
            assertThat(fn.has("Policies")).as(name + ": Policies would make SAM generate a role").isFalse();
            assertThat(fn.at("/Role/Fn::GetAtt/0").asText()).as(name).isEqualTo(name + "Role");
            assertThat(fn.at("/Role/Fn::GetAtt/1").asText()).as(name).isEqualTo("Arn");
            JsonNode role = resources.get(name + "Role");
            assertThat(role.path("Type").asText()).as(name).isEqualTo("AWS::IAM::Role");
            JsonNode trust = role.at("/Properties/AssumeRolePolicyDocument/Statement");
            assertThat(trust).as(name).hasSize(1);
            assertThat(trust.get(0).at("/Principal/Service").asText()).as(name).isEqualTo("lambda.amazonaws.com");
            assertThat(trust.get(0).path("Action").asText()).as(name).isEqualTo("sts:AssumeRole");
        });
    }

    @Test
    void theVpcAccessPolicyIsAttachedOnlyWhenSubnetsAreGiven() {
        assertThat(template.at("/Conditions/HasVpc").toString()).contains("SubnetIds");
        functions().keySet().forEach(name -> {
            List<String> unconditional = new ArrayList<>();
            List<JsonNode> conditional = new ArrayList<>();
            resources.get(name + "Role").at("/Properties/ManagedPolicyArns").forEach(arn -> {
                if (arn.has("Fn::If")) {
                    conditional.add(arn.get("Fn::If"));
                } else {
                    unconditional.add(arn.toString());
                }
            });
            assertThat(unconditional).as(name).noneMatch(a -> a.contains("VPCAccess"))
                    .anyMatch(a -> a.contains("AWSLambdaBasicExecutionRole"));
            assertThat(conditional).as(name).singleElement().satisfies(f -> {
                assertThat(f.get(0).asText()).isEqualTo("HasVpc");
                assertThat(f.get(1).toString()).contains("service-role/AWSLambdaVPCAccessExecutionRole");
                assertThat(CfnYaml.isNoValue(f.get(2))).isTrue();
            });
        });
    }

    @Test
    void theSecretsPrefixCannotBeEmptyAndReachesTheFunctions() {
        JsonNode prefix = template.at("/Parameters/SecretsPrefix");
        Pattern allowed = Pattern.compile(prefix.get("AllowedPattern").asText());
        assertThat(allowed.matcher("").matches()).isFalse();
        assertThat(allowed.matcher("/").matches()).isFalse();
        assertThat(allowed.matcher("*").matches()).isFalse();
        assertThat(allowed.matcher("flagstep").matches()).as("must end in /").isFalse();
        assertThat(allowed.matcher("flagstep/").matches()).isTrue();
        assertThat(allowed.matcher("teams/flagstep/").matches()).isTrue();
        assertThat(allowed.matcher(prefix.get("Default").asText()).matches()).isTrue();
        assertThat(prefix.get("Description").asText()).contains("{SecretsPrefix}test/prom-auth");
        assertThat(template.at("/Globals/Function/Environment/Variables/SECRETS_PREFIX/Ref").asText()).isEqualTo("SecretsPrefix");
    }

    @Test
    void theWebhookSecretParameterIsReadByTheCode() throws Exception {
        assertThat(template.at("/Globals/Function/Environment/Variables/WEBHOOK_SECRET_ARN/Ref").asText()).isEqualTo("WebhookSecretArn");
        Pattern allowed = Pattern.compile(template.at("/Parameters/WebhookSecretArn/AllowedPattern").asText());
        assertThat(allowed.matcher("").matches()).isTrue();
        assertThat(allowed.matcher("arn:aws:secretsmanager:eu-west-1:123456789012:secret:flagstep-hooks-AbCdEf").matches()).isTrue();
        assertThat(allowed.matcher("flagstep-hooks").matches()).isFalse();
        for (String variable : List.of("WEBHOOK_SECRET_ARN", "SECRETS_PREFIX")) {
            assertThat(mainSourcesMentioning("\"" + variable + "\"")).as(variable + " is read by the code").isNotEmpty();
        }
    }

    /** The gate links' key is the stack's own generated secret, only the API may read it, and links can be turned off. */
    @Test
    void theGateLinkKeyIsAGeneratedSecretTheApiReads() throws Exception {
        assertThat(resources.at("/GateLinkSecret/Type").asText()).isEqualTo("AWS::SecretsManager::Secret");
        assertThat(resources.at("/GateLinkSecret/Properties/GenerateSecretString/GenerateStringKey").asText()).isEqualTo("secret");
        assertThat(resources.at("/GateLinkSecret/Properties/GenerateSecretString/PasswordLength").asInt())
                .isGreaterThanOrEqualTo(dev.flagstep.gatelink.GateLinkKey.MIN_BYTES);
        JsonNode env = template.at("/Globals/Function/Environment/Variables");
        assertThat(env.at("/GATE_LINK_SECRET_ARN/Ref").asText()).isEqualTo("GateLinkSecret");
        assertThat(env.at("/GATE_LINK_TTL_HOURS/Ref").asText()).isEqualTo("GateLinkTtlHours");
        assertThat(env.at("/GATE_LINKS/Fn::If/0").asText()).isEqualTo("GateLinksEnabled");
        assertThat(template.at("/Parameters/GateLinks/AllowedValues").toString()).isEqualTo("[\"enabled\",\"disabled\"]");
        for (String variable : List.of("GATE_LINKS", "GATE_LINK_SECRET_ARN", "GATE_LINK_TTL_HOURS")) {
            assertThat(mainSourcesMentioning("\"" + variable + "\"")).as(variable + " is read by the code").isNotEmpty();
        }
    }

    /** The global notifier's URLs are secret ARNs, read by the code, and only the alerting phases may read them. */
    @Test
    void theGlobalNotifierParametersAreSecretsReadByTheAlertingPhases() throws Exception {
        Map<String, String> variables = Map.of("SLACK_URL_SECRET_ARN", "SlackUrlSecretArn", "SLACK_CHANNEL", "SlackChannel",
                "SLACK_USER", "SlackUser", "SLACK_PROXY_URL", "SlackProxyUrl", "MSTEAMS_URL_SECRET_ARN", "MsTeamsUrlSecretArn",
                "MSTEAMS_PROXY_URL", "MsTeamsProxyUrl", "ALERT_CLUSTER_NAME", "AlertClusterName");
        variables.forEach((variable, parameter) -> {
            assertThat(template.at("/Globals/Function/Environment/Variables/" + variable + "/Ref").asText()).isEqualTo(parameter);
            try {
                assertThat(mainSourcesMentioning("\"" + variable + "\"")).as(variable + " is read by the code").isNotEmpty();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        for (String arn : List.of("SlackUrlSecretArn", "MsTeamsUrlSecretArn")) {
            Pattern allowed = Pattern.compile(template.at("/Parameters/" + arn + "/AllowedPattern").asText());
            assertThat(allowed.matcher("https://hooks.slack.com/services/T/B/X").matches()).as("never a plain URL").isFalse();
            assertThat(allowed.matcher("arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-AbCdEf").matches()).isTrue();
        }
        List<String> readers = new ArrayList<>();
        resources.fields().forEachRemaining(e -> {
            if (e.getValue().toString().contains("\"SlackUrlSecretArn\"") && e.getKey().endsWith("Role")) {
                readers.add(e.getKey());
            }
        });
        assertThat(readers).containsExactlyInAnyOrder("InitializeFunctionRole", "ConfirmRolloutFunctionRole",
                "StartRolloutFunctionRole", "PreRolloutFunctionRole", "AnalysisFunctionRole", "ConfirmPromotionFunctionRole",
                "PromoteFunctionRole", "FinaliseFunctionRole", "RollbackFunctionRole");
    }

    @Test
    void theUnauthenticatedRoutesAreThrottledBelowTheSignedOnes() {
        JsonNode defaults = resources.at("/HttpApi/Properties/DefaultRouteSettings");
        List<String> open = new ArrayList<>();
        functions().get("ApiFunction").get("Events").forEach(e -> {
            if (!e.at("/Properties/Auth/Authorizer").asText().equals("NONE")) {
                return;
            }
            open.add(e.at("/Properties/Path").asText());
            JsonNode route = e.at("/Properties/RouteSettings");
            assertThat(route.path("ThrottlingRateLimit").asDouble()).as(e.toString())
                    .isPositive().isLessThan(defaults.path("ThrottlingRateLimit").asDouble());
            assertThat(route.path("ThrottlingBurstLimit").asInt()).as(e.toString())
                    .isPositive().isLessThan(defaults.path("ThrottlingBurstLimit").asInt());
        });
        assertThat(open).containsExactlyInAnyOrderElementsOf(ApiHandler.UNAUTHENTICATED_PATHS);
        assertThat(functions().get("ApiFunction").at("/ReservedConcurrentExecutions/Fn::If/0").asText())
                .isEqualTo("LimitApiConcurrency");
    }

    /** states:SendTaskSuccess is granted to the API and the gate phases, for one call site both share. */
    @Test
    void sendTaskSuccessIsCalledFromOneClass() throws Exception {
        assertThat(mainSourcesMentioning(".sendTaskSuccess(")).map(f -> f.getFileName().toString())
                .containsExactly("SfnTaskTokens.java");
    }

    private static List<Path> mainSourcesMentioning(String text) throws Exception {
        Path functions = RepoFiles.root().resolve("functions");
        try (Stream<Path> files = Files.walk(functions)) {
            return files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/"))
                    .filter(f -> {
                        try {
                            return Files.readString(f).contains(text);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).toList();
        }
    }
}
