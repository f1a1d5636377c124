package dev.flagstep.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.api.template.RepoFiles;
import dev.flagstep.api.testing.FakeStepFunctions;
import dev.flagstep.gate.SfnTaskTokens;
import dev.flagstep.testing.DynamoTableExtension;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every sample in events/ is used, so none can rot: the API requests parse as API Gateway v2
 * events (AWS's own event classes) and, run in order through the Lambda entry point, get the
 * answers below; the phase inputs carry what canary.asl.json passes; the canary event is what the
 * phases put on the bus for users' rules. (The trigger samples: RolloutTriggerHandlerTest.)
 */
class EventSamplesTest {

    /** Every events/api sample, in an order that makes sense, and the status it must get. */
    static final Map<String, Integer> API = new LinkedHashMap<>();

    static {
        API.put("healthz.json", 200);
        API.put("unknown-route.json", 404);
        API.put("get-canary.json", 404);
        API.put("put-canary-yaml.json", 201);
        API.put("put-canary-json.json", 200);
        API.put("put-canary-yaml.json#again", 200);
        API.put("list-canaries.json", 200);
        API.put("get-canary.json#again", 200);
        API.put("list-gates.json", 200);
        API.put("open-gate.json", 200);
        API.put("close-gate.json", 200);
        API.put("start-rollout.json", 201);
        API.put("start-rollout.json#again", 200);
        API.put("loadtester-gate-check.json", 403);
        API.put("loadtester-gate-open.json", 202);
        API.put("loadtester-gate-check.json#open", 200);
        API.put("loadtester-gate-close.json", 202);
        API.put("loadtester-gate-approve.json", 200);
        API.put("loadtester-gate-halt.json", 403);
        API.put("loadtester-rollback-check.json", 403);
        API.put("loadtester-rollback-open.json", 202);
        API.put("loadtester-rollback-check.json#open", 200);
        API.put("loadtester-rollback-close.json", 202);
        API.put("delete-canary.json", 204);
    }

    @RegisterExtension
    final DynamoTableExtension dynamo = new DynamoTableExtension();

    final ObjectMapper json = new ObjectMapper();

    // aws-lambda-java-tests' @Events provider predates JUnit 5.13's ArgumentsProvider API, so its
    // EventLoader is called directly.
    @Test
    void apiSamplesAreApiGatewayV2Events() throws Exception {
        try (Stream<Path> files = Files.list(RepoFiles.root().resolve("events/api"))) {
            for (Path f : files.toList()) {
                APIGatewayV2HTTPEvent event = EventLoader.loadEvent(f.toString(), APIGatewayV2HTTPEvent.class);
                assertThat(event.getVersion()).as(f.toString()).isEqualTo("2.0");
                assertThat(event.getRawPath()).startsWith("/");
                assertThat(event.getRequestContext().getHttp().getMethod()).isNotBlank();
            }
        }
    }

    @Test
    void everyApiSampleIsCoveredAndGetsItsAnswer() throws Exception {
        Path dir = RepoFiles.root().resolve("events/api");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList())
                    .containsExactlyInAnyOrderElementsOf(API.keySet().stream().map(k -> k.split("#")[0]).distinct().toList());
        }
        try (FakeStepFunctions sfn = new FakeStepFunctions()) {
            var client = sfn.client();
            ApiHandler api = new ApiHandler(dynamo.store(Clock.systemUTC()),
                    new ExecutionRolloutStarter(new SfnRolloutExecutions(() -> client, FakeStepFunctions.STATE_MACHINE_ARN, json)),
                    new SfnTaskTokens(() -> client));
            for (var e : API.entrySet()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                api.handleRequest(Files.newInputStream(dir.resolve(e.getKey().split("#")[0])), out, null);
                JsonNode response = json.readTree(out.toByteArray());
                assertThat(response.get("statusCode").asInt()).as(e.getKey() + ": " + response).isEqualTo(e.getValue());
                assertThat(response.get("isBase64Encoded").asBoolean(true)).isFalse();
            }
        }
    }

    @Test
    void phaseSamplesCarryWhatTheStateMachinePasses() throws Exception {
        Path dir = RepoFiles.root().resolve("events/phases");
        List<String> expected = List.of("initialize", "confirmRollout", "startRollout", "preRollout", "analysis",
                "confirmPromotion", "promote", "finalise", "rollback", "postRollout", "waitForConfirmRollout");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString().replace(".json", "")).toList())
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
        JsonNode asl = json.readTree(RepoFiles.root().resolve("statemachine/canary.asl.json").toFile());
        List<String> passed = List.of("canary", "runId", "revision", "intervalSeconds", "tick");
        asl.at("/States/Initialize/Parameters/Payload").fieldNames()
                .forEachRemaining(f -> assertThat(passed).contains(f.replace(".$", "")));
        for (String name : expected) {
            JsonNode in = json.readTree(dir.resolve(name + ".json").toFile());
            for (String field : passed) {
                assertThat(in.has(field)).as(name + " has " + field).isTrue();
            }
            assertThat(in.at("/canary/namespace").asText()).isNotEmpty();
            assertThat(in.get("tick").asText()).contains("@");
            // the phases of the loop also pass their tick count and the execution's name (docs/executions.md)
            String state = in.get("tick").asText().substring(0, in.get("tick").asText().indexOf('@'));
            JsonNode payload = asl.at("/States/" + state + "/Parameters/Payload");
            assertThat(payload.isObject()).as(name + " names its state in tick").isTrue();
            for (String field : List.of("ticks", "execution")) {
                assertThat(in.has(field)).as(name + " has " + field).isEqualTo(payload.has(field + ".$"));
            }
        }
        assertThat(json.readTree(dir.resolve("waitForConfirmRollout.json").toFile()).has("taskToken")).isTrue();
        assertThat(json.readTree(dir.resolve("rollback.json").toFile()).has("error")).isTrue();
    }

    @Test
    void theCanaryEventSampleIsWhatThePhasesPublish() throws Exception {
        JsonNode event = json.readTree(RepoFiles.root().resolve("events/bus/canary-event.json").toFile());
        assertThat(event.get("source").asText()).isEqualTo(dev.flagstep.events.EventBridgePublisher.SOURCE);
        assertThat(event.get("detail-type").asText()).isEqualTo(dev.flagstep.events.EventBridgePublisher.DETAIL_TYPE);
        JsonNode d = event.get("detail");
        assertThat(d.fieldNames()).toIterable().contains("name", "namespace", "phase", "checksum", "metadata");
        assertThat(d.get("metadata").fieldNames()).toIterable().contains("eventMessage", "eventType", "timestamp");
    }
}
