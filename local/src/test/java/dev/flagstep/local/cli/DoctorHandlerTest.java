package dev.flagstep.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.doctor.Finding;
import dev.flagstep.local.LocalDynamo;
import dev.flagstep.local.sim.SimulatedCluster;
import dev.flagstep.preflight.DoctorHandler;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import dev.flagstep.store.DynamoDbCanaryStore;
import dev.flagstep.store.SpecOrigin;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The deployed stack's doctor (DoctorFunction) over DynamoDB Local and the simulated cluster: every canary of the
 * table is examined, a Canary object's canary with its object's rights, and the answer is the CLI's JSON.
 */
class DoctorHandlerTest {

    LocalDynamo dynamo;
    SimulatedCluster sim;
    DynamoDbCanaryStore store;

    @BeforeEach
    void start() {
        dynamo = LocalDynamo.start(Optional.empty());
        store = new DynamoDbCanaryStore(dynamo.client(), LocalDynamo.TABLE, Clock.systemUTC());
        sim = SimulatedCluster.start();
        var spec = ((SpecResult.Valid) new SpecParser().parse(DoctorCommandTest.CANARY)).document().canary();
        sim.seed(spec, "ghcr.io/stefanprodan/podinfo:6.5.0");
        sim.backService("test", "flagger-loadtester", 80, URI.create("http://127.0.0.1:9"));
    }

    @AfterEach
    void stop() {
        sim.close();
        dynamo.close();
    }

    private DoctorHandler.Wiring wiring() {
        return new DoctorHandler.Wiring(store, sim.client(), Optional.empty(), "sim", List.of(), Optional.empty(), Clock.systemUTC());
    }

    @Test
    void everyCanaryOfTheTableIsExaminedAndTheAnswerIsJson() throws Exception {
        store.putSpec(new CanaryId("test", "podinfo"), DoctorCommandTest.CANARY, SpecOrigin.CLUSTER);
        store.putSpec(new CanaryId("test", "web"), DoctorCommandTest.CANARY.replace("name: podinfo, namespace: test",
                "name: web, namespace: test").replace("name: podinfo}", "name: web}"), SpecOrigin.API);
        sim.forbid("flagger.app", "canaries/status", "patch", "test", true);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new DoctorHandler(wiring()).handleRequest(new ByteArrayInputStream("{}".getBytes()), out, null);
        JsonNode answer = new ObjectMapper().readTree(out.toByteArray());

        assertThat(answer.path("failed").asInt()).isEqualTo(2);
        List<String> failures = new java.util.ArrayList<>();
        answer.path("findings").forEach(f -> {
            if (f.path("verdict").asText().equals("FAIL")) failures.add(f.path("subject").asText() + ": " + f.path("message").asText());
        });
        assertThat(failures).containsExactly(
                "test/podinfo: RBAC: cannot patch canaries/status.flagger.app in namespace test (Flagger's status on the Canary object)",
                "test/web: target Deployment web not found in namespace test");
        assertThat(answer.path("findings").get(0).path("subject").asText()).isEqualTo("api server");
    }

    @Test
    void anEmptyTableStillChecksTheApiServer() {
        assertThat(DoctorHandler.examine(wiring())).singleElement().satisfies(f -> {
            assertThat(f.verdict()).isEqualTo(Finding.Verdict.PASS);
            assertThat(f.subject()).isEqualTo("api server");
        });
    }
}
