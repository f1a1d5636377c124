package dev.flagstep.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.api.template.RepoFiles;
import dev.flagstep.api.testing.FakeStepFunctions;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.SpecOrigin;
import dev.flagstep.testing.DynamoTableExtension;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** EventBridge triggers, fed the samples of events/trigger through the Lambda stream entry point. */
class RolloutTriggerHandlerTest {

    @RegisterExtension
    final DynamoTableExtension dynamo = new DynamoTableExtension();

    final ObjectMapper json = new ObjectMapper();
    FakeStepFunctions sfn;
    CanaryStore store;
    RolloutTriggerHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        sfn = new FakeStepFunctions();
        var client = sfn.client();
        store = dynamo.store(Clock.systemUTC());
        handler = new RolloutTriggerHandler(store,
                new ExecutionRolloutStarter(new SfnRolloutExecutions(() -> client, FakeStepFunctions.STATE_MACHINE_ARN, json)));
    }

    @AfterEach
    void tearDown() {
        sfn.close();
    }

    JsonNode invoke(String sample) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(Files.newInputStream(RepoFiles.root().resolve(sample)), out, null);
        return json.readTree(out.toByteArray());
    }

    void putPodinfo(String annotation) {
        String doc = ApiHandlerTest.PODINFO_YAML.replace("  namespace: test\n",
                "  namespace: test\n  annotations:\n    flagstep.dev/image-repository: \"" + annotation + "\"\n");
        store.putSpec(new CanaryId("test", "podinfo"), doc);
    }

    @Test
    void rolloutRequestedStartsTheRevisionOnce() throws Exception {
        putPodinfo("other");
        JsonNode first = invoke("events/trigger/rollout-requested.json");
        assertThat(first.at("/started/0/status").asText()).isEqualTo("started");
        assertThat(sfn.executions()).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("test-podinfo-git-4f2c9e1");
            assertThat(e.input()).contains("\"intervalSeconds\":30");
        });

        JsonNode again = invoke("events/trigger/rollout-requested.json");
        assertThat(again.at("/started/0/status").asText()).isEqualTo("alreadyStarted");
        assertThat(sfn.executions()).hasSize(1);
    }

    @Test
    void rolloutRequestedForAnUnknownCanaryIsSkippedNotThrown() throws Exception {
        JsonNode r = invoke("events/trigger/rollout-requested.json");
        assertThat(r.get("started")).isEmpty();
        assertThat(r.at("/skipped/0/reason").asText()).isEqualTo("no such canary");
        assertThat(sfn.executions()).isEmpty();
    }

    @Test
    void anEcrPushRollsOutTheCanariesAnnotatedWithTheRepositoryByDigest() throws Exception {
        putPodinfo("123456789012.dkr.ecr.us-east-1.amazonaws.com/podinfo:6.5.0, team/other");
        store.putSpec(new CanaryId("test", "unrelated"), ApiHandlerTest.PODINFO_YAML.replace("name: podinfo\n  namespace",
                "name: unrelated\n  namespace"));

        JsonNode r = invoke("events/trigger/ecr-push.json");

        assertThat(r.get("started")).hasSize(1);
        assertThat(r.at("/started/0/name").asText()).isEqualTo("podinfo");
        assertThat(r.at("/started/0/revision").asText()).startsWith("sha256:7f5b2640");
        assertThat(json.readTree(sfn.executions().getFirst().input()).get("revision").asText())
                .isEqualTo("sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234abcd");
    }

    @Test
    void aPushNobodyFollowsStartsNothing() throws Exception {
        putPodinfo("team/other");
        JsonNode r = invoke("events/trigger/ecr-push.json");
        assertThat(r.get("started")).isEmpty();
        assertThat(sfn.executions()).isEmpty();
    }

    @Test
    void otherEventsAndIncompleteDetailsAreSkipped() {
        ObjectNode foreign = json.createObjectNode().put("source", "aws.s3").put("detail-type", "Object Created");
        assertThat(handler.handle(foreign).get("skipped")).hasSize(1);
        ObjectNode partial = json.createObjectNode().put("source", "flagstep.trigger").put("detail-type", "Rollout Requested");
        partial.putObject("detail").put("namespace", "test").put("name", "podinfo");
        assertThat(handler.handle(partial).at("/skipped/0/reason").asText()).contains("revision");
        assertThat(sfn.executions()).isEmpty();
    }

    @Test
    void repositoryReferencesAreComparedWithoutRegistryTagAndDigest() {
        assertThat(ImageRepositories.normalise("123.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.2@sha256:ab"))
                .isEqualTo("team/app");
        assertThat(ImageRepositories.normalise("team/app")).isEqualTo("team/app");
        assertThat(ImageRepositories.normalise("localhost:5000/app:dev")).isEqualTo("app");
        assertThat(ImageRepositories.of("spec:\n  targetRef: {name: x}\n")).isEmpty();
    }

    @Test
    void aClusterCanaryIsSkippedByBothTriggers() throws Exception {
        String doc = ApiHandlerTest.PODINFO_YAML.replace("  namespace: test\n",
                "  namespace: test\n  annotations:\n    flagstep.dev/image-repository: \"123456789012.dkr.ecr.us-east-1.amazonaws.com/podinfo\"\n");
        store.putSpec(new CanaryId("test", "podinfo"), doc, SpecOrigin.CLUSTER);

        for (String sample : new String[] {"events/trigger/rollout-requested.json", "events/trigger/ecr-push.json"}) {
            JsonNode r = invoke(sample);
            assertThat(r.get("started")).as(sample).isEmpty();
            assertThat(r.at("/skipped/0/reason").asText()).as(sample).startsWith("managed by its Canary object in the cluster");
        }
        assertThat(sfn.executions()).isEmpty();
    }
}
